"""One loader of service models for the whole process, keeping models without their prose."""

from __future__ import annotations

import boto3

from auditor.session import ClientPool, shared_loader, strip_documentation


def test_documentation_goes_but_a_member_named_documentation_stays() -> None:
    model = {
        "documentation": "service prose",
        "operations": {
            "GetThing": {
                "name": "GetThing",
                "documentation": "operation prose",
                "input": {"shape": "GetThingRequest", "documentation": "ref prose"},
            }
        },
        "shapes": {
            "GetThingRequest": {
                "type": "structure",
                "documentation": "shape prose",
                "members": {"documentation": {"shape": "String", "documentation": "x"}},
            },
            "Names": {"type": "list", "member": {"shape": "String", "documentation": "y"}},
            "String": {"type": "string"},
        },
    }

    stripped = strip_documentation(model)

    assert stripped == {
        "operations": {"GetThing": {"name": "GetThing", "input": {"shape": "GetThingRequest"}}},
        "shapes": {
            "GetThingRequest": {
                "type": "structure",
                "members": {"documentation": {"shape": "String"}},
            },
            "Names": {"type": "list", "member": {"shape": "String"}},
            "String": {"type": "string"},
        },
    }


def test_every_session_of_the_process_builds_clients_from_the_one_loader() -> None:
    first = boto3.session.Session(aws_access_key_id="a", aws_secret_access_key="b")
    second = boto3.session.Session(aws_access_key_id="c", aws_secret_access_key="d")

    one = ClientPool(first, None).client("ec2", "us-east-1")
    other = ClientPool(second, None).client("ec2", "eu-west-1")

    assert first._session.get_component("data_loader") is shared_loader()
    assert second._session.get_component("data_loader") is shared_loader()
    model = shared_loader().load_service_model("ec2", "service-2")
    assert "documentation" not in model["operations"]["DescribeSecurityGroups"]
    assert one.meta.service_model.operation_model("DescribeSecurityGroups").documentation == ""
    assert other.can_paginate("describe_security_groups")
