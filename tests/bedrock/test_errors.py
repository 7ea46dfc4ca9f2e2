"""Predicted AWS error texts: exact wording per policy type, envelopes, non-IAM errors.

Wording source: shared/domain/bedrock-authorization.md section 4 (4.1 grammar, 4.2 examples,
4.3 newer format, 4.8 on-demand, 4.9 invalid identifier) and the real texts in
peers-and-failure-scenarios.md S1/S4/S8.
"""

from __future__ import annotations

import pytest

from bedrock_access.bedrock.errors import (
    ENGINE_POLICY_TYPES,
    REPORTING_ORDER,
    EnginePolicyType,
    access_denied_error,
    access_denied_message,
    engine_type,
    invalid_model_identifier_error,
    no_endpoint_error,
    on_demand_not_supported_error,
    reported_policy_type,
    reported_type,
    runtime_endpoint_host,
    session_principal_arn,
)

ALICE = "arn:aws:sts::111122223333:assumed-role/Dev/alice"
SONNET = "anthropic.claude-sonnet-4-5-20250929-v1:0"
FM_USE2 = f"arn:aws:bedrock:us-east-2::foundation-model/{SONNET}"


def test_scp_explicit_deny_matches_the_real_s1_text() -> None:
    # peers-and-failure-scenarios.md S1; bedrock-authorization.md 2.2 (classmethod quote).
    assert access_denied_message(ALICE, "bedrock:InvokeModel", FM_USE2, explicit=True, policy_type="scp") == (
        "User: arn:aws:sts::111122223333:assumed-role/Dev/alice is not authorized to perform: "
        "bedrock:InvokeModel on resource: arn:aws:bedrock:us-east-2::foundation-model/"
        "anthropic.claude-sonnet-4-5-20250929-v1:0 with an explicit deny in a service control policy"
    )


def test_identity_implicit_deny_matches_the_real_s4_text() -> None:
    # peers-and-failure-scenarios.md S4.
    assert access_denied_message(
        ALICE, "bedrock:InvokeModel", FM_USE2, explicit=False, policy_type="identity"
    ) == (
        f"User: {ALICE} is not authorized to perform: bedrock:InvokeModel on resource: {FM_USE2} "
        "because no identity-based policy allows the bedrock:InvokeModel action"
    )


# bedrock-authorization.md 4.2: one phrase per policy type, explicit and implicit.
EXPECTED_TAILS: dict[tuple[EnginePolicyType, bool], str] = {
    ("identity", True): "with an explicit deny in an identity-based policy",
    ("identity", False): "because no identity-based policy allows the bedrock:InvokeModel action",
    ("scp", True): "with an explicit deny in a service control policy",
    ("scp", False): "because no service control policy allows the bedrock:InvokeModel action",
    ("rcp", True): "with an explicit deny in a resource control policy",
    ("rcp", False): "because no resource control policy allows the bedrock:InvokeModel action",
    ("pb", True): "with an explicit deny in a permissions boundary",
    ("pb", False): "because no permissions boundary allows the bedrock:InvokeModel action",
    # The IAM guide's example says "sessions policy"; real messages say "session policy" (4.2, 10.9).
    ("session", True): "with an explicit deny in a session policy",
    ("session", False): "because no session policy allows the bedrock:InvokeModel action",
    ("resource", True): "with an explicit deny in a resource-based policy",
    ("resource", False): "because no resource-based policy allows the bedrock:InvokeModel action",
    ("vpce", True): "with an explicit deny in a VPC endpoint policy",
    ("vpce", False): "because no VPC endpoint policy allows the bedrock:InvokeModel action",
}


@pytest.mark.parametrize(("policy_type", "explicit"), list(EXPECTED_TAILS))
def test_each_policy_type_is_worded_as_aws_words_it(policy_type: EnginePolicyType, explicit: bool) -> None:
    message = access_denied_message(
        ALICE, "bedrock:InvokeModel", FM_USE2, explicit=explicit, policy_type=policy_type
    )
    head = f"User: {ALICE} is not authorized to perform: bedrock:InvokeModel on resource: {FM_USE2} "
    assert message == head + EXPECTED_TAILS[(policy_type, explicit)]


def test_session_policy_is_never_written_sessions_policy() -> None:
    message = access_denied_message(
        ALICE, "bedrock:InvokeModel", FM_USE2, explicit=True, policy_type="session"
    )
    assert "sessions policy" not in message


def test_form_without_resource_follows_the_iam_guide_example() -> None:
    # bedrock-authorization.md 4.2, first example (action without resource types).
    message = access_denied_message(
        "arn:aws:iam::777788889999:user/John",
        "codecommit:ListRepositories",
        None,
        explicit=False,
        policy_type="scp",
    )
    assert message == (
        "User: arn:aws:iam::777788889999:user/John is not authorized to perform: codecommit:ListRepositories "
        "because no service control policy allows the codecommit:ListRepositories action"
    )


def test_policy_arn_is_appended_to_explicit_denies_only() -> None:
    # bedrock-authorization.md 4.3: "...identity-based policy: arn:aws:iam::123456789012:policy/ExampleDenyPolicy".
    arn = "arn:aws:iam::111122223333:policy/DenyOutsideEU"
    explicit = access_denied_message(
        ALICE, "bedrock:InvokeModel", FM_USE2, explicit=True, policy_type="identity", policy_arn=arn
    )
    assert explicit.endswith(f"with an explicit deny in an identity-based policy: {arn}")
    implicit = access_denied_message(
        ALICE, "bedrock:InvokeModel", FM_USE2, explicit=False, policy_type="identity", policy_arn=arn
    )
    assert arn not in implicit


def test_access_denied_envelope_is_403_access_denied_exception() -> None:
    error = access_denied_error(
        ALICE, "bedrock:InvokeModel", FM_USE2, explicit=True, policy_type="scp", operation="Converse"
    )
    assert (error.error_code, error.http_status, error.connection_error) == (
        "AccessDeniedException",
        403,
        False,
    )
    assert error.client_text == (
        f"An error occurred (AccessDeniedException) when calling the Converse operation: {error.message}"
    )
    assert access_denied_error(ALICE, "a:b", None, explicit=True, policy_type="scp").client_text is None


def test_invalid_model_identifier_error() -> None:
    # bedrock-authorization.md 4.9; S6.
    error = invalid_model_identifier_error(operation="ConverseStream")
    assert (error.error_code, error.http_status) == ("ValidationException", 400)
    assert error.message == "The provided model identifier is invalid."
    assert error.client_text == (
        "An error occurred (ValidationException) when calling the ConverseStream operation: "
        "The provided model identifier is invalid."
    )


def test_on_demand_error_names_the_model() -> None:
    # bedrock-authorization.md 4.8 (with the typographic apostrophe real responses carry).
    error = on_demand_not_supported_error("anthropic.claude-sonnet-4-20250514-v1:0")
    assert (error.error_code, error.http_status) == ("ValidationException", 400)
    assert error.message == (
        "Invocation of model ID anthropic.claude-sonnet-4-20250514-v1:0 with on-demand throughput isn\u2019t "
        "supported. Retry your request with the ID or ARN of an inference profile that contains this model."
    )


def test_no_endpoint_is_a_connection_error_not_an_aws_error() -> None:
    error = no_endpoint_error("ap-east-2", model_id=SONNET, operation="Converse")
    assert error.connection_error
    assert error.error_code is None
    assert error.http_status is None
    assert "bedrock-runtime.ap-east-2.amazonaws.com" in error.message
    assert "not an error response from AWS" in error.message
    # botocore's EndpointConnectionError text, with the model id percent-encoded in the path.
    assert error.client_text == (
        'Could not connect to the endpoint URL: "https://bedrock-runtime.ap-east-2.amazonaws.com/model/'
        'anthropic.claude-sonnet-4-5-20250929-v1%3A0/converse"'
    )
    assert no_endpoint_error("ap-east-2").client_text is None


def test_china_regions_use_their_own_dns_suffix() -> None:
    assert runtime_endpoint_host("cn-north-1") == "bedrock-runtime.cn-north-1.amazonaws.com.cn"
    assert runtime_endpoint_host("eu-west-1") == "bedrock-runtime.eu-west-1.amazonaws.com"


def test_reported_policy_type_follows_the_documented_order() -> None:
    assert reported_policy_type(["identity", "scp"]) == "scp"
    assert reported_policy_type(["session", "pb", "identity"]) == "identity"
    assert reported_policy_type(["vpce", "identity"]) == "vpce"
    assert reported_policy_type(["rcp", "scp"]) == "rcp"
    assert set(REPORTING_ORDER) == set(ENGINE_POLICY_TYPES)
    with pytest.raises(ValueError):
        reported_policy_type([])


def test_policy_type_vocabularies_map_both_ways() -> None:
    assert reported_type("pb") == "boundary"
    assert engine_type("boundary") == "pb"
    assert engine_type("trust") is None
    for engine in ENGINE_POLICY_TYPES:
        assert engine_type(reported_type(engine)) == engine


@pytest.mark.parametrize(
    ("role", "expected"),
    [
        ("arn:aws:iam::111122223333:role/Dev", "arn:aws:sts::111122223333:assumed-role/Dev/alice"),
        (
            "arn:aws:iam::111122223333:role/aws-reserved/sso.amazonaws.com/AWSReservedSSO_Dev_0123",
            "arn:aws:sts::111122223333:assumed-role/AWSReservedSSO_Dev_0123/alice",
        ),
        (
            "arn:aws-us-gov:iam::111122223333:role/Dev",
            "arn:aws-us-gov:sts::111122223333:assumed-role/Dev/alice",
        ),
        ("arn:aws:iam::111122223333:user/alice", "arn:aws:iam::111122223333:user/alice"),
    ],
)
def test_session_principal_arn(role: str, expected: str) -> None:
    assert session_principal_arn(role, "alice") == expected
