"""Verdicts, the blocking check, authorized/denied Regions, findings and the predicted error.

Rules from shared/domain/bedrock-authorization.md ("§n") and the failure catalogue ("Sn"):
§8.1 the call succeeds only if every check passes; an explicit Deny anywhere wins, else every layer needs
an Allow. §4.1/§4.2 the AccessDenied grammar. §4.8/§4.9 ValidationException texts.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import pytest

from bedrock_access.bedrock.assess import InvocationAssessment, assess
from bedrock_access.bedrock.caller import caller_from_arn
from bedrock_access.bedrock.checks import NETWORK_HOP_NOTE, VPCE_HOP_NOTE, Environment, Network
from bedrock_access.bedrock.invocation import Invocation
from bedrock_access.catalog import Catalog, load_catalog
from bedrock_access.iam.engine import Authorizer, OrgLevel, PolicySet
from bedrock_access.iam.model import Policy
from bedrock_access.iam.parse import parse_policy

ACCOUNT = "111122223333"
SESSION = f"arn:aws:sts::{ACCOUNT}:assumed-role/Developer/alice@example.com"
USER = f"arn:aws:iam::{ACCOUNT}:user/alice"
SONNET = "anthropic.claude-sonnet-4-6"
HAIKU = "anthropic.claude-haiku-4-5-20251001-v1:0"
US_SONNET = f"us.{SONNET}"
US_PROFILE = f"arn:aws:bedrock:us-east-1:{ACCOUNT}:inference-profile/{US_SONNET}"


def fm(region: str, model: str = SONNET) -> str:
    return f"arn:aws:bedrock:{region}::foundation-model/{model}"


def stmt(effect: str, action: str | list[str], resource: str | list[str], **extra: Any) -> dict[str, Any]:
    return {"Effect": effect, "Action": action, "Resource": resource, **extra}


def policy(name: str, *statements: dict[str, Any]) -> Policy:
    return parse_policy({"Version": "2012-10-17", "Statement": list(statements)}, name=name)


ALLOW_BEDROCK = policy("AllowBedrock", stmt("Allow", "bedrock:*", "*", Sid="All"))
FULL_ACCESS = policy("FullAWSAccess", stmt("Allow", "*", "*"))


def scps(*extra: Policy) -> tuple[OrgLevel, ...]:
    return (OrgLevel("r-root", (FULL_ACCESS, *extra)), OrgLevel(ACCOUNT, (FULL_ACCESS,)))


@pytest.fixture(scope="module")
def catalog() -> Catalog:
    return load_catalog()


def run(
    catalog: Catalog,
    model: str,
    region: str,
    policies: PolicySet,
    *,
    principal: str = SESSION,
    operation: str = "InvokeModel",
    auth: str = "sigv4",
    network: Network | None = None,
    apps: Mapping[str, str] | None = None,
) -> InvocationAssessment:
    env = Environment(
        caller=caller_from_arn(principal), network=network or Network(), application_profiles=apps or {}
    )
    invocation = Invocation("test", model, region, operation=operation, auth=auth)  # type: ignore[arg-type]
    return assess(invocation, env, catalog, Authorizer(policies))


def codes(result: InvocationAssessment) -> set[str]:
    return {f.code for f in result.findings}


def message(result: InvocationAssessment) -> str:
    assert result.predicted_error is not None
    return result.predicted_error.message


def head(
    action: str = "bedrock:InvokeModel", resource: str | None = US_PROFILE, principal: str = SESSION
) -> str:
    text = f"User: {principal} is not authorized to perform: {action}"
    return text + (f" on resource: {resource}" if resource else "")


# --- verdicts ----------------------------------------------------------------------------------------


def test_all_checks_allowed(catalog: Catalog) -> None:
    result = run(catalog, US_SONNET, "us-east-1", PolicySet(identity=(ALLOW_BEDROCK,)))
    assert result.verdict == "allowed"
    assert result.predicted_error is None and result.blocking is None
    assert result.authorized_regions == ("us-east-1", "us-east-2", "us-west-2")
    assert result.denied_regions == ()
    assert "partial-destination-deny" not in codes(result)


def test_one_denied_destination_denies_the_call(catalog: Catalog) -> None:
    # §2.0.5: "If any destination Region ... is blocked in your SCPs, the request will fail even if other
    # Regions remain allowed." §4.5: the message names the failing hop's resource.
    deny_ohio = policy(
        "DenyOhio",
        stmt(
            "Deny", "*", "*", Sid="NoOhio", Condition={"StringEquals": {"aws:RequestedRegion": "us-east-2"}}
        ),
    )
    result = run(
        catalog, US_SONNET, "us-east-1", PolicySet(identity=(ALLOW_BEDROCK,), scp_levels=scps(deny_ohio))
    )
    assert result.verdict == "denied"
    assert result.blocking is not None and result.blocking.check.resource == fm("us-east-2")
    assert result.authorized_regions == ("us-east-1", "us-west-2")
    assert result.denied_regions == ("us-east-2",)
    assert (
        message(result)
        == head(resource=fm("us-east-2")) + " with an explicit deny in a service control policy"
    )
    # §10.1: AWS says every candidate is authorized; reports describe intermittent failures. Both are told.
    assert "partial-destination-deny" in codes(result)


def test_no_partial_finding_when_every_destination_is_denied(catalog: Catalog) -> None:
    only_profile = policy("OnlyProfile", stmt("Allow", "bedrock:InvokeModel", US_PROFILE))
    result = run(catalog, US_SONNET, "us-east-1", PolicySet(identity=(only_profile,)))
    assert result.verdict == "denied"
    assert result.authorized_regions == ()
    assert result.denied_regions == ("us-east-1", "us-east-2", "us-west-2")
    assert "partial-destination-deny" not in codes(result)


def test_partial_finding_when_the_source_region_is_the_only_allowed_one(catalog: Catalog) -> None:
    tokyo_only = policy(
        "TokyoOnly",
        stmt(
            "Allow",
            "bedrock:InvokeModel",
            [f"arn:aws:bedrock:ap-northeast-1:{ACCOUNT}:*", fm("ap-northeast-1")],
        ),
    )
    result = run(catalog, f"jp.{SONNET}", "ap-northeast-1", PolicySet(identity=(tokyo_only,)))
    assert (result.authorized_regions, result.denied_regions) == (("ap-northeast-1",), ("ap-northeast-3",))
    assert "partial-destination-deny" in codes(result)


def test_blocking_is_the_first_failing_check_in_aws_order(catalog: Catalog) -> None:
    # §2.2 order: profile, then models. Allowing only the models leaves the profile hop first to fail,
    # as in the real S4 symptom "on resource: ...:inference-profile/global... because no identity-based
    # policy allows".
    models_only = policy(
        "ModelsOnly", stmt("Allow", "bedrock:InvokeModel", "arn:aws:bedrock:*::foundation-model/*")
    )
    result = run(catalog, US_SONNET, "us-east-1", PolicySet(identity=(models_only,)))
    assert result.blocking is not None and result.blocking.check.purpose == "inference-profile"
    # A denied profile check blocks the call wherever it would be served: no Region is authorized.
    assert result.authorized_regions == ()
    assert result.denied_regions == ("us-east-1", "us-east-2", "us-west-2")
    assert (
        message(result) == head() + " because no identity-based policy allows the bedrock:InvokeModel action"
    )


def test_explicit_deny_beats_every_allow(catalog: Catalog) -> None:
    # §8.1; message "with an explicit deny in an identity-based policy" (§4.2, §4.4).
    deny = policy(
        "DenyProfiles", stmt("Deny", "bedrock:InvokeModel", "arn:aws:bedrock:*:*:inference-profile/*")
    )
    result = run(catalog, US_SONNET, "us-east-1", PolicySet(identity=(ALLOW_BEDROCK, deny)))
    assert result.verdict == "denied"
    assert result.blocking is not None and result.blocking.decision.outcome == "ExplicitlyDenied"
    assert message(result) == head() + " with an explicit deny in an identity-based policy"


def test_several_denying_types_name_one(catalog: Catalog) -> None:
    # §4.2: "If multiple policy types deny an authorization request, AWS includes only one of those policy
    # types in the error message". The tool names the SCP (evaluation-flow order, bedrock/errors.py).
    deny = policy("DenyAll", stmt("Deny", "bedrock:*", "*"))
    result = run(
        catalog, US_SONNET, "us-east-1", PolicySet(identity=(ALLOW_BEDROCK, deny), scp_levels=scps(deny))
    )
    decisive = {d.type for d in result.blocking.decision.decisive}  # type: ignore[union-attr]
    assert decisive == {"scp", "identity"}
    assert message(result).endswith("with an explicit deny in a service control policy")


def test_scp_without_allow_is_named_for_an_implicit_deny(catalog: Catalog) -> None:
    # §4.2 "because no service control policy allows the ... action": an SCP level with no Allow.
    only_s3 = policy("OnlyS3", stmt("Allow", "s3:*", "*"))
    levels = (OrgLevel("r-root", (FULL_ACCESS,)), OrgLevel(ACCOUNT, (only_s3,)))
    result = run(catalog, US_SONNET, "us-east-1", PolicySet(identity=(ALLOW_BEDROCK,), scp_levels=levels))
    assert (
        message(result) == head() + " because no service control policy allows the bedrock:InvokeModel action"
    )


def test_scps_do_not_apply_to_the_management_account(catalog: Catalog) -> None:
    # §2.0.4: SCPs affect only member accounts.
    deny = policy("DenyAll", stmt("Deny", "*", "*"))
    policies = PolicySet(identity=(ALLOW_BEDROCK,), scp_levels=scps(deny), management_account=ACCOUNT)
    assert run(catalog, US_SONNET, "us-east-1", policies).verdict == "allowed"


@pytest.mark.parametrize(
    ("layer", "explicit_text", "implicit_text"),
    [
        (
            "boundary",
            "with an explicit deny in a permissions boundary",
            "because no permissions boundary allows",
        ),
        ("session", "with an explicit deny in a session policy", "because no session policy allows"),
        ("vpce", "with an explicit deny in a VPC endpoint policy", "because no VPC endpoint policy allows"),
    ],
)
def test_other_layers_in_messages(
    catalog: Catalog, layer: str, explicit_text: str, implicit_text: str
) -> None:
    # §4.2 documented forms; "session policy", not the guide's "sessions policy" (§10.9).
    deny = policy("Deny", stmt("Deny", "bedrock:*", "*"))
    other = policy("OnlyS3", stmt("Allow", "s3:*", "*"))
    network = Network(vpc_endpoint="vpce-0123456789abcdef0") if layer == "vpce" else None

    def with_layer(p: Policy) -> PolicySet:
        if layer == "boundary":
            return PolicySet(identity=(ALLOW_BEDROCK,), boundary=(p,))
        if layer == "session":
            return PolicySet(identity=(ALLOW_BEDROCK,), session=p)
        return PolicySet(identity=(ALLOW_BEDROCK,), vpc_endpoint=(p,))

    explicit = run(catalog, US_SONNET, "us-east-1", with_layer(deny), network=network)
    implicit = run(catalog, US_SONNET, "us-east-1", with_layer(other), network=network)
    assert message(explicit) == f"{head()} {explicit_text}"
    assert message(implicit) == f"{head()} {implicit_text} the bedrock:InvokeModel action"


def test_bearer_token_denial_has_no_resource(catalog: Catalog) -> None:
    # §6.4: CallWithBearerToken has no resource type; §4.2 shows the form without "on resource".
    deny = policy(
        "DenyLongTerm",
        stmt(
            "Deny",
            "bedrock:CallWithBearerToken",
            "*",
            Condition={"StringEquals": {"bedrock:BearerTokenType": "LONG_TERM"}},
        ),
    )
    policies = PolicySet(identity=(ALLOW_BEDROCK,), scp_levels=scps(deny))
    long_term = run(catalog, US_SONNET, "us-east-1", policies, principal=USER, auth="bearer-long-term")
    short_term = run(catalog, US_SONNET, "us-east-1", policies, principal=USER, auth="bearer-short-term")
    assert message(long_term) == (
        head("bedrock:CallWithBearerToken", None, USER) + " with an explicit deny in a service control policy"
    )
    assert short_term.verdict == "allowed"


def test_bearer_token_needs_an_allow(catalog: Catalog) -> None:
    # §6.5: AWS pairs its Deny example with an Allow on CallWithBearerToken; without one: implicit deny.
    invoke_only = policy("InvokeOnly", stmt("Allow", "bedrock:InvokeModel*", "*"))
    result = run(
        catalog, US_SONNET, "us-east-1", PolicySet(identity=(invoke_only,)), auth="bearer-short-term"
    )
    assert result.blocking is not None and result.blocking.check.purpose == "bearer-token"
    assert message(result) == (
        head("bedrock:CallWithBearerToken", None)
        + " because no identity-based policy allows the bedrock:CallWithBearerToken action"
    )


def test_global_hop_denied_finding(catalog: Catalog) -> None:
    # §2.3 / S2: a Region allow-list without "unspecified" denies only W3.
    region_list = policy(
        "Regions",
        stmt(
            "Deny",
            "*",
            "*",
            Condition={"StringNotEquals": {"aws:RequestedRegion": ["us-east-1", "us-west-2"]}},
        ),
    )
    denied = run(
        catalog,
        f"global.{SONNET}",
        "us-east-1",
        PolicySet(identity=(ALLOW_BEDROCK,), scp_levels=scps(region_list)),
    )
    assert denied.verdict == "denied"
    assert (denied.authorized_regions, denied.denied_regions) == (("us-east-1",), ("unspecified",))
    assert "global-hop-denied" in codes(denied)
    assert message(denied) == (
        head(resource=f"arn:aws:bedrock:::foundation-model/{SONNET}")
        + " with an explicit deny in a service control policy"
    )
    allowed = run(catalog, f"global.{SONNET}", "us-east-1", PolicySet(identity=(ALLOW_BEDROCK,)))
    assert allowed.verdict == "allowed" and "global-hop-denied" not in codes(allowed)


# --- invalid calls and the error chosen ----------------------------------------------------------------


def test_on_demand_not_supported_is_a_validation_error(catalog: Catalog) -> None:
    # §4.8 / S5 (typographic apostrophe as in client code and botocore output, see bedrock/errors.py).
    result = run(catalog, HAIKU, "us-east-1", PolicySet(identity=(ALLOW_BEDROCK,)), operation="Converse")
    assert result.verdict == "invalid"
    err = result.predicted_error
    assert err is not None and (err.error_code, err.http_status) == ("ValidationException", 400)
    assert err.message == (
        f"Invocation of model ID {HAIKU} with on-demand throughput isn\u2019t supported. "
        "Retry your request with the ID or ARN of an inference profile that contains this model."
    )
    assert (
        err.client_text
        == f"An error occurred (ValidationException) when calling the Converse operation: {err.message}"
    )


def test_invalid_identifier_wins_over_an_iam_denial(catalog: Catalog) -> None:
    # S6: "The provided model identifier is invalid." is what users report, whatever their IAM says; the
    # order of validation and authorization is undocumented (docs/bedrock-model.md), the tool puts the
    # identifier first.
    result = run(catalog, US_SONNET, "eu-central-1", PolicySet(identity=()))
    assert result.verdict == "invalid"
    assert not result.outcomes[0].allowed
    assert message(result) == "The provided model identifier is invalid."


def test_no_endpoint_is_a_connection_error(catalog: Catalog) -> None:
    # No bedrock-runtime host in cn-north-1: botocore's EndpointConnectionError names the URL, with the
    # modelId path label percent-encoded.
    model = f"arn:aws-cn:bedrock:cn-north-1::foundation-model/{SONNET}"
    principal = f"arn:aws-cn:iam::{ACCOUNT}:user/li"
    result = run(catalog, model, "cn-north-1", PolicySet(identity=(ALLOW_BEDROCK,)), principal=principal)
    err = result.predicted_error
    assert result.verdict == "invalid" and result.outcomes == ()
    assert err is not None and err.connection_error and err.error_code is None and err.http_status is None
    assert err.client_text == (
        'Could not connect to the endpoint URL: "https://bedrock-runtime.cn-north-1.amazonaws.com.cn/model/'
        f'arn%3Aaws-cn%3Abedrock%3Acn-north-1%3A%3Afoundation-model%2F{SONNET}/invoke"'
    )


def test_partition_mismatch_predicts_an_authentication_error(catalog: Catalog) -> None:
    principal = f"arn:aws-us-gov:iam::{ACCOUNT}:user/gov"
    result = run(catalog, SONNET, "eu-west-2", PolicySet(identity=(ALLOW_BEDROCK,)), principal=principal)
    assert result.verdict == "invalid"
    err = result.predicted_error
    assert err is not None and err.http_status == 403
    assert "security token" in err.message


def test_target_models_report_their_region(catalog: Catalog) -> None:
    arn = f"arn:aws:bedrock:us-east-1:{ACCOUNT}:provisioned-model/abc123def456"
    result = run(catalog, arn, "us-east-1", PolicySet(identity=(ALLOW_BEDROCK,)))
    assert result.verdict == "allowed"
    assert result.authorized_regions == ("us-east-1",)


# --- uncertainty notes kept only where they matter ---------------------------------------------------


def test_network_note_only_when_a_policy_reads_network_keys(catalog: Catalog) -> None:
    net = Network(source_ip="203.0.113.7")
    plain = run(catalog, US_SONNET, "us-east-1", PolicySet(identity=(ALLOW_BEDROCK,)), network=net)
    assert all(NETWORK_HOP_NOTE not in o.check.notes for o in plain.outcomes)
    ip_rule = policy(
        "IpRule", stmt("Deny", "*", "*", Condition={"NotIpAddress": {"aws:SourceIp": "203.0.113.0/24"}})
    )
    reading = run(catalog, US_SONNET, "us-east-1", PolicySet(identity=(ALLOW_BEDROCK, ip_rule)), network=net)
    assert reading.verdict == "allowed"
    noted = [o.check.region for o in reading.outcomes if NETWORK_HOP_NOTE in o.check.notes]
    assert noted == ["us-east-2", "us-west-2"]  # §5.4: the cross-Region hops only


def test_endpoint_note_only_with_an_endpoint_policy(catalog: Catalog) -> None:
    net = Network(vpc_endpoint="vpce-0123456789abcdef0")
    without = run(catalog, US_SONNET, "us-east-1", PolicySet(identity=(ALLOW_BEDROCK,)), network=net)
    assert all(VPCE_HOP_NOTE not in o.check.notes for o in without.outcomes)
    endpoint = PolicySet(identity=(ALLOW_BEDROCK,), vpc_endpoint=(FULL_ACCESS,))
    with_policy = run(catalog, US_SONNET, "us-east-1", endpoint, network=net)
    assert [o.check.region for o in with_policy.outcomes if VPCE_HOP_NOTE in o.check.notes] == [
        "us-east-2",
        "us-west-2",
    ]


def test_json_names_the_boundary_with_the_engine_type_name(catalog: Catalog) -> None:
    """check's decided_by uses the engine's (and simulate's) type names, where the boundary is "pb";
    docs/errors.md says so."""
    from bedrock_access.report.check_json import invocation_json

    only_s3 = policy("Boundary", stmt("Allow", "s3:*", "*"))
    result = run(catalog, US_SONNET, "us-east-1", PolicySet(identity=(ALLOW_BEDROCK,), boundary=(only_s3,)))
    first = invocation_json(result)["checks"][0]
    assert first["decided_by"][0]["type"] == "pb"
    assert first["decided_by"][0]["effect"] == "NoApplicableAllow"
