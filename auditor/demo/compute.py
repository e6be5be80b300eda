"""Seeds the compute, integration and network side of the demo account: security groups around
the databases, load balancers, Auto Scaling groups, Lambda functions, queues, APIs and user
pools, with a good and a bad example for each check.

us-east-1 is the well-run side of the app; eu-west-1 holds what was set up in a hurry.
"""

from __future__ import annotations

import io
import json
import zipfile
from typing import Any

from auditor.demo.common import US, ClientFactory, tags

# An analyst's home address, opened "just for a day" (a documentation-only range).
_ANALYST_HOME = "198.51.100.24/32"
_FAKE_AMI = "ami-0abcdef1234567890"  # no instance is launched: groups start at zero


def _function_zip() -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        info = zipfile.ZipInfo("index.py", date_time=(2024, 1, 1, 0, 0, 0))
        archive.writestr(info, "def handler(event, context):\n    return {'ok': True}\n")
    return buffer.getvalue()


# ---------------------------------------------------------------- network


def _default_vpc(ec2: Any) -> tuple[str, list[str]]:
    vpc = ec2.describe_vpcs(Filters=[{"Name": "isDefault", "Values": ["true"]}])["Vpcs"][0]
    subnets = ec2.describe_subnets(Filters=[{"Name": "vpc-id", "Values": [vpc["VpcId"]]}])
    by_zone = {s["AvailabilityZone"]: s["SubnetId"] for s in subnets["Subnets"]}
    return vpc["VpcId"], [by_zone[zone] for zone in sorted(by_zone)]


def _group(ec2: Any, vpc: str, name: str, *rules: dict[str, Any]) -> str:
    group_id: str = ec2.create_security_group(
        GroupName=name,
        Description=f"lingo {name}",
        VpcId=vpc,
        TagSpecifications=[{"ResourceType": "security-group", "Tags": tags()}],
    )["GroupId"]
    if rules:
        ec2.authorize_security_group_ingress(GroupId=group_id, IpPermissions=list(rules))
    return group_id


def _tcp(port: int, *, cidr: str | None = None, group: str | None = None) -> dict[str, Any]:
    rule: dict[str, Any] = {"IpProtocol": "tcp", "FromPort": port, "ToPort": port}
    if cidr:
        rule["IpRanges"] = [{"CidrIp": cidr}]
    if group:
        rule["UserIdGroupPairs"] = [{"GroupId": group}]
    return rule


def _close_default_group(ec2: Any, vpc: str) -> None:
    """Remove every rule of a VPC's default security group (what EC2.2 asks)."""
    [default] = ec2.describe_security_groups(
        Filters=[
            {"Name": "vpc-id", "Values": [vpc]},
            {"Name": "group-name", "Values": ["default"]},
        ]
    )["SecurityGroups"]
    if default["IpPermissions"]:
        ec2.revoke_security_group_ingress(
            GroupId=default["GroupId"], IpPermissions=default["IpPermissions"]
        )
    if default["IpPermissionsEgress"]:
        ec2.revoke_security_group_egress(
            GroupId=default["GroupId"], IpPermissions=default["IpPermissionsEgress"]
        )


def _place_databases(rds: Any, groups: dict[str, str]) -> None:
    for identifier, group in groups.items():
        rds.modify_db_instance(
            DBInstanceIdentifier=identifier, VpcSecurityGroupIds=[group], ApplyImmediately=True
        )


def _seed_network(client: ClientFactory, region: str) -> dict[str, Any]:
    ec2 = client("ec2", region)
    vpc, subnets = _default_vpc(ec2)
    alb = _group(ec2, vpc, "web-alb", _tcp(80, cidr="0.0.0.0/0"), _tcp(443, cidr="0.0.0.0/0"))
    app = _group(ec2, vpc, "app", _tcp(8080, group=alb))
    if region == US:
        # Three tiers as in the architecture retrospective; the database only hears the app.
        database = _group(ec2, vpc, "db", _tcp(5432, group=app))
        _place_databases(
            client("rds", region),
            {"users-db": database},
        )
        # A VPC for the new services, with its default group emptied on day one.
        services = ec2.create_vpc(CidrBlock="10.42.0.0/16")["Vpc"]["VpcId"]
        _close_default_group(ec2, services)
    else:
        # SSH for a contractor, and the analytics database opened to one home address.
        _group(ec2, vpc, "bastion", _tcp(22, cidr="0.0.0.0/0"))
        analytics = _group(ec2, vpc, "analytics-db", _tcp(3306, cidr=_ANALYST_HOME))
        _place_databases(client("rds", region), {"analytics-db": analytics})
    return {"vpc": vpc, "subnets": subnets, "alb_group": alb}


# ---------------------------------------------------------------- load balancers, scaling


def _seed_load_balancing(
    client: ClientFactory, region: str, network: dict[str, Any], topic_arn: str
) -> None:
    elbv2 = client("elbv2", region)
    name = "lingo-web" if region == US else "lingo-admin"
    lb = elbv2.create_load_balancer(
        Name=name,
        Subnets=network["subnets"][:2],
        SecurityGroups=[network["alb_group"]],
        Scheme="internet-facing",
        Type="application",
        Tags=tags(),
    )["LoadBalancers"][0]
    target_group = elbv2.create_target_group(
        Name=f"{name}-app", Protocol="HTTP", Port=8080, VpcId=network["vpc"], TargetType="instance"
    )["TargetGroups"][0]["TargetGroupArn"]
    if region == US:
        elbv2.create_listener(
            LoadBalancerArn=lb["LoadBalancerArn"],
            Protocol="HTTP",
            Port=80,
            DefaultActions=[
                {
                    "Type": "redirect",
                    "RedirectConfig": {
                        "Protocol": "HTTPS",
                        "Port": "443",
                        "StatusCode": "HTTP_301",
                    },
                }
            ],
        )
        elbv2.modify_load_balancer_attributes(
            LoadBalancerArn=lb["LoadBalancerArn"],
            Attributes=[
                {"Key": "deletion_protection.enabled", "Value": "true"},
                {"Key": "routing.http.drop_invalid_header_fields.enabled", "Value": "true"},
            ],
        )
        dimension = lb["LoadBalancerArn"].split(":loadbalancer/", 1)[1]
        client("cloudwatch", region).put_metric_alarm(
            AlarmName=f"{name}-5xx",
            Namespace="AWS/ApplicationELB",
            MetricName="HTTPCode_ELB_5XX_Count",
            Dimensions=[{"Name": "LoadBalancer", "Value": dimension}],
            Statistic="Sum",
            Period=300,
            EvaluationPeriods=2,
            Threshold=10,
            ComparisonOperator="GreaterThanOrEqualToThreshold",
            AlarmActions=[topic_arn],
        )
    else:
        # The admin console forwards plain HTTP straight to the app.
        elbv2.create_listener(
            LoadBalancerArn=lb["LoadBalancerArn"],
            Protocol="HTTP",
            Port=80,
            DefaultActions=[{"Type": "forward", "TargetGroupArn": target_group}],
        )
    _seed_autoscaling(client, region, name, target_group)


def _seed_autoscaling(client: ClientFactory, region: str, name: str, target_group: str) -> None:
    template = f"{name}-template"
    client("ec2", region).create_launch_template(
        LaunchTemplateName=template,
        LaunchTemplateData={"ImageId": _FAKE_AMI, "InstanceType": "t3.small"},
    )
    zones = [f"{region}a", f"{region}b"] if region == US else [f"{region}a"]
    client("autoscaling", region).create_auto_scaling_group(
        AutoScalingGroupName=f"{name}-asg",
        LaunchTemplate={"LaunchTemplateName": template},
        MinSize=0,
        MaxSize=4,
        DesiredCapacity=0,
        AvailabilityZones=zones,
        TargetGroupARNs=[target_group],
        HealthCheckType="ELB" if region == US else "EC2",
        HealthCheckGracePeriod=300,
    )


# ---------------------------------------------------------------- queues


def _queue(sqs: Any, name: str, **attributes: str) -> str:
    url: str = sqs.create_queue(QueueName=name, Attributes=attributes, tags={"app": "lingo"})[
        "QueueUrl"
    ]
    return url


def _queue_arn(region: str, account: str, name: str) -> str:
    return f"arn:aws:sqs:{region}:{account}:{name}"


def _seed_queues(client: ClientFactory, region: str, account: str) -> dict[str, str]:
    sqs = client("sqs", region)
    if region == US:
        dlq = _queue_arn(region, account, "lesson-events-dlq")
        _queue(sqs, "lesson-events-dlq", SqsManagedSseEnabled="true")
        redrive = json.dumps({"deadLetterTargetArn": dlq, "maxReceiveCount": "5"})
        sns_only = {
            "Version": "2012-10-17",
            "Statement": [
                {
                    "Effect": "Allow",
                    "Principal": {"Service": "sns.amazonaws.com"},
                    "Action": "sqs:SendMessage",
                    "Resource": _queue_arn(region, account, "lesson-events"),
                    "Condition": {
                        "ArnEquals": {"aws:SourceArn": f"arn:aws:sns:{region}:{account}:ops-alerts"}
                    },
                }
            ],
        }
        _queue(
            sqs,
            "lesson-events",
            SqsManagedSseEnabled="true",
            RedrivePolicy=redrive,
            Policy=json.dumps(sns_only),
        )
        _queue(sqs, "thumbnail-failures", SqsManagedSseEnabled="true", RedrivePolicy=redrive)
        return {"failures": _queue_arn(region, account, "thumbnail-failures")}
    # Created from a blog post's template: unencrypted, open to anyone, no dead-letter queue.
    open_to_all = {
        "Version": "2012-10-17",
        "Statement": [
            {
                "Effect": "Allow",
                "Principal": "*",
                "Action": ["sqs:SendMessage", "sqs:ReceiveMessage"],
                "Resource": _queue_arn(region, account, "progress-exports"),
            }
        ],
    }
    _queue(sqs, "progress-exports", SqsManagedSseEnabled="false", Policy=json.dumps(open_to_all))
    return {}


# ---------------------------------------------------------------- functions


def create_demo_function(lam: Any, name: str, runtime: str, role: str) -> None:
    lam.create_function(
        FunctionName=name,
        Runtime=runtime,
        Role=role,
        Handler="index.handler",
        Code={"ZipFile": _function_zip()},
        Timeout=30,
        Tags={"app": "lingo", "env": "prod"},
    )


def _seed_functions(
    client: ClientFactory, region: str, account: str, queues: dict[str, str], topic_arn: str
) -> None:
    lam = client("lambda", region)
    scoped = f"arn:aws:iam::{account}:role/lesson-api-lambda-role"
    if region == US:
        # Behind API Gateway (synchronous): no DLQ needed; watched by an alarm.
        create_demo_function(lam, "lesson-api", "python3.12", scoped)
        lam.add_permission(
            FunctionName="lesson-api",
            StatementId="api-gateway",
            Action="lambda:InvokeFunction",
            Principal="apigateway.amazonaws.com",
            SourceArn=f"arn:aws:execute-api:{region}:{account}:*/*/GET/lessons",
        )
        client("cloudwatch", region).put_metric_alarm(
            AlarmName="lesson-api-errors",
            Namespace="AWS/Lambda",
            MetricName="Errors",
            Dimensions=[{"Name": "FunctionName", "Value": "lesson-api"}],
            Statistic="Sum",
            Period=300,
            EvaluationPeriods=1,
            Threshold=1,
            ComparisonOperator="GreaterThanOrEqualToThreshold",
            AlarmActions=[topic_arn],
        )
        # Invoked by S3 uploads (asynchronous), failures kept in a queue.
        create_demo_function(lam, "thumbnail-resize", "python3.13", scoped)
        lam.add_permission(
            FunctionName="thumbnail-resize",
            StatementId="s3-uploads",
            Action="lambda:InvokeFunction",
            Principal="s3.amazonaws.com",
            SourceArn="arn:aws:s3:::lingo-lesson-assets-use1-7f3a9c",
            SourceAccount=account,
        )
        lam.put_function_event_invoke_config(
            FunctionName="thumbnail-resize",
            MaximumRetryAttempts=2,
            DestinationConfig={"OnFailure": {"Destination": queues["failures"]}},
        )
        return
    # A nightly EventBridge job on a deprecated runtime whose failures vanish, with a broad
    # role; and a webhook anyone can call.
    create_demo_function(
        lam, "progress-sync", "nodejs16.x", f"arn:aws:iam::{account}:role/progress-sync-lambda-role"
    )
    lam.add_permission(
        FunctionName="progress-sync",
        StatementId="nightly",
        Action="lambda:InvokeFunction",
        Principal="events.amazonaws.com",
        SourceArn=f"arn:aws:events:{region}:{account}:rule/nightly-progress-sync",
    )
    create_demo_function(lam, "partner-webhook", "python3.12", scoped)
    lam.add_permission(
        FunctionName="partner-webhook",
        StatementId="anyone",
        Action="lambda:InvokeFunction",
        Principal="*",
    )


# ---------------------------------------------------------------- APIs


def _seed_rest_api(client: ClientFactory, region: str) -> None:
    apigateway = client("apigateway", region)
    api = apigateway.create_rest_api(name="lingo-lesson-api", tags={"app": "lingo"})["id"]
    root = apigateway.get_resources(restApiId=api)["items"][0]["id"]
    apigateway.put_method(
        restApiId=api, resourceId=root, httpMethod="GET", authorizationType="AWS_IAM"
    )
    apigateway.put_integration(restApiId=api, resourceId=root, httpMethod="GET", type="MOCK")
    deployment = apigateway.create_deployment(restApiId=api)["id"]
    for stage, careful in (("prod", True), ("beta", False)):
        apigateway.create_stage(restApiId=api, stageName=stage, deploymentId=deployment)
        value = "true" if careful else "false"
        apigateway.update_stage(
            restApiId=api,
            stageName=stage,
            patchOperations=[
                {
                    "op": "replace",
                    "path": "/*/*/logging/loglevel",
                    "value": "INFO" if careful else "OFF",
                },
                {"op": "replace", "path": "/*/*/caching/enabled", "value": "true"},
                {"op": "replace", "path": "/*/*/caching/dataEncrypted", "value": value},
                {"op": "replace", "path": "/tracingEnabled", "value": value},
            ],
        )
    waf = client("wafv2", region)
    acl = waf.create_web_acl(
        Name="lingo-api",
        Scope="REGIONAL",
        DefaultAction={"Allow": {}},
        VisibilityConfig={
            "SampledRequestsEnabled": True,
            "CloudWatchMetricsEnabled": True,
            "MetricName": "lingo-api",
        },
    )["Summary"]["ARN"]
    waf.associate_web_acl(
        WebACLArn=acl, ResourceArn=f"arn:aws:apigateway:{region}::/restapis/{api}/stages/prod"
    )


def _seed_http_api(client: ClientFactory, region: str, account: str, pool_id: str) -> None:
    v2 = client("apigatewayv2", region)
    api = v2.create_api(Name="lingo-progress-api", ProtocolType="HTTP", Tags={"app": "lingo"})[
        "ApiId"
    ]
    authorizer = v2.create_authorizer(
        ApiId=api,
        AuthorizerType="JWT",
        IdentitySource=["$request.header.Authorization"],
        Name="learners",
        JwtConfiguration={
            "Audience": ["lingo-web"],
            "Issuer": f"https://cognito-idp.{region}.amazonaws.com/{pool_id}",
        },
    )["AuthorizerId"]
    v2.create_route(
        ApiId=api, RouteKey="GET /progress", AuthorizationType="JWT", AuthorizerId=authorizer
    )
    # Added for a load test and never locked down again.
    v2.create_route(ApiId=api, RouteKey="POST /progress/reset")
    v2.create_stage(
        ApiId=api,
        StageName="$default",
        AccessLogSettings={
            "DestinationArn": f"arn:aws:logs:{region}:{account}:log-group:/lingo/progress-api",
            "Format": '{"requestId":"$context.requestId","ip":"$context.identity.sourceIp"}',
        },
    )
    v2.create_stage(ApiId=api, StageName="beta")


# ---------------------------------------------------------------- user pools


def _seed_user_pool(client: ClientFactory, region: str) -> str:
    cognito = client("cognito-idp", region)
    if region == US:
        pool_id: str = cognito.create_user_pool(
            PoolName="lingo-learners",
            MfaConfiguration="ON",
            UserPoolAddOns={"AdvancedSecurityMode": "ENFORCED"},
            UserPoolTags={"app": "lingo"},
        )["UserPool"]["Id"]
    else:
        pool_id = cognito.create_user_pool(
            PoolName="lingo-staff",
            MfaConfiguration="OPTIONAL",
            UserPoolAddOns={"AdvancedSecurityMode": "AUDIT"},
            UserPoolTags={"app": "lingo"},
        )["UserPool"]["Id"]
    return pool_id


# ---------------------------------------------------------------- entry point


def seed_compute(client: ClientFactory, region: str, account: str, topic_arn: str) -> None:
    """Seed one demo region; runs after the databases and alarms of that region exist."""
    network = _seed_network(client, region)
    _seed_load_balancing(client, region, network, topic_arn)
    queues = _seed_queues(client, region, account)
    _seed_functions(client, region, account, queues, topic_arn)
    pool_id = _seed_user_pool(client, region)
    if region == US:
        _seed_rest_api(client, region)
        _seed_http_api(client, region, account, pool_id)
