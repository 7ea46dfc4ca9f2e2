"""Builds a small organization in a moto server through real boto3 calls, as an administrator would."""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import boto3

EXAMPLES = Path(__file__).resolve().parents[2] / "examples" / "policies"

INVOKE_ANTHROPIC = {
    "Version": "2012-10-17",
    "Statement": [
        {
            "Sid": "InvokeAnthropic",
            "Effect": "Allow",
            "Action": ["bedrock:InvokeModel", "bedrock:InvokeModelWithResponseStream"],
            "Resource": [
                "arn:aws:bedrock:*:*:inference-profile/*",
                "arn:aws:bedrock:*::foundation-model/anthropic.*",
            ],
        }
    ],
}
US_BOUNDARY = {
    "Version": "2012-10-17",
    "Statement": [
        {
            "Sid": "BedrockInUsOnly",
            "Effect": "Allow",
            "Action": "bedrock:*",
            "Resource": "*",
            "Condition": {"StringEquals": {"aws:RequestedRegion": ["us-east-1", "us-east-2", "us-west-2"]}},
        }
    ],
}


@dataclass(frozen=True)
class Org:
    management: str
    root: str
    workloads: str
    prod_ou: str
    sandbox_ou: str
    dev: str
    prod: str
    sandbox: str
    locked: str
    instance_arn: str
    permission_set_arn: str


def _member_iam(account: str) -> Any:
    creds = boto3.client("sts").assume_role(
        RoleArn=f"arn:aws:iam::{account}:role/OrganizationAccountAccessRole", RoleSessionName="setup"
    )["Credentials"]
    return boto3.client(
        "iam",
        aws_access_key_id=creds["AccessKeyId"],
        aws_secret_access_key=creds["SecretAccessKey"],
        aws_session_token=creds["SessionToken"],
    )


def _account(orgs: Any, name: str, root: str, parent: str) -> str:
    status = orgs.create_account(Email=f"{name}@example.com", AccountName=name)["CreateAccountStatus"]
    account = orgs.describe_create_account_status(CreateAccountRequestId=status["Id"])["CreateAccountStatus"][
        "AccountId"
    ]
    orgs.move_account(AccountId=account, SourceParentId=root, DestinationParentId=parent)
    return str(account)


def build_org() -> Org:
    orgs = boto3.client("organizations")
    orgs.create_organization(FeatureSet="ALL")
    management = orgs.describe_organization()["Organization"]["MasterAccountId"]
    root = orgs.list_roots()["Roots"][0]["Id"]
    workloads = orgs.create_organizational_unit(ParentId=root, Name="Workloads")["OrganizationalUnit"]["Id"]
    prod_ou = orgs.create_organizational_unit(ParentId=workloads, Name="Prod")["OrganizationalUnit"]["Id"]
    sandbox_ou = orgs.create_organizational_unit(ParentId=root, Name="Sandbox")["OrganizationalUnit"]["Id"]
    dev = _account(orgs, "dev", root, workloads)
    prod = _account(orgs, "prod", root, prod_ou)
    sandbox = _account(orgs, "sandbox", root, sandbox_ou)
    locked = _account(orgs, "locked", root, sandbox_ou)

    # A Control Tower style Region deny without exemption on Workloads; one with the us. CRIS exemption on Sandbox.
    ct = orgs.create_policy(
        Name="aws-guardrails-GRREGIONDENY",
        Description="Control Tower Region deny",
        Type="SERVICE_CONTROL_POLICY",
        Content=(EXAMPLES / "control-tower-region-deny-us-east-1.json").read_text(),
    )["Policy"]["PolicySummary"]["Id"]
    orgs.attach_policy(PolicyId=ct, TargetId=workloads)
    cris = orgs.create_policy(
        Name="DenyOutsideApprovedRegionsWithCris",
        Description="Region deny with the us. CRIS exemption",
        Type="SERVICE_CONTROL_POLICY",
        Content=(EXAMPLES / "scp-us-east-1-us-west-2-with-us-cris-exemption.json").read_text(),
    )["Policy"]["PolicySummary"]["Id"]
    orgs.attach_policy(PolicyId=cris, TargetId=sandbox_ou)

    for account in (dev, prod, sandbox, locked):
        iam = _member_iam(account)
        iam.create_role(
            RoleName="BedrockDeveloper",
            AssumeRolePolicyDocument=json.dumps({"Version": "2012-10-17", "Statement": []}),
        )
        iam.put_role_policy(
            RoleName="BedrockDeveloper",
            PolicyName="InvokeAnthropic",
            PolicyDocument=json.dumps(INVOKE_ANTHROPIC),
        )
        claude = iam.create_policy(PolicyName="ClaudeAccess", PolicyDocument=json.dumps(INVOKE_ANTHROPIC))[
            "Policy"
        ]["Arn"]
        boundary = iam.create_policy(PolicyName="BedrockUsBoundary", PolicyDocument=json.dumps(US_BOUNDARY))[
            "Policy"
        ]["Arn"]
        iam.create_role(
            RoleName="DataScientist",
            AssumeRolePolicyDocument=json.dumps({"Version": "2012-10-17", "Statement": []}),
            PermissionsBoundary=boundary,
        )
        iam.attach_role_policy(RoleName="DataScientist", PolicyArn=claude)

    sso = boto3.client("sso-admin")
    instance = sso.list_instances()["Instances"][0]["InstanceArn"]
    ps = sso.create_permission_set(InstanceArn=instance, Name="Developer")["PermissionSet"][
        "PermissionSetArn"
    ]
    sso.put_inline_policy_to_permission_set(
        InstanceArn=instance, PermissionSetArn=ps, InlinePolicy=json.dumps(INVOKE_ANTHROPIC)
    )
    sso.attach_customer_managed_policy_reference_to_permission_set(
        InstanceArn=instance,
        PermissionSetArn=ps,
        CustomerManagedPolicyReference={"Name": "ClaudeAccess", "Path": "/"},
    )
    for account in (sandbox, locked):
        sso.create_account_assignment(
            InstanceArn=instance,
            TargetId=account,
            TargetType="AWS_ACCOUNT",
            PermissionSetArn=ps,
            PrincipalType="USER",
            PrincipalId="0123456789-abcdef01-2345-6789-abcd-ef0123456789",
        )
        sso.provision_permission_set(
            InstanceArn=instance, PermissionSetArn=ps, TargetType="AWS_ACCOUNT", TargetId=account
        )
    return Org(management, root, workloads, prod_ou, sandbox_ou, dev, prod, sandbox, locked, instance, ps)
