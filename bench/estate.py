"""A synthetic estate for the benchmark: `scale` of every resource type the checks cover, in
each of two regions (account-wide types, IAM and S3, `scale` per region too)."""

from __future__ import annotations

import json
from collections import Counter
from collections.abc import Callable
from typing import Any

import boto3

from auditor.demo.common import trust_policy
from auditor.demo.compute import _default_vpc, _function_zip

REGIONS = ("us-east-1", "eu-west-1")
_AMI = "ami-0abcdef1234567890"
_ASSUME_LAMBDA = trust_policy({"Service": "lambda.amazonaws.com"})

ClientFactory = Callable[[str, str], Any]

# What one step of the loop in _region creates.
_KINDS = (
    "s3 bucket",
    "dynamodb table",
    "rds instance",
    "rds cluster",
    "cloudwatch alarm",
    "lambda function",
    "lambda event source mapping",
    "sqs queue",
    "security group",
    "network interface",
    "load balancer",
    "rest api",
    "http api",
    "user pool",
    "auto scaling group",
    "rds snapshot",
    "rds proxy",
    "dax cluster",
    "elasticache replication group",
    "elasticache cache cluster",
    "sns topic",
    "log group",
    "metric filter",
    "kms key",
    "cloudwatch dashboard",
    "cloudtrail trail",
)


def _iam(client: ClientFactory, scale: int, count: Counter[str]) -> str:
    iam = client("iam", REGIONS[0])
    role = iam.create_role(RoleName="bench-lambda", AssumeRolePolicyDocument=_ASSUME_LAMBDA)
    for i in range(scale * len(REGIONS)):
        action = "s3:*" if i % 2 else "s3:GetObject"
        policy = iam.create_policy(
            PolicyName=f"bench-policy-{i}",
            PolicyDocument=json.dumps(
                {
                    "Version": "2012-10-17",
                    "Statement": [{"Effect": "Allow", "Action": action, "Resource": "*"}],
                }
            ),
        )
        iam.create_user(UserName=f"bench-user-{i}")
        iam.attach_user_policy(UserName=f"bench-user-{i}", PolicyArn=policy["Policy"]["Arn"])
        count["iam policy"] += 1
        count["iam user"] += 1
    return str(role["Role"]["Arn"])


def _region(
    client: ClientFactory, region: str, scale: int, role_arn: str, count: Counter[str]
) -> None:
    s3 = client("s3", region)
    dynamodb = client("dynamodb", region)
    rds = client("rds", region)
    cloudwatch = client("cloudwatch", region)
    lam = client("lambda", region)
    sqs = client("sqs", region)
    ec2 = client("ec2", region)
    elbv2 = client("elbv2", region)
    apigateway = client("apigateway", region)
    apigatewayv2 = client("apigatewayv2", region)
    cognito = client("cognito-idp", region)
    autoscaling = client("autoscaling", region)
    dax = client("dax", region)
    elasticache = client("elasticache", region)
    sns = client("sns", region)
    logs = client("logs", region)
    kms = client("kms", region)
    cloudtrail = client("cloudtrail", region)
    vpc, subnets = _default_vpc(ec2)
    ec2.create_launch_template(
        LaunchTemplateName="bench-template",
        LaunchTemplateData={"ImageId": _AMI, "InstanceType": "t3.small"},
    )
    code = _function_zip()
    for i in range(scale):
        name = f"bench-{region}-{i}"
        bucket: dict[str, Any] = {"Bucket": name}
        if region != "us-east-1":
            bucket["CreateBucketConfiguration"] = {"LocationConstraint": region}
        s3.create_bucket(**bucket)
        stream = dynamodb.create_table(
            TableName=name,
            AttributeDefinitions=[{"AttributeName": "id", "AttributeType": "S"}],
            KeySchema=[{"AttributeName": "id", "KeyType": "HASH"}],
            BillingMode="PAY_PER_REQUEST",
            StreamSpecification={"StreamEnabled": True, "StreamViewType": "KEYS_ONLY"},
        )["TableDescription"]["LatestStreamArn"]
        rds.create_db_instance(
            DBInstanceIdentifier=name,
            Engine="postgres",
            DBInstanceClass="db.t3.micro",
            AllocatedStorage=20,
            MasterUsername="bench",
            MasterUserPassword="bench-password-1",  # a moto-only estate
            MultiAZ=bool(i % 2),
        )
        rds.create_db_cluster(
            DBClusterIdentifier=f"{name}-cluster",
            Engine="aurora-postgresql",
            MasterUsername="bench",
            MasterUserPassword="bench-password-1",  # a moto-only estate
        )
        cloudwatch.put_metric_alarm(
            AlarmName=f"{name}-alarm",
            Namespace="AWS/DynamoDB",
            MetricName="ConsumedReadCapacityUnits",
            Dimensions=[{"Name": "TableName", "Value": name}],
            Statistic="Sum",
            Period=60,
            EvaluationPeriods=1,
            Threshold=100.0,
            ComparisonOperator="GreaterThanThreshold",
        )
        lam.create_function(
            FunctionName=name,
            Runtime="python3.12",
            Role=role_arn,
            Handler="index.handler",
            Code={"ZipFile": code},
        )
        lam.create_event_source_mapping(
            EventSourceArn=stream, FunctionName=name, StartingPosition="LATEST"
        )
        sqs.create_queue(QueueName=name)
        group = ec2.create_security_group(GroupName=name, Description="bench", VpcId=vpc)
        ec2.create_network_interface(SubnetId=subnets[i % len(subnets)], Groups=[group["GroupId"]])
        elbv2.create_load_balancer(Name=f"lb-{i}", Subnets=subnets[:2])
        apigateway.create_rest_api(name=name)
        apigatewayv2.create_api(Name=name, ProtocolType="HTTP")
        cognito.create_user_pool(PoolName=name)
        autoscaling.create_auto_scaling_group(
            AutoScalingGroupName=name,
            LaunchTemplate={"LaunchTemplateName": "bench-template"},
            MinSize=0,
            MaxSize=1,
            AvailabilityZones=[f"{region}a"],
        )
        rds.create_db_snapshot(DBSnapshotIdentifier=f"{name}-snap", DBInstanceIdentifier=name)
        rds.create_db_proxy(
            DBProxyName=f"{name}-proxy",
            EngineFamily="POSTGRESQL",
            Auth=[{"AuthScheme": "SECRETS", "SecretArn": f"{role_arn}-secret"}],
            RoleArn=role_arn,
            VpcSubnetIds=subnets[:2],
        )
        dax.create_cluster(
            ClusterName=f"dax-{i}",
            NodeType="dax.t3.small",
            ReplicationFactor=1,
            IamRoleArn=role_arn,
        )
        elasticache.create_replication_group(
            ReplicationGroupId=f"rg-{i}",
            ReplicationGroupDescription="bench",
            Engine="redis",
            CacheNodeType="cache.t4g.small",
            NumCacheClusters=1,
        )
        elasticache.create_cache_cluster(
            CacheClusterId=f"cc-{i}",
            Engine="redis",
            CacheNodeType="cache.t4g.small",
            NumCacheNodes=1,
        )
        sns.create_topic(Name=name)
        logs.create_log_group(logGroupName=f"/bench/{name}")
        logs.put_metric_filter(
            logGroupName=f"/bench/{name}",
            filterName=f"{name}-errors",
            filterPattern="ERROR",
            metricTransformations=[
                {"metricName": f"{name}-errors", "metricNamespace": "Bench", "metricValue": "1"}
            ],
        )
        kms.create_key(Description=name)
        cloudwatch.put_dashboard(DashboardName=name, DashboardBody=json.dumps({"widgets": []}))
        cloudtrail.create_trail(Name=name, S3BucketName=name)
        count.update(_KINDS)


def seed(endpoint_url: str, scale: int) -> Counter[str]:
    """Seed the estate; the resources created, by type."""
    session = boto3.session.Session(
        aws_access_key_id="testing", aws_secret_access_key="testing", region_name=REGIONS[0]
    )

    def client(service: str, region: str) -> Any:
        return session.client(service, region_name=region, endpoint_url=endpoint_url)

    count: Counter[str] = Counter()
    role_arn = _iam(client, scale, count)
    for region in REGIONS:
        _region(client, region, scale, role_arn, count)
    return count
