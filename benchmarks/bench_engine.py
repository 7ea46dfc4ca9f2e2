"""Decisions per second of the Python API when many requests share one compiled policy set.

The policy set is the oracle benchmark's (3 identity policies, a 2-level SCP with a Region deny that
exempts a cross-Region inference profile, a permissions boundary). Every request is distinct (its own
user, source IP and session name), so no answer can be reused from an earlier identical request.

    python benchmarks/bench_engine.py [N]
"""

from __future__ import annotations

import sys
import time

from bedrock_access.iam import Authorizer, OrgLevel, PolicySet, parse_policy
from bedrock_access.iam.engine import normalize_context

ACCOUNT = "111122223333"


def policy_set() -> PolicySet:
    invoke = parse_policy(
        {
            "Version": "2012-10-17",
            "Statement": [
                {
                    "Sid": "InvokeProfiles",
                    "Effect": "Allow",
                    "Action": ["bedrock:InvokeModel", "bedrock:InvokeModelWithResponseStream"],
                    "Resource": [
                        f"arn:aws:bedrock:*:{ACCOUNT}:inference-profile/us.*",
                        "arn:aws:bedrock:*::foundation-model/anthropic.*",
                        "arn:aws:bedrock:*::foundation-model/amazon.*",
                    ],
                },
                {
                    "Sid": "ListModels",
                    "Effect": "Allow",
                    "Action": ["bedrock:ListFoundationModels", "bedrock:GetFoundationModel"],
                    "Resource": "*",
                },
            ],
        },
        name="BedrockInvoke",
    )
    s3 = parse_policy(
        {
            "Version": "2012-10-17",
            "Statement": [
                {
                    "Effect": "Allow",
                    "Action": ["s3:GetObject", "s3:ListBucket"],
                    "Resource": [
                        "arn:aws:s3:::prompts-bucket",
                        "arn:aws:s3:::prompts-bucket/${aws:username}/*",
                    ],
                }
            ],
        },
        name="S3Read",
    )
    vpn = parse_policy(
        {
            "Version": "2012-10-17",
            "Statement": [
                {
                    "Sid": "DenyOutsideCorp",
                    "Effect": "Deny",
                    "Action": "bedrock:*",
                    "Resource": "*",
                    "Condition": {
                        "NotIpAddress": {
                            "aws:SourceIp": ["203.0.113.0/24", "198.51.100.0/22", "2001:db8::/32"]
                        },
                        "Bool": {"aws:ViaAWSService": "false"},
                    },
                }
            ],
        },
        name="DenyNonVpn",
    )
    full = parse_policy(
        {"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": "*", "Resource": "*"}]},
        name="FullAWSAccess",
    )
    region_deny = parse_policy(
        {
            "Version": "2012-10-17",
            "Statement": [
                {
                    "Sid": "DenyOutsideApprovedRegions",
                    "Effect": "Deny",
                    "NotAction": [
                        "iam:*",
                        "organizations:*",
                        "sts:*",
                        "support:*",
                        "route53:*",
                        "cloudfront:*",
                    ],
                    "Resource": "*",
                    "Condition": {
                        "StringNotEquals": {"aws:RequestedRegion": ["us-east-1", "us-west-2"]},
                        "ArnNotLike": {
                            "bedrock:InferenceProfileArn": f"arn:aws:bedrock:*:{ACCOUNT}:inference-profile/us.*"
                        },
                        "BoolIfExists": {"aws:PrincipalIsAWSService": "false"},
                    },
                }
            ],
        },
        name="RegionDeny",
    )
    boundary = parse_policy(
        {
            "Version": "2012-10-17",
            "Statement": [
                {"Effect": "Allow", "Action": ["bedrock:*", "s3:*", "logs:*"], "Resource": "*"},
                {"Effect": "Deny", "Action": "bedrock:CreateProvisionedModelThroughput", "Resource": "*"},
            ],
        },
        name="DevBoundary",
    )
    return PolicySet(
        identity=(invoke, s3, vpn),
        boundary=(boundary,),
        scp_levels=(OrgLevel("r-ab12", (full,)), OrgLevel("ou-ab12-workloads", (full, region_deny))),
    )


def requests(n: int) -> list[tuple[str, str, str, dict[str, str | tuple[str, ...]]]]:
    regions = ["us-east-1", "us-east-2", "us-west-2", "eu-west-1"]
    models = [
        "anthropic.claude-3-haiku-20240307-v1:0",
        "amazon.titan-text-express-v1",
        "meta.llama3-8b-instruct-v1:0",
    ]
    out = []
    for i in range(n):
        region = regions[i % 4]
        model = models[(i >> 2) % 3]
        user = f"user{i}"
        ip = f"203.0.113.{i % 250}" if (i >> 4) % 2 else f"192.0.{(i >> 8) % 250}.{i % 250}"
        ctx: dict[str, str | tuple[str, ...]] = {
            "aws:RequestedRegion": region,
            "aws:SourceIp": ip,
            "aws:ViaAWSService": "false",
            "aws:PrincipalArn": f"arn:aws:iam::{ACCOUNT}:user/{user}",
            "aws:username": user,
        }
        if (i >> 6) % 2 == 0:
            ctx["bedrock:InferenceProfileArn"] = (
                f"arn:aws:bedrock:us-east-1:{ACCOUNT}:inference-profile/us.{model}"
            )
        principal = f"arn:aws:iam::{ACCOUNT}:user/{user}"
        out.append(
            (principal, "bedrock:InvokeModel", f"arn:aws:bedrock:{region}::foundation-model/{model}", ctx)
        )
    return out


def main() -> None:
    n = int(sys.argv[1]) if len(sys.argv) > 1 else 200_000
    authorizer = Authorizer(policy_set())
    batch = [(p, a, r, normalize_context(c)) for p, a, r, c in requests(n)]
    counts: dict[str, int] = {}
    start = time.perf_counter()
    for principal, action, resource, ctx in batch:
        outcome = authorizer.authorize_normalized(principal, action, resource, ctx).outcome
        counts[outcome] = counts.get(outcome, 0) + 1
    elapsed = time.perf_counter() - start
    print(f"{n} distinct requests in {elapsed:.3f} s: {n / elapsed:,.0f} decisions/s on one core")
    print("outcomes:", dict(sorted(counts.items())))


if __name__ == "__main__":
    main()
