"""Parsing and explaining pasted errors.

Every error form quoted in shared/domain/bedrock-authorization.md section 4 and in the failure
scenarios S1-S22 of shared/domain/peers-and-failure-scenarios.md is an input here, written as the
source quotes it (ellipses included); each case names its source. Where a scenario describes an error
without quoting it, the case builds the text from the 4.1 grammar and says so.
"""

from __future__ import annotations

import itertools
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from bedrock_access.bedrock.error_causes import ADVICE_TOPICS, CAUSE_CODES, CAUSES
from bedrock_access.bedrock.error_explain import IAM_EXPLANATION_CODES, explain_parsed
from bedrock_access.bedrock.error_scan import MAX_INPUT_CHARS, MAX_MESSAGE_CHARS, ParsedError, parse_error
from bedrock_access.bedrock.errors import (
    ENGINE_POLICY_TYPES,
    EnginePolicyType,
    access_denied_error,
    access_denied_message,
    invalid_model_identifier_error,
    no_endpoint_error,
    on_demand_not_supported_error,
    reported_type,
)
from bedrock_access.clients.advice import ADVICE, advice_for
from bedrock_access.explaining import explain_error


@dataclass(frozen=True)
class Case:
    source: str
    text: str
    expect: Mapping[str, object]


CASES: dict[str, Case] = {
    # --- bedrock-authorization.md 4.2: the IAM user guide's examples -----------------------------------
    "4.2-scp-implicit-no-resource": Case(
        "4.2",
        "User: arn:aws:iam::777788889999:user/John is not authorized to perform: codecommit:ListRepositories "
        "because no service control policy allows the codecommit:ListRespositories action",
        {
            "kind": "access-denied",
            "principal": "arn:aws:iam::777788889999:user/John",
            # The guide's own typo in the reason clause must not leak into the action.
            "action": "codecommit:ListRepositories",
            "resource": None,
            "region": None,
            "account": "777788889999",
            "policy_type": "scp",
            "explicit": False,
            "error_code": "AccessDeniedException",
        },
    ),
    "4.2-scp-explicit": Case(
        "4.2",
        "User: arn:aws:iam::777788889999:user/John is not authorized to perform: codecommit:ListRepositories "
        "with an explicit deny in a service control policy",
        {"policy_type": "scp", "explicit": True, "resource": None},
    ),
    "4.2-rcp-explicit": Case(
        "4.2",
        "User: arn:aws:iam::777788889999:user/John is not authorized to perform: secretsmanager:GetSecretValue "
        "on resource: arn:aws:secretsmanager:us-east-1:123456789012:secret:* with an explicit deny in a "
        "resource control policy",
        {
            "resource": "arn:aws:secretsmanager:us-east-1:123456789012:secret:*",
            "region": "us-east-1",
            "policy_type": "rcp",
            "explicit": True,
        },
    ),
    "4.2-vpce-implicit": Case(
        "4.2",
        "User: arn:aws:iam::777788889999:user/John is not authorized to perform: codecommit:ListRepositories "
        "because no VPC endpoint policy allows the codecommit:ListRepositories action",
        {"policy_type": "vpce", "explicit": False},
    ),
    "4.2-vpce-explicit": Case(
        "4.2",
        "User: arn:aws:iam::777788889999:user/John is not authorized to perform: codecommit:ListRepositories "
        "with an explicit deny in a VPC endpoint policy",
        {"policy_type": "vpce", "explicit": True},
    ),
    "4.2-boundary-implicit": Case(
        "4.2",
        "User: arn:aws:iam::123456789012:user/John is not authorized to perform: codedeploy:ListDeployments "
        "because no permissions boundary allows the codedeploy:ListDeployments action",
        {"policy_type": "boundary", "explicit": False, "action": "codedeploy:ListDeployments"},
    ),
    "4.2-boundary-explicit": Case(
        "4.2",
        "User: arn:aws:iam::123456789012:user/John is not authorized to perform: codedeploy:ListDeployments "
        "with an explicit deny in a permissions boundary",
        {"policy_type": "boundary", "explicit": True},
    ),
    "4.2-session-implicit": Case(
        "4.2",
        "User: arn:aws:sts::123456789012:assumed-role/Dev/alice is not authorized to perform: "
        "codecommit:ListRepositories because no session policy allows the codecommit:ListRepositories action",
        {
            "policy_type": "session",
            "explicit": False,
            "principal": "arn:aws:sts::123456789012:assumed-role/Dev/alice",
        },
    ),
    "4.2-sessions-policy-typo": Case(
        "4.2 (the guide's 'sessions policy' spelling)",
        "User: arn:aws:sts::123456789012:assumed-role/Dev/alice is not authorized to perform: "
        "codecommit:ListRepositories with an explicit deny in a sessions policy",
        {"policy_type": "session", "explicit": True},
    ),
    "4.2-resource-based-implicit": Case(
        "4.2",
        "User: arn:aws:iam::123456789012:user/John is not authorized to perform: s3:GetObject on resource: "
        "arn:aws:s3:::amzn-s3-demo-bucket/report.csv because no resource-based policy allows the s3:GetObject "
        "action",
        {"policy_type": "resource", "explicit": False, "region": None, "account": "123456789012"},
    ),
    "4.2-resource-based-explicit": Case(
        "4.2",
        "User: arn:aws:iam::123456789012:user/John is not authorized to perform: s3:GetObject on resource: "
        "arn:aws:s3:::amzn-s3-demo-bucket/report.csv with an explicit deny in a resource-based policy",
        {"policy_type": "resource", "explicit": True},
    ),
    "4.2-trust-implicit": Case(
        "4.2",
        "User: arn:aws:iam::123456789012:user/John is not authorized to perform: sts:AssumeRole on resource: "
        "arn:aws:iam::123456789012:role/Admin because no role trust policy allows the sts:AssumeRole action",
        {"policy_type": "trust", "explicit": False, "action": "sts:AssumeRole"},
    ),
    "4.2-trust-explicit": Case(
        "4.2",
        "User: arn:aws:iam::123456789012:user/John is not authorized to perform: sts:AssumeRole on resource: "
        "arn:aws:iam::123456789012:role/Admin with an explicit deny in the role trust policy",
        {"policy_type": "trust", "explicit": True},
    ),
    "4.2-identity-implicit": Case(
        "4.2",
        "User: arn:aws:iam::123456789012:role/HR is not authorized to perform: codecommit:ListRepositories "
        "because no identity-based policy allows the codecommit:ListRepositories action",
        {"policy_type": "identity", "explicit": False, "principal": "arn:aws:iam::123456789012:role/HR"},
    ),
    "4.2-identity-explicit": Case(
        "4.2",
        "User: arn:aws:iam::123456789012:role/HR is not authorized to perform: codecommit:ListRepositories "
        "with an explicit deny in an identity-based policy",
        {"policy_type": "identity", "explicit": True},
    ),
    "4.2-vpce-transitively-through-scp": Case(
        "4.2",
        "User: arn:aws:iam::123456789012:role/HR is not authorized to perform: codecommit:ListRepositories "
        "with an explicit deny in a VPC endpoint policy transitively through a service control policy",
        {"policy_type": "vpce", "via_policy_type": "scp", "explicit": True},
    ),
    # --- 4.3: the newer format with the policy ARN, a console link and an authorization id ------------
    "4.3-policy-arn-and-authorization-id": Case(
        "4.3 (IAM guide, Access Troubleshooter example, wrapped as printed)",
        "User: arn:aws:iam::123456789012:user/janedoe is not authorized to perform: iam:CreateInstanceProfile\n"
        "on resource: arn:aws:iam::123456789012:instance-profile/my-instance-profile\n"
        "with an explicit deny in an identity-based policy: arn:aws:iam::123456789012:policy/ExampleDenyPolicy.\n"
        "Go to https://us-east-1.console.aws.amazon.com/iam/home?region=us-east-1#/authorization-details/"
        "EXAMPLE1a2b3c4d5e6f7g8h9i0j for complete details,\n"
        "or call the GetRequestAuthorizationDetails API with the following authorization id: "
        "EXAMPLE1a2b3c4d5e6f7g8h9i0j",
        {
            "action": "iam:CreateInstanceProfile",
            "resource": "arn:aws:iam::123456789012:instance-profile/my-instance-profile",
            "policy_type": "identity",
            "explicit": True,
            "policy_arn": "arn:aws:iam::123456789012:policy/ExampleDenyPolicy",
            "authorization_id": "EXAMPLE1a2b3c4d5e6f7g8h9i0j",
            "message": "User: arn:aws:iam::123456789012:user/janedoe is not authorized to perform: "
            "iam:CreateInstanceProfile on resource: arn:aws:iam::123456789012:instance-profile/my-instance-profile "
            "with an explicit deny in an identity-based policy: arn:aws:iam::123456789012:policy/ExampleDenyPolicy",
        },
    ),
    # --- 4.4: botocore envelopes (re:Post) ---------------------------------------------------------------
    "4.4-botocore-identity-explicit": Case(
        "4.4",
        "An error occurred (AccessDeniedException) when calling the InvokeModel operation: User: "
        "arn:aws:iam::111122223333:user/dev is not authorized to perform: bedrock:InvokeModel on resource: "
        "arn:aws:bedrock:us-east-1::foundation-model/anthropic.claude-3-haiku-20240307-v1:0 with an explicit "
        "deny in an identity-based policy.",
        {
            "error_code": "AccessDeniedException",
            "operation": "InvokeModel",
            "policy_type": "identity",
            "explicit": True,
            "region": "us-east-1",
            "model_id": "anthropic.claude-3-haiku-20240307-v1:0",
        },
    ),
    "4.4-botocore-identity-implicit": Case(
        "4.4",
        "An error occurred (AccessDeniedException) when calling the InvokeModel operation: User: "
        "arn:aws:iam::111122223333:user/dev is not authorized to perform: bedrock:InvokeModel on resource: "
        "arn:aws:bedrock:us-east-1::foundation-model/anthropic.claude-3-haiku-20240307-v1:0 because no "
        "identity-based policy allows the bedrock:InvokeModel action.",
        {"operation": "InvokeModel", "policy_type": "identity", "explicit": False},
    ),
    "4.4-account-not-authorized": Case(
        "4.4",
        "An error occurred (AccessDeniedException) when calling the InvokeModel operation: Your account is not "
        "authorized to invoke this API operation.",
        {
            "kind": "model-access",
            "non_iam_cause": "account-not-authorized",
            "error_code": "AccessDeniedException",
            "message": "Your account is not authorized to invoke this API operation.",
            "policy_type": None,
        },
    ),
    "4.4-no-access-to-model": Case(
        "4.4",
        "An error occurred (AccessDeniedException) when calling the InvokeModel operation: You don't have "
        "access to the model with the specified model ID.",
        {"kind": "model-access", "non_iam_cause": "no-model-access", "operation": "InvokeModel"},
    ),
    # --- 4.6: Bedrock API error codes -------------------------------------------------------------------
    "4.6-ftu-form": Case(
        "4.6",
        "FTUFormNotFilled: Model use case details have not been submitted for this account.",
        {"kind": "model-access", "non_iam_cause": "use-case-form", "error_code": "FTUFormNotFilled"},
    ),
    "4.6-mp-agreement-being-created": Case(
        "4.6",
        "MPAgreementBeingCreated: Your account is not authorized to access this model. Your AWS Marketplace "
        "subscription for this model is still being processed",
        {"non_iam_cause": "marketplace-agreement-pending", "error_code": "MPAgreementBeingCreated"},
    ),
    "4.6-mp-agreement-failed": Case(
        "4.6",
        "AccessDeniedException: AWS Marketplace Agreement Failed within 15 minutes",
        {"kind": "model-access", "non_iam_cause": "marketplace-subscription"},
    ),
    "4.6-mp-agreement-pending": Case(
        "4.6",
        "AccessDeniedException: AWS Marketplace Agreement Pending after 15 minutes",
        {"non_iam_cause": "marketplace-agreement-pending"},
    ),
    "4.6-invalid-client-token-id": Case(
        "4.6",
        "An error occurred (InvalidClientTokenId) when calling the Converse operation: The security token "
        "included in the request is invalid.",
        {"kind": "credentials", "non_iam_cause": "invalid-token", "error_code": "InvalidClientTokenId"},
    ),
    "4.6-incomplete-signature": Case(
        "4.6",
        "IncompleteSignature: Authorization header requires 'Signature' parameter.",
        {"kind": "credentials", "non_iam_cause": "invalid-signature", "error_code": "IncompleteSignature"},
    ),
    "4.6-request-expired": Case(
        "4.6",
        "An error occurred (RequestExpired) when calling the InvokeModel operation: Request has expired.",
        {"kind": "credentials", "non_iam_cause": "clock-skew"},
    ),
    "4.6-throttling-429": Case(
        "4.6",
        "An error occurred (ThrottlingException) when calling the InvokeModel operation (reached max retries: 4): "
        "Too many requests, please wait before trying again.",
        {
            "kind": "throttling",
            "non_iam_cause": "throttling",
            "operation": "InvokeModel",
            "message": "Too many requests, please wait before trying again.",
        },
    ),
    "4.6-service-unavailable-503": Case(
        "4.6",
        "API Error: 503 ServiceUnavailableException: Bedrock is unable to process your request.",
        {"kind": "throttling", "non_iam_cause": "service-unavailable", "http_status": 503},
    ),
    "4.6-overloaded-529": Case(
        "4.6",
        'API Error: 529 {"type":"error","error":{"type":"overloaded_error","message":"Overloaded"}}',
        {
            "kind": "throttling",
            "non_iam_cause": "model-overloaded",
            "http_status": 529,
            "message": "Overloaded",
        },
    ),
    # --- 4.7: Marketplace auto-subscription denials -------------------------------------------------------
    "4.7-marketplace-actions": Case(
        "4.7 and S9",
        "AccessDeniedException: Model access is denied due to IAM user or service role is not authorized to "
        "perform the required AWS Marketplace actions (aws-marketplace:ViewSubscriptions, "
        "aws-marketplace:Subscribe) to enable access to this model.",
        {"kind": "model-access", "non_iam_cause": "marketplace-subscription", "action": None},
    ),
    "4.7-marketplace-subscribe-iam": Case(
        "4.7",
        "AccessDeniedException: Model access is denied due to example-IAM-ARN is not authorized to perform: "
        "aws-marketplace:Subscribe on resource: * because no identity-based policy allows the action.",
        {
            "kind": "model-access",
            "non_iam_cause": "marketplace-subscription",
            "principal": "example-IAM-ARN",
            "action": "aws-marketplace:Subscribe",
            "resource": "*",
            "region": None,
            "policy_type": "identity",
            "explicit": False,
        },
    ),
    # --- 4.8 / 4.9: validation ---------------------------------------------------------------------------
    "4.8-on-demand": Case(
        "4.8",
        "ValidationException: Invocation of model ID anthropic.claude-sonnet-4-20250514-v1:0 with on-demand "
        "throughput isn't supported. Retry your request with the ID or ARN of an inference profile that contains "
        "this model.",
        {
            "kind": "validation",
            "non_iam_cause": "on-demand-not-supported",
            "error_code": "ValidationException",
            "model_id": "anthropic.claude-sonnet-4-20250514-v1:0",
        },
    ),
    "4.9-invalid-identifier": Case(
        "4.9",
        "An error occurred (ValidationException) when calling the InvokeModel operation: The provided model "
        "identifier is invalid.",
        {
            "kind": "validation",
            "non_iam_cause": "invalid-model-id",
            "message": "The provided model identifier is invalid.",
        },
    ),
    "4.9-aws-account-not-authorized-as-validation": Case(
        "4.9",
        "An error occurred (ValidationException) when calling the InvokeModelWithResponseStream operation: Your "
        "AWS account is not authorized to invoke this API operation",
        {
            "non_iam_cause": "account-not-authorized",
            "error_code": "ValidationException",
            "operation": "InvokeModelWithResponseStream",
        },
    ),
    # --- 2.2 / 2.4: real denials quoted in the research notes ----------------------------------------------
    "2.2-jp-destination-identity": Case(
        "2.2 (well-architected-iac-analyzer #181)",
        "…not authorized to perform: bedrock:InvokeModel on resource: "
        "arn:aws:bedrock:ap-northeast-3::foundation-model/anthropic.claude-sonnet-4-6 because no identity-based "
        "policy allows the bedrock:InvokeModel action",
        {
            "principal": None,
            "action": "bedrock:InvokeModel",
            "region": "ap-northeast-3",
            "model_id": "anthropic.claude-sonnet-4-6",
            "policy_type": "identity",
            "explicit": False,
        },
    ),
    "2.4-application-profile": Case(
        "2.4",
        "…not authorized to perform: bedrock:InvokeModel on resource: "
        "arn:aws:bedrock:us-east-1:111122223333:application-inference-profile/a1b2c3d4e5f6 because no "
        "identity-based policy allows",
        {
            "resource": "arn:aws:bedrock:us-east-1:111122223333:application-inference-profile/a1b2c3d4e5f6",
            "model_id": "arn:aws:bedrock:us-east-1:111122223333:application-inference-profile/a1b2c3d4e5f6",
            "account": "111122223333",
            "explicit": False,
        },
    ),
    # --- Scenarios ----------------------------------------------------------------------------------------
    "S1-claude-code-scp-destination": Case(
        "S1",
        'API Error: 403 {"Message":"User: arn:aws:sts::…:assumed-role/AWSReservedSSO_…/… is not authorized to '
        "perform: bedrock:InvokeModelWithResponseStream on resource: arn:aws:bedrock:us-east-2::foundation-model/"
        'anthropic.claude-3-7-sonnet-20250219-v1:0 with an explicit deny in a service control policy"}',
        {
            "kind": "access-denied",
            "http_status": 403,
            "error_code": "AccessDeniedException",
            "principal": "arn:aws:sts::…:assumed-role/AWSReservedSSO_…/…",
            "account": None,
            "action": "bedrock:InvokeModelWithResponseStream",
            "region": "us-east-2",
            "model_id": "anthropic.claude-3-7-sonnet-20250219-v1:0",
            "policy_type": "scp",
            "explicit": True,
        },
    ),
    "S2-global-unspecified": Case(
        "S2",
        "… not authorized to perform: bedrock:InvokeModelWithResponseStream on resource: "
        "arn:aws:bedrock:::foundation-model/anthropic.claude-opus-4-6-v1 with an explicit deny in a service "
        "control policy: arn:aws:organizations::…",
        {
            "region": "unspecified",
            "account": None,
            "model_id": "anthropic.claude-opus-4-6-v1",
            "policy_type": "scp",
            "policy_arn": "arn:aws:organizations::…",
            "explicit": True,
        },
    ),
    "S3-global-profile-identity-deny": Case(
        "S3",
        "AccessDeniedException: … on resource: arn:aws:bedrock:us-east-1:<acct>:inference-profile/"
        "global.anthropic.claude-sonnet-4-5-20250929-v1:0 with an explicit deny in an identity-based policy",
        {
            "principal": None,
            "action": None,
            # The redacted account is an opaque token (bedrock/paste.py), never the placeholder as a value.
            "resource": "arn:aws:bedrock:us-east-1:__redacted_account_1__:inference-profile/"
            "global.anthropic.claude-sonnet-4-5-20250929-v1:0",
            "region": "us-east-1",
            "model_id": "global.anthropic.claude-sonnet-4-5-20250929-v1:0",
            "policy_type": "identity",
            "explicit": True,
        },
    ),
    "S4-destination-fm-not-granted": Case(
        "S4",
        "… not authorized to perform: bedrock:InvokeModel on resource: arn:aws:bedrock:us-east-2::"
        "foundation-model/anthropic.claude-sonnet-4-5-20250929-v1:0 because no identity-based policy allows the "
        "bedrock:InvokeModel action",
        {"region": "us-east-2", "policy_type": "identity", "explicit": False},
    ),
    "S4-profile-not-granted": Case(
        "S4",
        "… on resource: arn:aws:bedrock:us-west-2:…:inference-profile/global.anthropic.claude-haiku-4-5-… because "
        "no identity-based policy allows",
        {
            "region": "us-west-2",
            "model_id": "global.anthropic.claude-haiku-4-5-…",
            "policy_type": "identity",
            "explicit": False,
        },
    ),
    "S5-on-demand": Case(
        "S5",
        "400 Invocation of model ID anthropic.claude-3-5-sonnet-20241022-v2:0 with on-demand throughput isn't "
        "supported. Retry your request with the ID or ARN of an inference profile that contains this model.",
        {
            "http_status": 400,
            "non_iam_cause": "on-demand-not-supported",
            "model_id": "anthropic.claude-3-5-sonnet-20241022-v2:0",
            "message": "Invocation of model ID anthropic.claude-3-5-sonnet-20241022-v2:0 with on-demand throughput "
            "isn't supported. Retry your request with the ID or ARN of an inference profile that contains this "
            "model.",
        },
    ),
    "S6-wrong-prefix": Case(
        "S6",
        "API Error (us.anthropic.claude-sonnet-4-5-20250929-v1:0): 400 The provided model identifier is invalid.",
        {
            "http_status": 400,
            "non_iam_cause": "invalid-model-id",
            "error_code": "ValidationException",
            "model_id": "us.anthropic.claude-sonnet-4-5-20250929-v1:0",
            "message": "The provided model identifier is invalid.",
        },
    ),
    "S7-webfetch-region-mismatch": Case(
        "S7 (prose only; no AWS error in it)",
        "The main model uses EU region (eu.anthropic.claude-opus-4-5…), but WebFetch is trying to use a US "
        "region Haiku model (us.anthropic.claude-haiku-4-5-20251001-v1:0)",
        {"kind": "other", "non_iam_cause": None, "policy_type": None},
    ),
    "S7-empty-prefix": Case(
        "S7",
        "API Error (.anthropic.claude-sonnet-4-5-20250929-v1:0): 400 The provided model identifier is invalid.",
        {"non_iam_cause": "invalid-model-id", "model_id": ".anthropic.claude-sonnet-4-5-20250929-v1:0"},
    ),
    "S7-subagent-profile-not-granted": Case(
        "S7",
        "403 … inference-profile/eu.anthropic.claude-sonnet-4-… because no identity-based policy allows",
        {"kind": "access-denied", "http_status": 403, "policy_type": "identity", "explicit": False},
    ),
    "S8-session-policy": Case(
        "S8",
        "API Error: 403 … not authorized to perform: bedrock:InvokeModelWithResponseStream on resource: "
        "arn:aws:bedrock:us-east-1:…:inference-profile/us.anthropic.claude-3-5-haiku-20241022-v1:0 because no "
        "session policy allows …",
        {
            "http_status": 403,
            "region": "us-east-1",
            "model_id": "us.anthropic.claude-3-5-haiku-20241022-v1:0",
            "policy_type": "session",
            "explicit": False,
        },
    ),
    "S9-use-case-form": Case(
        "S9",
        "You have not filled out the required use-case form for this model",
        {"kind": "model-access", "non_iam_cause": "use-case-form"},
    ),
    "S9-no-access": Case(
        "S9",
        "API Error: 403 You don't have access to the model with the specified model ID.",
        {
            "http_status": 403,
            "non_iam_cause": "no-model-access",
            "message": "You don't have access to the model with the specified model ID.",
        },
    ),
    "S10-region-required": Case(
        "S10",
        "Error: AWS_REGION is a required environment variable",
        {"kind": "other", "non_iam_cause": "region-missing"},
    ),
    "S10-no-credentials": Case(
        "S10 and S22",
        "CredentialsProviderError: Could not load credentials from any providers",
        {"kind": "credentials", "non_iam_cause": "no-credentials"},
    ),
    "S11-invalid-api-key-format": Case(
        "S11",
        'API Error: 403 {"Message":"Invalid API Key format: Must start with pre-defined prefix"}',
        {
            "kind": "credentials",
            "non_iam_cause": "invalid-api-key",
            "http_status": 403,
            "message": "Invalid API Key format: Must start with pre-defined prefix",
        },
    ),
    "S12-invalid-token": Case(
        "S12",
        "API Error (403 The security token included in the request is invalid.)",
        {
            "non_iam_cause": "invalid-token",
            "http_status": 403,
            "message": "The security token included in the request is invalid.",
        },
    ),
    "S13-expired-403": Case(
        "S13",
        "API Error: 403 The security token included in the request is expired",
        {"kind": "credentials", "non_iam_cause": "expired-token", "http_status": 403},
    ),
    "S13-expired-401-after-login-hint": Case(
        "S13",
        "Please run /login · API Error: 401 The security token included in the request is expired",
        {
            "non_iam_cause": "expired-token",
            "http_status": 401,
            "message": "The security token included in the request is expired",
        },
    ),
    "S14-authorization-header-missing": Case(
        "S14",
        '403 {"Message":"Authorization header is missing"}',
        {
            "non_iam_cause": "missing-authorization",
            "http_status": 403,
            "message": "Authorization header is missing",
        },
    ),
    "S14-api-key-rejected": Case(
        "S14",
        "API Error: 403 API Key was rejected",
        {"non_iam_cause": "invalid-api-key"},
    ),
    "S14-call-with-bearer-token-scp": Case(
        "S14 (built from the 4.1 grammar; the scenario describes it without quoting)",
        "User: arn:aws:iam::111122223333:user/BedrockAPIKey_ab12 is not authorized to perform: "
        "bedrock:CallWithBearerToken with an explicit deny in a service control policy",
        {"action": "bedrock:CallWithBearerToken", "resource": None, "policy_type": "scp", "explicit": True},
    ),
    "S15-litellm-application-profile": Case(
        "S15",
        "litellm.exceptions.NotFoundError: BedrockException - Bedrock Invoke HTTPX: Unknown provider=None, "
        "model=arn:aws:bedrock:…:application-inference-profile/… Try calling via converse route",
        {
            "kind": "other",
            "non_iam_cause": "unknown-provider",
            "model_id": "arn:aws:bedrock:…:application-inference-profile/…",
        },
    ),
    "S16-litellm-unknown-prefix": Case(
        "S16",
        "BedrockException - Bedrock HTTPX: Unknown provider=eu, model=eu.anthropic.claude-3-7-sonnet-20250219-v1:0",
        {"non_iam_cause": "unknown-provider", "model_id": "eu.anthropic.claude-3-7-sonnet-20250219-v1:0"},
    ),
    "S16-langchain-not-implemented": Case(
        "S16",
        "NotImplementedError: Provider apac model does not support chat.",
        {"non_iam_cause": "unknown-provider"},
    ),
    "S16-unsupported-provider": Case(
        "S16",
        "Unsupported model provider: us",
        {"non_iam_cause": "unknown-provider"},
    ),
    "S17-identity-region-deny-on-global": Case(
        "S17",
        "… on resource: arn:aws:bedrock:::foundation-model/anthropic.claude-sonnet-4-20250514-v1:0 with an "
        "explicit deny in an identity-based policy",
        {"region": "unspecified", "policy_type": "identity", "explicit": True},
    ),
    "S17-session-variant": Case(
        "S17",
        "… on resource: arn:aws:bedrock:::foundation-model/anthropic.claude-sonnet-4-20250514-v1:0 because no "
        "session policy allows …",
        {"region": "unspecified", "policy_type": "session", "explicit": False},
    ),
    "S18-model-allow-list-scp-on-profile": Case(
        "S18 (built from the 4.1 grammar; predicted, not quoted)",
        "User: arn:aws:sts::111122223333:assumed-role/Dev/alice is not authorized to perform: bedrock:InvokeModel "
        "on resource: arn:aws:bedrock:us-east-1:111122223333:inference-profile/global.cohere.embed-v4:0 with an "
        "explicit deny in a service control policy",
        {"model_id": "global.cohere.embed-v4:0", "policy_type": "scp", "account": "111122223333"},
    ),
    "S19-ip-allow-list": Case(
        "S19",
        "… with an explicit deny in an identity-based policy",
        {"kind": "access-denied", "policy_type": "identity", "explicit": True, "resource": None},
    ),
    "S20-prompt-caching": Case(
        "S20",
        "API Error: 400 You invoked an unsupported model or your request did not allow prompt caching",
        {"kind": "validation", "non_iam_cause": "prompt-caching", "http_status": 400},
    ),
    "S20-legacy-model": Case(
        "S20",
        "ResourceNotFoundException: Access denied. This Model is marked by provider as Legacy and you have not "
        "been actively using the model in the last 15 days.",
        {"kind": "model-access", "non_iam_cause": "legacy-model", "error_code": "ResourceNotFoundException"},
    ),
    "S21-discovery-denied": Case(
        "S21 (built from the 4.1 grammar around botocore's envelope)",
        "An error occurred (AccessDeniedException) when calling the ListInferenceProfiles operation: User: "
        "arn:aws:sts::111122223333:assumed-role/Dev/alice is not authorized to perform: "
        "bedrock:ListInferenceProfiles on resource: arn:aws:bedrock:us-east-1:111122223333:inference-profile/* "
        "because no identity-based policy allows the bedrock:ListInferenceProfiles action",
        {"operation": "ListInferenceProfiles", "action": "bedrock:ListInferenceProfiles"},
    ),
    "S22-gateway-502": Case(
        "S22",
        "502 Bad Gateway: Could not load credentials from any providers",
        {"http_status": 502, "non_iam_cause": "no-credentials"},
    ),
    # --- clients.md: texts clients wrap ---------------------------------------------------------------
    "clients-boto3-no-region": Case(
        "clients.md (boto3)",
        "botocore.exceptions.NoRegionError: You must specify a region.",
        {"non_iam_cause": "region-missing", "error_code": "NoRegionError"},
    ),
    "clients-sdk-js-region-missing": Case(
        "clients.md (AWS SDK for JavaScript v3)",
        "Error: Region is missing",
        {"non_iam_cause": "region-missing"},
    ),
    "clients-vpce-region-scope": Case(
        "clients.md (boto3 item 4)",
        "An error occurred (InvalidSignatureException) when calling the Converse operation: Credential should be "
        "scoped to a valid region.",
        {"non_iam_cause": "invalid-signature", "error_code": "InvalidSignatureException"},
    ),
    "clients-sso-region": Case(
        "clients.md (Claude Code 2.1.207)",
        "Session token not found or invalid",
        {"non_iam_cause": "invalid-token"},
    ),
    "clients-unrecognized-client": Case(
        "clients.md (Continue item 4)",
        "UnrecognizedClientException: The security token included in the request is invalid.",
        {"non_iam_cause": "invalid-token", "error_code": "UnrecognizedClientException"},
    ),
    "clients-litellm-json-unicode-escape": Case(
        "LiteLLM's BedrockException wrapper around a JSON body with an escaped apostrophe",
        'litellm.exceptions.BadRequestError: litellm.BadRequestError: BedrockException - {"message":"Invocation '
        "of model ID anthropic.claude-3-5-sonnet-20241022-v2:0 with on-demand throughput isn\\u2019t supported. "
        'Retry your request with the ID or ARN of an inference profile that contains this model."}',
        {
            "non_iam_cause": "on-demand-not-supported",
            "model_id": "anthropic.claude-3-5-sonnet-20241022-v2:0",
            "message": "Invocation of model ID anthropic.claude-3-5-sonnet-20241022-v2:0 with on-demand throughput "
            "isn\u2019t supported. Retry your request with the ID or ARN of an inference profile that contains "
            "this model.",
        },
    ),
    "clients-anthropic-sdk-dict": Case(
        "Anthropic SDK's 'Error code: 403 - {...}' (Python dict body)",
        "anthropic.PermissionDeniedError: Error code: 403 - {'message': 'User: "
        "arn:aws:sts::111122223333:assumed-role/Dev/alice is not authorized to perform: bedrock:InvokeModel on "
        "resource: arn:aws:bedrock:eu-west-3::foundation-model/anthropic.claude-sonnet-4-5-20250929-v1:0 with an "
        "explicit deny in a service control policy'}",
        {"http_status": 403, "region": "eu-west-3", "policy_type": "scp", "account": "111122223333"},
    ),
    "clients-go-sdk": Case(
        "AWS SDK for Go v2",
        "operation error Bedrock Runtime: Converse, https response error StatusCode: 403, RequestID: "
        "0d1e2f3a-0000-4000-8000-000000000000, AccessDeniedException: User: "
        "arn:aws:sts::111122223333:assumed-role/Dev/alice is not authorized to perform: bedrock:InvokeModel on "
        "resource: arn:aws:bedrock:us-west-2::foundation-model/amazon.nova-pro-v1:0 because no identity-based "
        "policy allows the bedrock:InvokeModel action",
        {
            "operation": "Converse",
            "http_status": 403,
            "error_code": "AccessDeniedException",
            "region": "us-west-2",
        },
    ),
    "clients-java-sdk": Case(
        "AWS SDK for Java v2",
        "software.amazon.awssdk.services.bedrockruntime.model.ValidationException: The provided model identifier "
        "is invalid. (Service: BedrockRuntime, Status Code: 400, Request ID: 0d1e2f3a)",
        {"error_code": "ValidationException", "http_status": 400, "non_iam_cause": "invalid-model-id"},
    ),
    "clients-botocore-endpoint": Case(
        "botocore EndpointConnectionError",
        'botocore.exceptions.EndpointConnectionError: Could not connect to the endpoint URL: "https://'
        'bedrock-runtime.ap-east-2.amazonaws.com/model/anthropic.claude-sonnet-4-5-20250929-v1%3A0/converse-stream"',
        {
            "kind": "other",
            "non_iam_cause": "no-endpoint",
            "endpoint_region": "ap-east-2",
            "operation": "ConverseStream",
            "model_id": "anthropic.claude-sonnet-4-5-20250929-v1:0",
            "error_code": "EndpointConnectionError",
        },
    ),
    "clients-escaped-json-in-log": Case(
        "a JSON log line holding the client's JSON error body",
        '{"level":"error","msg":"{\\"Message\\":\\"User: arn:aws:sts::111122223333:assumed-role/Dev/alice is not '
        "authorized to perform: bedrock:InvokeModel on resource: arn:aws:bedrock:us-east-2::foundation-model/"
        'amazon.nova-pro-v1:0 with an explicit deny in a service control policy\\"}"}',
        {
            "region": "us-east-2",
            "policy_type": "scp",
            "explicit": True,
            "principal": "arn:aws:sts::111122223333:assumed-role/Dev/alice",
        },
    ),
}


@pytest.mark.parametrize("name", list(CASES))
def test_error_form(name: str) -> None:
    case = CASES[name]
    parsed = parse_error(case.text)
    got = {field: getattr(parsed, field) for field in case.expect}
    assert got == dict(case.expect), f"{name} ({case.source})"


def test_multiline_paste_with_noise_finds_the_error() -> None:
    # A terminal scroll-back: prompts, retries and a stack trace around one Claude Code error.
    text = (
        "$ claude -p 'hello'\n"
        "[debug] resolving model us.anthropic.claude-3-7-sonnet-20250219-v1:0 in us-east-1\n"
        "Retrying in 2 seconds… (attempt 3/10)\n"
        'API Error: 403 {"Message":"User: arn:aws:sts::111122223333:assumed-role/Dev/alice is not authorized to '
        "perform: bedrock:InvokeModelWithResponseStream on resource: arn:aws:bedrock:us-east-2::foundation-model/"
        'anthropic.claude-3-7-sonnet-20250219-v1:0 with an explicit deny in a service control policy"}\n'
        "    at Object.request (file:///usr/lib/node_modules/claude/cli.js:1:1)\n"
        "$ \n"
    )
    parsed = parse_error(text)
    assert (parsed.kind, parsed.policy_type, parsed.explicit, parsed.region) == (
        "access-denied",
        "scp",
        True,
        "us-east-2",
    )
    assert parsed.message.startswith(
        "User: arn:aws:sts::111122223333:assumed-role/Dev/alice is not authorized"
    )
    assert parsed.message.endswith("with an explicit deny in a service control policy")


def test_an_unrelated_json_message_in_a_log_is_not_taken_for_the_error() -> None:
    parsed = parse_error(
        '{"level":"info","message":"starting session"}\n'
        "API Error: 403 The security token included in the request is expired"
    )
    assert parsed.non_iam_cause == "expired-token"
    assert parsed.message == "The security token included in the request is expired"


def test_status_alone_classifies_and_keeps_the_body_message() -> None:
    parsed = parse_error('{"statusCode": 429, "message": "slow down"}')
    assert (parsed.kind, parsed.non_iam_cause, parsed.http_status) == ("throttling", "throttling", 429)
    assert parsed.message == "slow down"


def test_resource_in_double_quotes_is_accepted() -> None:
    # Some newer IAM messages quote the resource.
    parsed = parse_error(
        "User: arn:aws:iam::111122223333:user/dev is not authorized to perform: bedrock:InvokeModel on resource: "
        '"arn:aws:bedrock:us-east-1::foundation-model/amazon.nova-pro-v1:0" because no identity-based policy '
        "allows the bedrock:InvokeModel action"
    )
    assert parsed.resource == "arn:aws:bedrock:us-east-1::foundation-model/amazon.nova-pro-v1:0"
    assert parsed.policy_type == "identity"


def test_lower_case_event_stream_code_is_normalised() -> None:
    parsed = parse_error(
        "An error occurred (validationException) when calling the ConverseStream operation: The provided model "
        "identifier is invalid."
    )
    assert parsed.error_code == "ValidationException"
    assert parsed.operation == "ConverseStream"


def test_secrets_in_the_paste_are_redacted_everywhere() -> None:
    text = (
        "export AWS_ACCESS_KEY_ID=AKIAIOSFODNN7EXAMPLE\n"
        "export AWS_SECRET_ACCESS_KEY=wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY\n"
        "API Error: 403 The security token included in the request is invalid. (key AKIAIOSFODNN7EXAMPLE)"
    )
    parsed = parse_error(text)
    assert parsed.non_iam_cause == "invalid-token"
    for value in (parsed.message, parsed.model_id, parsed.principal):
        assert value is None or "IOSFODNN7EXAMPLE" not in value
    assert "AKIA[REDACTED]" in parsed.message
    bearer = parse_error("Authorization: Bearer ABSKQmVkcm9ja0FQSUtleS1leGFtcGxl: API Key was rejected")
    assert "QmVkcm9ja0FQSUtleS1leGFtcGxl" not in bearer.message


def test_message_is_capped() -> None:
    parsed = parse_error("ValidationException: " + "x" * (MAX_MESSAGE_CHARS * 3))
    assert len(parsed.message) == MAX_MESSAGE_CHARS


def test_a_key_cut_by_the_message_cap_leaves_no_readable_prefix() -> None:
    # The message is the text after "ValidationException: "; the key starts 10 characters before the cap.
    filler = "x " * ((MAX_MESSAGE_CHARS - 10) // 2)
    parsed = parse_error(f"ValidationException: {filler}AKIAIOSFODNN7EXAMPLE trailing words")
    assert len(parsed.message) == MAX_MESSAGE_CHARS
    assert "IOSF" not in parsed.message


# --- Round trip: every predicted message reads back to what produced it -----------------------------

PRINCIPALS = (
    "arn:aws:sts::111122223333:assumed-role/Dev/alice",
    "arn:aws:sts::111122223333:assumed-role/AWSReservedSSO_Admin_0123abcd/alice@example.com",
    "arn:aws:iam::111122223333:user/ci-bot",
)
RESOURCES = (
    "arn:aws:bedrock:us-east-2::foundation-model/anthropic.claude-sonnet-4-5-20250929-v1:0",
    "arn:aws:bedrock:::foundation-model/anthropic.claude-sonnet-4-5-20250929-v1:0",
    "arn:aws:bedrock:us-east-1:111122223333:inference-profile/us.anthropic.claude-3-5-haiku-20241022-v1:0",
    "arn:aws:bedrock:eu-west-1:111122223333:application-inference-profile/abcdef123456",
    None,
)
ACTIONS = ("bedrock:InvokeModel", "bedrock:InvokeModelWithResponseStream", "bedrock:CallWithBearerToken")


@pytest.mark.parametrize(
    ("principal", "action", "resource", "policy_type", "explicit"),
    list(itertools.product(PRINCIPALS, ACTIONS, RESOURCES, ENGINE_POLICY_TYPES, (True, False))),
)
def test_round_trip(
    principal: str, action: str, resource: str | None, policy_type: EnginePolicyType, explicit: bool
) -> None:
    message = access_denied_message(principal, action, resource, explicit=explicit, policy_type=policy_type)
    parsed = parse_error(message)
    assert (parsed.principal, parsed.action, parsed.resource, parsed.policy_type, parsed.explicit) == (
        principal,
        action,
        resource,
        reported_type(policy_type),
        explicit,
    )
    assert parsed.message == message
    assert parsed.kind == "access-denied"


@pytest.mark.parametrize("policy_type", ENGINE_POLICY_TYPES)
def test_round_trip_through_envelopes_and_policy_arn(policy_type: EnginePolicyType) -> None:
    arn = "arn:aws:organizations::999988887777:policy/o-abc123/service_control_policy/p-abcd1234"
    error = access_denied_error(
        PRINCIPALS[0],
        "bedrock:InvokeModel",
        RESOURCES[0],
        explicit=True,
        policy_type=policy_type,
        policy_arn=arn,
        operation="Converse",
    )
    assert error.client_text is not None
    for wrapped in (error.client_text, f'API Error: 403 {{"Message":"{error.message}"}}'):
        parsed = parse_error(wrapped)
        assert parsed.policy_type == reported_type(policy_type)
        assert parsed.policy_arn == arn
        assert parsed.message == error.message
        assert parsed.error_code == "AccessDeniedException"


def test_predicted_non_iam_errors_parse_back() -> None:
    model = "anthropic.claude-opus-4-1-20250805-v1:0"
    on_demand = parse_error(on_demand_not_supported_error(model, operation="Converse").client_text or "")
    assert (on_demand.non_iam_cause, on_demand.model_id, on_demand.operation) == (
        "on-demand-not-supported",
        model,
        "Converse",
    )
    invalid = parse_error(invalid_model_identifier_error().message)
    assert invalid.non_iam_cause == "invalid-model-id"
    endpoint = no_endpoint_error("me-west-1", model_id=model, operation="InvokeModel")
    parsed = parse_error(endpoint.client_text or "")
    assert (parsed.non_iam_cause, parsed.endpoint_region, parsed.model_id, parsed.operation) == (
        "no-endpoint",
        "me-west-1",
        model,
        "InvokeModel",
    )


# --- Robustness -------------------------------------------------------------------------------------


@settings(max_examples=300)
@given(st.text(max_size=2_000))
def test_any_text_parses_without_raising(text: str) -> None:
    parsed = parse_error(text)
    assert parsed.kind in (
        "access-denied",
        "validation",
        "throttling",
        "credentials",
        "model-access",
        "other",
    )
    explain_parsed(parsed)


@given(
    st.lists(
        st.sampled_from(
            [
                "User: ",
                " is not authorized to perform: ",
                " on resource: ",
                " with an explicit deny in ",
                " because no ",
                " allows the ",
                "a service control policy",
                "session policy",
                ": arn:",
                "arn:aws:bedrock:::foundation-model/",
                '{"Message":"',
                "'message': '",
                '\\"',
                "API Error (",
                "): ",
                "An error occurred (",
                ") when calling the ",
                " operation: ",
                "bedrock-runtime.",
                "/model/",
                "403",
                "\n",
                " ",
                "\u2026",
            ]
        ),
        max_size=40,
    )
)
def test_fragments_of_the_grammar_never_raise(parts: list[str]) -> None:
    parsed = parse_error("".join(parts))
    explain_parsed(parsed, lambda model, region: [("us." + model, "us-east-1")])


@given(st.text(max_size=200), st.text(max_size=200))
def test_noise_around_a_message_does_not_change_its_reading(before: str, after: str) -> None:
    message = access_denied_message(PRINCIPALS[0], ACTIONS[0], RESOURCES[0], explicit=True, policy_type="scp")
    parsed = parse_error(f"{before}\n{message}\n{after}")
    if "not authorized to perform:" not in before and "on resource: " not in before and "\\" not in before:
        assert (parsed.resource, parsed.policy_type, parsed.explicit) == (RESOURCES[0], "scp", True)


def test_input_beyond_the_cap_is_not_read() -> None:
    # Cost is bounded by construction: only the first MAX_INPUT_CHARS characters are looked at.
    message = access_denied_message(PRINCIPALS[0], ACTIONS[0], RESOURCES[0], explicit=True, policy_type="scp")
    inside = parse_error("x" * (MAX_INPUT_CHARS - len(message) - 1) + " " + message)
    outside = parse_error("x" * MAX_INPUT_CHARS + " " + message)
    assert inside.policy_type == "scp"
    assert outside.policy_type is None
    assert outside.kind == "other"


def test_pathological_repetition_reads_only_the_first_occurrences() -> None:
    # Hostile pastes: the same anchors over and over. Each is tried a bounded number of times.
    parse_error(" is not authorized to perform:" * 50_000)
    parse_error('"message": 1, ' * 50_000)
    parse_error(" because no" * 50_000)
    parse_error("bedrock-runtime" * 50_000)
    parse_error("API Error (" * 50_000)


# --- Explanations -----------------------------------------------------------------------------------

US_PROFILE_DESTINATIONS = {"us-east-1", "us-east-2", "us-west-2"}


def us_destinations(model: str, region: str) -> Sequence[tuple[str, str]]:
    """A stand-in for the catalog: the us. profile routes every model to three US Regions."""
    if region not in US_PROFILE_DESTINATIONS:
        return []
    return [(f"us.{model}", source) for source in ("us-east-1", "us-east-2", "us-west-2")]


def test_s1_explains_the_destination_region_of_a_geographic_profile() -> None:
    parsed = parse_error(CASES["S1-claude-code-scp-destination"].text)
    explanation = explain_parsed(parsed, us_destinations)
    assert explanation.code == "cris-destination-check"
    assert explanation.cause.startswith(
        "us-east-2 is a destination Region of the us. cross-Region inference profile "
        "(us.anthropic.claude-3-7-sonnet-20250219-v1:0 called from us-east-1 or us-east-2 or us-west-2); "
        "the service control policy's Region deny blocks the foundation-model check there."
    )
    assert any(
        "bedrock:InferenceProfileArn" in fix and "inference-profile/us.*" in fix for fix in explanation.fixes
    )
    assert any("CT.MULTISERVICE.PV.1" in fix for fix in explanation.fixes)


def test_s1_without_the_catalog_gives_both_readings() -> None:
    explanation = explain_parsed(parse_error(CASES["S1-claude-code-scp-destination"].text))
    assert explanation.code == "foundation-model-check"
    assert "destination" in explanation.cause


def test_a_region_no_profile_routes_to_is_a_direct_call() -> None:
    text = access_denied_message(
        PRINCIPALS[0],
        "bedrock:InvokeModel",
        "arn:aws:bedrock:eu-west-3::foundation-model/amazon.nova-pro-v1:0",
        explicit=True,
        policy_type="scp",
    )
    explanation = explain_parsed(parse_error(text), us_destinations)
    assert explanation.code == "foundation-model-check"
    assert "call made in eu-west-3 itself" in explanation.cause


def test_s2_explains_the_unspecified_region() -> None:
    explanation = explain_parsed(parse_error(CASES["S2-global-unspecified"].text), us_destinations)
    assert explanation.code == "global-regionless-check"
    assert 'aws:RequestedRegion = "unspecified"' in explanation.cause
    assert "global.anthropic.claude-opus-4-6-v1" in explanation.cause
    assert any('"unspecified"' in fix and "global.*" in fix for fix in explanation.fixes)
    assert any("arn:aws:organizations::" in fix for fix in explanation.fixes)  # the appended policy ARN


def test_s3_global_profile_denied_by_identity_policy() -> None:
    explanation = explain_parsed(parse_error(CASES["S3-global-profile-identity-deny"].text))
    assert explanation.code == "inference-profile-check"
    assert "global profiles" in explanation.cause
    assert any("geographic profile" in fix for fix in explanation.fixes)


def test_s4_destination_model_missing_from_identity_policy() -> None:
    explanation = explain_parsed(parse_error(CASES["S4-destination-fm-not-granted"].text), us_destinations)
    assert explanation.code == "cris-destination-check"
    assert "no identity-based policy allows the foundation model there" in explanation.cause
    assert any(
        "arn:aws:bedrock:*::foundation-model/anthropic.claude-sonnet-4-5-20250929-v1:0" in fix
        for fix in explanation.fixes
    )


def test_s4_profile_missing_from_identity_policy() -> None:
    explanation = explain_parsed(parse_error(CASES["S4-profile-not-granted"].text))
    assert explanation.code == "inference-profile-check"
    assert explanation.cause.startswith("No identity-based policy allows")


def test_s8_session_policy_on_a_background_model_profile() -> None:
    explanation = explain_parsed(parse_error(CASES["S8-session-policy"].text))
    assert explanation.code == "inference-profile-check"
    assert "session policy" in explanation.cause
    assert "background" in explanation.cause
    assert any("session policy" in fix for fix in explanation.fixes)


def test_s14_bearer_token_blocked_by_scp() -> None:
    explanation = explain_parsed(parse_error(CASES["S14-call-with-bearer-token-scp"].text))
    assert explanation.code == "bearer-token-denied"
    assert "bedrock:CallWithBearerToken" in explanation.cause
    assert any("AWS_BEARER_TOKEN_BEDROCK" in fix for fix in explanation.fixes)
    assert any("SHORT_TERM" in fix for fix in explanation.fixes)


def test_s14_bearer_token_missing_allow() -> None:
    text = access_denied_message(
        "arn:aws:iam::111122223333:user/BedrockAPIKey_ab12",
        "bedrock:CallWithBearerToken",
        None,
        explicit=False,
        policy_type="identity",
    )
    explanation = explain_parsed(parse_error(text))
    assert explanation.code == "bearer-token-denied"
    assert any("Allow bedrock:CallWithBearerToken" in fix for fix in explanation.fixes)


def test_s17_region_restriction_in_identity_policy_on_global() -> None:
    explanation = explain_parsed(parse_error(CASES["S17-identity-region-deny-on-global"].text))
    assert explanation.code == "global-regionless-check"
    assert "the caller's identity-based policies" in explanation.cause
    assert any("Exempt" in fix for fix in explanation.fixes)


def test_s17_boundary_region_restriction_on_a_destination() -> None:
    text = access_denied_message(
        PRINCIPALS[0],
        "bedrock:InvokeModel",
        "arn:aws:bedrock:us-west-2::foundation-model/amazon.nova-pro-v1:0",
        explicit=True,
        policy_type="pb",
    )
    explanation = explain_parsed(parse_error(text), us_destinations)
    assert explanation.code == "cris-destination-check"
    assert "a Deny in the permissions boundary" in explanation.cause


def test_s18_model_allow_list_scp_denies_the_profile_check() -> None:
    explanation = explain_parsed(parse_error(CASES["S18-model-allow-list-scp-on-profile"].text))
    assert explanation.code == "inference-profile-check"
    assert "NotResource" in explanation.cause
    assert any("inference-profile/*.cohere.embed-v4:0" in fix for fix in explanation.fixes)


def test_s21_discovery_actions() -> None:
    explanation = explain_parsed(parse_error(CASES["S21-discovery-denied"].text))
    assert explanation.code == "discovery-denied"
    assert any("bedrock:ListInferenceProfiles" in fix for fix in explanation.fixes)


def test_application_profile_denial() -> None:
    explanation = explain_parsed(parse_error(CASES["2.4-application-profile"].text))
    assert explanation.code == "application-profile-check"


def test_other_service_denial_is_explained_by_layer() -> None:
    explanation = explain_parsed(parse_error(CASES["4.2-rcp-explicit"].text))
    assert explanation.code == "iam-denial"
    assert "resource control policy" in explanation.cause
    references = explain_parsed(parse_error(CASES["4.3-policy-arn-and-authorization-id"].text))
    assert any("EXAMPLE1a2b3c4d5e6f7g8h9i0j" in fix for fix in references.fixes)
    assert any("ExampleDenyPolicy" in fix for fix in references.fixes)


@pytest.mark.parametrize(
    ("case", "code", "phrase"),
    [
        ("S5-on-demand", "on-demand-not-supported", "us.anthropic.claude-3-5-sonnet-20241022-v2:0"),
        ("S6-wrong-prefix", "invalid-model-id", "us. geographic profile"),
        ("S7-empty-prefix", "invalid-model-id", "starts with a dot"),
        ("S9-no-access", "no-model-access", "Enable the model"),
        ("4.7-marketplace-actions", "marketplace-subscription", "enable the model once"),
        ("S9-use-case-form", "use-case-form", "PutUseCaseForModelAccess"),
        ("S13-expired-403", "expired-token", "awsAuthRefresh"),
        ("S12-invalid-token", "invalid-token", "credential_process"),
        ("S20-prompt-caching", "prompt-caching", "DISABLE_PROMPT_CACHING"),
        ("S20-legacy-model", "legacy-model", "current model version"),
        ("S22-gateway-502", "no-credentials", "hop limit"),
        ("clients-botocore-endpoint", "no-endpoint", "ap-east-2"),
    ],
)
def test_non_iam_errors_get_cause_and_fixes(case: str, code: str, phrase: str) -> None:
    # explain_error: the clients' advice (awsAuthRefresh, DISABLE_PROMPT_CACHING ...) joined in.
    explanation = explain_error(parse_error(CASES[case].text))
    assert explanation.code == code
    assert explanation.fixes
    assert phrase in explanation.cause + " ".join(explanation.fixes)


def test_every_cause_code_has_an_explanation() -> None:
    for cause in CAUSES:
        parsed = parse_error(f"error: {cause.markers[0]}")
        assert parsed.non_iam_cause == cause.code, cause.markers[0]
        explanation = explain_parsed(parsed)
        assert explanation.code == cause.code
        assert explanation.cause and explanation.fixes
        assert "{" not in explanation.cause + "".join(explanation.fixes)  # every template field filled


CLIENT_NAMES = ("Claude Code", "LiteLLM", "Cline", "Roo Code", "Continue", "boto3")


def test_bedrock_explanations_name_no_client_and_clients_add_their_advice() -> None:
    # bedrock/ knows nothing of clients: a client's name reaches the user only through clients/advice.
    for case in CASES.values():
        parsed = parse_error(case.text)
        bare = explain_parsed(parsed, us_destinations)
        assert not any(name in bare.cause + " ".join(bare.fixes) for name in CLIENT_NAMES), case.source
        assert set(bare.advice) <= set(ADVICE_TOPICS)
        joined = explain_error(parsed, us_destinations)
        assert joined.fixes == bare.fixes + advice_for(bare.advice)
    assert {advice.topic for advice in ADVICE} == set(ADVICE_TOPICS)
    assert set(advice_for(["prompt-caching-off"])) == {
        advice.text for advice in ADVICE if advice.topic == "prompt-caching-off"
    }


def test_explanation_codes_are_distinct() -> None:
    assert len(set(CAUSE_CODES) | set(IAM_EXPLANATION_CODES)) == len(CAUSE_CODES) + len(IAM_EXPLANATION_CODES)


def test_unrecognised_and_unparsed_texts() -> None:
    assert explain_parsed(parse_error("hello world")).code == "unrecognized"
    denied = parse_error(
        "An error occurred (AccessDeniedException) when calling the Converse operation: denied"
    )
    assert denied.kind == "access-denied"
    assert explain_parsed(denied).code == "access-denied-unparsed"
    invalid = parse_error("ValidationException: messages.0.content: field required")
    assert explain_parsed(invalid).code == "validation-unparsed"


def test_parsed_error_is_frozen() -> None:
    parsed = parse_error("API Error: 403 API Key was rejected")
    with pytest.raises(AttributeError):
        parsed.kind = "other"  # type: ignore[misc]
    assert isinstance(parsed, ParsedError)
