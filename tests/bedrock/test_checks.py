"""The fan-out of one invocation into AWS's authorization checks, per kind of model identifier.

Each rule cites shared/domain/bedrock-authorization.md ("§n"). Destination lists come from the catalog
(its routing data, §2.0.7), never from the prefix.
"""

from __future__ import annotations

from collections.abc import Mapping

import pytest

from bedrock_access.bedrock.caller import caller_from_arn
from bedrock_access.bedrock.checks import (
    APP_PROFILE_NOTE,
    COUNT_TOKENS_NOTE,
    NETWORK_HOP_NOTE,
    VPCE_HOP_NOTE,
    Environment,
    Expansion,
    Network,
    expand,
)
from bedrock_access.bedrock.invocation import Invocation
from bedrock_access.catalog import Catalog, load_catalog

ACCOUNT = "111122223333"
USER = f"arn:aws:iam::{ACCOUNT}:user/alice"
SESSION = f"arn:aws:sts::{ACCOUNT}:assumed-role/Developer/alice@example.com"
SONNET = "anthropic.claude-sonnet-4-6"
HAIKU = "anthropic.claude-haiku-4-5-20251001-v1:0"
APP = f"arn:aws:bedrock:us-east-1:{ACCOUNT}:application-inference-profile/k3x9q4w7zt2h"


@pytest.fixture(scope="module")
def catalog() -> Catalog:
    return load_catalog()


def fm(region: str, model: str, partition: str = "aws") -> str:
    return f"arn:{partition}:bedrock:{region}::foundation-model/{model}"  # §2.0.1: empty account


def profile(region: str, profile_id: str, partition: str = "aws") -> str:
    return f"arn:{partition}:bedrock:{region}:{ACCOUNT}:inference-profile/{profile_id}"  # §2.0.1


def run(
    catalog: Catalog,
    model: str,
    region: str,
    *,
    principal: str = USER,
    operation: str = "InvokeModel",
    auth: str = "sigv4",
    network: Network | None = None,
    apps: Mapping[str, str] | None = None,
    org_id: str | None = None,
    context: Mapping[str, str] | None = None,
) -> Expansion:
    env = Environment(
        caller=caller_from_arn(principal, org_id=org_id),
        network=network or Network(),
        extra_context=context or {},
        application_profiles=apps or {},
    )
    invocation = Invocation("test", model, region, operation=operation, auth=auth)  # type: ignore[arg-type]
    return expand(invocation, env, catalog)


def rows(expansion: Expansion) -> list[tuple[str, str, str, str | None]]:
    return [(c.purpose, c.resource, c.requested_region, c.inference_profile_arn) for c in expansion.checks]


def codes(expansion: Expansion) -> set[str]:
    return {f.code for f in expansion.findings}


# --- §1: the action ----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("operation", "action"),
    [
        ("InvokeModel", "bedrock:InvokeModel"),  # §1.1
        ("Converse", "bedrock:InvokeModel"),  # §1.1: no bedrock:Converse action (§1.3)
        ("InvokeModelWithResponseStream", "bedrock:InvokeModelWithResponseStream"),  # §1.2
        ("ConverseStream", "bedrock:InvokeModelWithResponseStream"),  # §1.2
        ("CountTokens", "bedrock:CountTokens"),  # §1.4
    ],
)
def test_every_check_uses_the_operations_action(catalog: Catalog, operation: str, action: str) -> None:
    expansion = run(catalog, f"us.{SONNET}", "us-east-1", operation=operation)
    assert expansion.action == action
    assert {c.action for c in expansion.checks} == {action}


def test_count_tokens_on_a_profile_is_marked_uncertain(catalog: Catalog) -> None:
    # §1.4/§10.14: SAR lists CountTokens on foundation-model only; profile hops are an assumption.
    expansion = run(catalog, f"us.{SONNET}", "us-east-1", operation="CountTokens")
    assert all(COUNT_TOKENS_NOTE in c.notes for c in expansion.checks)
    direct = run(catalog, SONNET, "eu-west-2", operation="CountTokens")
    assert all(COUNT_TOKENS_NOTE not in c.notes for c in direct.checks)


# --- §2.1 / §2.6: a foundation model -------------------------------------------------------------------


def test_base_model_id_is_one_check_in_the_source_region(catalog: Catalog) -> None:
    # §2.1 A1: FM in SR, aws:RequestedRegion = SR, no bedrock:InferenceProfileArn. Sonnet 4.6 is on
    # demand in eu-west-2 (catalog), so nothing else is reported.
    expansion = run(catalog, SONNET, "eu-west-2")
    assert rows(expansion) == [("source-model", fm("eu-west-2", SONNET), "eu-west-2", None)]
    ctx = expansion.checks[0].context
    assert ctx["aws:RequestedRegion"] == "eu-west-2"
    assert "bedrock:InferenceProfileArn" not in ctx  # §2.7.3: absent on direct FM calls
    assert expansion.destinations == ("eu-west-2",)
    assert expansion.findings == ()


def test_foundation_model_arn_is_authorized_like_its_id(catalog: Catalog) -> None:
    # §2.6: resource = that FM ARN, RequestedRegion = SR.
    arn = fm("eu-west-2", SONNET)
    expansion = run(catalog, arn, "eu-west-2")
    assert rows(expansion) == [("source-model", arn, "eu-west-2", None)]
    assert expansion.identifier is not None and expansion.identifier.kind == "foundation-model"


def test_foundation_model_arn_of_another_region_is_flagged(catalog: Catalog) -> None:
    # §10.7: undocumented; the tool refuses to predict success for it.
    expansion = run(catalog, fm("us-west-2", SONNET), "eu-west-2")
    assert "arn-region-mismatch" in codes(expansion)


def test_profile_only_model_by_bare_id(catalog: Catalog) -> None:
    # §4.8 / S5: Haiku 4.5 runs only through inference profiles; the hint names the ones offered from SR.
    expansion = run(catalog, HAIKU, "us-east-1")
    [finding] = [f for f in expansion.findings if f.code == "on-demand-not-supported"]
    assert finding.hint is not None and f"us.{HAIKU}" in finding.hint and f"global.{HAIKU}" in finding.hint
    assert rows(expansion) == [("source-model", fm("us-east-1", HAIKU), "us-east-1", None)]


def test_legacy_model_is_warned(catalog: Catalog) -> None:
    # S20: legacy models are refused to accounts that have not used them recently (not an IAM matter).
    legacy = next(m for m in catalog.models.values() if m.status == "legacy" and m.in_region_on_demand)
    expansion = run(catalog, legacy.model_id, legacy.in_region_on_demand[0])
    assert "legacy-model" in codes(expansion)


# --- §2.2: geographic profiles --------------------------------------------------------------------------


def test_geographic_profile_id(catalog: Catalog) -> None:
    # §2.2: G1 profile in SR without bedrock:InferenceProfileArn; G2 FM in SR and G3..n FM in every
    # destination, each with aws:RequestedRegion = its Region and the profile ARN (source Region, caller's
    # account) as bedrock:InferenceProfileArn. SR is itself a destination: checked once.
    profile_id = f"us.{SONNET}"
    arn = profile("us-east-1", profile_id)
    destinations = catalog.profile(profile_id).destinations("us-east-1")  # type: ignore[union-attr]
    assert destinations is not None and "us-east-1" in destinations
    expansion = run(catalog, profile_id, "us-east-1")
    expected = [
        ("inference-profile", arn, "us-east-1", None),
        ("source-model", fm("us-east-1", SONNET), "us-east-1", arn),
    ]
    expected += [("destination-model", fm(r, SONNET), r, arn) for r in destinations if r != "us-east-1"]
    assert rows(expansion) == expected
    assert expansion.destinations == destinations
    for check in expansion.checks:
        assert check.context["aws:RequestedRegion"] == check.region
        if check.inference_profile_arn is None:
            assert "bedrock:InferenceProfileArn" not in check.context
        else:
            assert check.context["bedrock:InferenceProfileArn"] == arn


def test_geographic_profile_arn_checks_that_arn(catalog: Catalog) -> None:
    # §2.6 last sentence: an inference-profile ARN as modelId = its id.
    profile_id = f"us.{SONNET}"
    arn = profile("us-east-1", profile_id)
    by_arn = run(catalog, arn, "us-east-1")
    by_id = run(catalog, profile_id, "us-east-1")
    assert rows(by_arn) == rows(by_id)
    assert by_arn.checks[0].resource == arn


def test_destinations_depend_on_the_source_region(catalog: Catalog) -> None:
    # §2.0.7: us.anthropic.claude-3-haiku from us-east-2 -> us-east-1, us-east-2, us-west-2; from us-west-2
    # -> only us-east-1 and us-west-2.
    profile_id = "us.anthropic.claude-3-haiku-20240307-v1:0"
    model = "anthropic.claude-3-haiku-20240307-v1:0"
    from_ohio = run(catalog, profile_id, "us-east-2")
    from_oregon = run(catalog, profile_id, "us-west-2")
    assert {c.region for c in from_ohio.checks if "model" in c.purpose} == {
        "us-east-1",
        "us-east-2",
        "us-west-2",
    }
    assert {c.region for c in from_oregon.checks if "model" in c.purpose} == {"us-east-1", "us-west-2"}
    assert fm("us-east-2", model) not in {c.resource for c in from_oregon.checks}


def test_jp_profile_checks_osaka(catalog: Catalog) -> None:
    # §2.2 notes: the real error names arn:aws:bedrock:ap-northeast-3::foundation-model/... for jp. from
    # ap-northeast-1, so the Osaka FM is a check.
    expansion = run(catalog, f"jp.{SONNET}", "ap-northeast-1")
    assert ("destination-model", fm("ap-northeast-3", SONNET), "ap-northeast-3") in [
        r[:3] for r in rows(expansion)
    ]


def test_govcloud_profile_uses_the_partition(catalog: Catalog) -> None:
    # §2.2 notes: us-gov. profiles, ARNs in partition aws-us-gov; routing from a doc copy is flagged.
    principal = f"arn:aws-us-gov:iam::{ACCOUNT}:user/gov"
    profile_id = "us-gov.anthropic.claude-3-5-sonnet-20240620-v1:0"
    model = "anthropic.claude-3-5-sonnet-20240620-v1:0"
    expansion = run(catalog, profile_id, "us-gov-east-1", principal=principal)
    arn = profile("us-gov-east-1", profile_id, "aws-us-gov")
    assert rows(expansion) == [
        ("inference-profile", arn, "us-gov-east-1", None),
        ("source-model", fm("us-gov-east-1", model, "aws-us-gov"), "us-gov-east-1", arn),
        ("destination-model", fm("us-gov-west-1", model, "aws-us-gov"), "us-gov-west-1", arn),
    ]
    assert "profile-uncertain" in codes(expansion)


def test_geographic_profile_outside_its_source_regions(catalog: Catalog) -> None:
    # S6 / §4.9: us. is not offered from eu-central-1: only the profile check is known, nothing routes.
    expansion = run(catalog, f"us.{SONNET}", "eu-central-1")
    assert [c.purpose for c in expansion.checks] == ["inference-profile"]
    assert expansion.destinations == ()
    assert {"profile-not-offered-in-region", "prefix-geography-mismatch"} <= codes(expansion)


# --- §2.3: global profiles -------------------------------------------------------------------------------


def test_global_profile_is_three_checks(catalog: Catalog) -> None:
    # §2.3: W1 profile in SR (no InferenceProfileArn, §10.6), W2 FM in SR, W3 the Region-less, account-less
    # FM ARN with aws:RequestedRegion "unspecified" (§10.2); no per-destination FM checks.
    profile_id = f"global.{SONNET}"
    arn = profile("eu-west-3", profile_id)
    expansion = run(catalog, profile_id, "eu-west-3")
    assert rows(expansion) == [
        ("inference-profile", arn, "eu-west-3", None),
        ("source-model", fm("eu-west-3", SONNET), "eu-west-3", arn),
        ("global-model", f"arn:aws:bedrock:::foundation-model/{SONNET}", "unspecified", arn),
    ]
    assert expansion.checks[2].context["aws:RequestedRegion"] == "unspecified"
    assert expansion.destinations == ("unspecified",)
    assert "profile-uncertain" in codes(expansion)  # the destination list is inferred


# --- §2.4: application inference profiles -------------------------------------------------------------


def test_application_profile_copied_from_a_model(catalog: Catalog) -> None:
    # §2.4: AP1 on the application profile (no InferenceProfileArn), then the FM in SR with
    # bedrock:InferenceProfileArn = the application profile ARN (§10.4: modelled, marked uncertain).
    expansion = run(catalog, APP, "us-east-1", apps={APP: HAIKU})
    assert rows(expansion) == [
        ("application-profile", APP, "us-east-1", None),
        ("source-model", fm("us-east-1", HAIKU), "us-east-1", APP),
    ]
    assert APP_PROFILE_NOTE in expansion.checks[1].notes
    assert APP_PROFILE_NOTE not in expansion.checks[0].notes


@pytest.mark.parametrize("source", [f"us.{SONNET}", profile("us-east-1", f"us.{SONNET}")])
def test_application_profile_copied_from_a_geographic_profile(catalog: Catalog, source: str) -> None:
    # §2.4: FM in each of the copied profile's Regions (from SR), InferenceProfileArn = the AIP ARN.
    destinations = catalog.profile(f"us.{SONNET}").destinations("us-east-1")  # type: ignore[union-attr]
    assert destinations is not None
    expansion = run(catalog, APP, "us-east-1", apps={APP: source})
    assert rows(expansion)[0] == ("application-profile", APP, "us-east-1", None)
    assert {(r[1], r[2], r[3]) for r in rows(expansion)[1:]} == {
        (fm(d, SONNET), d, APP) for d in destinations
    }
    assert expansion.destinations == destinations


def test_application_profile_copied_from_a_global_profile(catalog: Catalog) -> None:
    # §2.4: "or arn:aws:bedrock:::foundation-model/MODEL for a global source", RequestedRegion unspecified.
    expansion = run(catalog, APP, "us-east-1", apps={APP: f"global.{SONNET}"})
    assert rows(expansion) == [
        ("application-profile", APP, "us-east-1", None),
        ("source-model", fm("us-east-1", SONNET), "us-east-1", APP),
        ("global-model", fm("", SONNET), "unspecified", APP),
    ]


def test_application_profile_without_its_source(catalog: Catalog) -> None:
    expansion = run(catalog, APP, "us-east-1")
    assert rows(expansion) == [("application-profile", APP, "us-east-1", None)]
    assert "application-profile-source-unknown" in codes(expansion)


# --- §2.5: provisioned, custom-deployment, imported -----------------------------------------------------


@pytest.mark.parametrize("kind", ["provisioned-model", "custom-model-deployment", "imported-model"])
def test_account_model_resources_are_one_check(catalog: Catalog, kind: str) -> None:
    # §2.5: PT1 = InvokeModel* on the provisioned-model ARN; same for deployments and imported models.
    arn = f"arn:aws:bedrock:us-east-1:{ACCOUNT}:{kind}/abc123def456"
    expansion = run(catalog, arn, "us-east-1")
    assert rows(expansion) == [("target", arn, "us-east-1", None)]
    assert expansion.identifier is not None and expansion.identifier.kind == kind
    assert "unmodelled-target" not in codes(expansion)


def test_custom_model_arn_is_flagged_unmodelled(catalog: Catalog) -> None:
    # §2.5: a custom model is invoked through its deployment or provisioned ARN; the bare custom-model ARN
    # is accepted by the regex but its checks are not documented.
    arn = f"arn:aws:bedrock:us-east-1:{ACCOUNT}:custom-model/abc123def456"
    expansion = run(catalog, arn, "us-east-1")
    assert rows(expansion) == [("target", arn, "us-east-1", None)]
    assert "unmodelled-target" in codes(expansion)


# --- §6: bearer tokens -------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("auth", "token_type"), [("bearer-short-term", "SHORT_TERM"), ("bearer-long-term", "LONG_TERM")]
)
def test_bearer_token_adds_call_with_bearer_token_first(catalog: Catalog, auth: str, token_type: str) -> None:
    # §6.4/§6.5: bedrock:CallWithBearerToken on "*" with bedrock:BearerTokenType, then the §2 checks as is.
    with_key = run(catalog, f"us.{SONNET}", "us-east-1", auth=auth)
    sigv4 = run(catalog, f"us.{SONNET}", "us-east-1")
    first = with_key.checks[0]
    assert (first.purpose, first.action, first.resource) == (
        "bearer-token",
        "bedrock:CallWithBearerToken",
        "*",
    )
    assert first.context["bedrock:BearerTokenType"] == token_type
    assert first.context["aws:RequestedRegion"] == "us-east-1"
    assert rows(with_key)[1:] == rows(sigv4)
    # The key is a condition of CallWithBearerToken only (§6.4; not in InvokeModel's keys, §2.7.1).
    assert all("bedrock:BearerTokenType" not in c.context for c in with_key.checks[1:])


# --- §2.7.2 / §5: request context ---------------------------------------------------------------------


def test_direct_call_carries_source_ip_and_no_vpc_keys(catalog: Catalog) -> None:
    # §5.1: aws:SourceIp present on direct calls; VPC keys only through an endpoint (§5.2).
    expansion = run(catalog, f"us.{SONNET}", "us-east-1", network=Network(source_ip="203.0.113.7"))
    for check in expansion.checks:
        assert check.context["aws:SourceIp"] == "203.0.113.7"
        assert not {"aws:SourceVpce", "aws:VpcSourceIp", "aws:SourceVpc"} & set(check.context)


def test_vpc_endpoint_call_carries_vpc_keys_and_no_source_ip(catalog: Catalog) -> None:
    # §5.1: "except when the requester uses a VPC endpoint"; §5.2: aws:VpcSourceIp, aws:SourceVpce,
    # aws:SourceVpc only via an endpoint. §5.4: the same context is assumed on every hop.
    net = Network(vpc_endpoint="vpce-0123456789abcdef0", vpc_source_ip="10.1.2.3", vpc="vpc-0a1b2c3d")
    expansion = run(catalog, f"global.{SONNET}", "us-east-1", network=net)
    for check in expansion.checks:
        assert "aws:SourceIp" not in check.context
        assert check.context["aws:SourceVpce"] == "vpce-0123456789abcdef0"
        assert check.context["aws:VpcSourceIp"] == "10.1.2.3"
        assert check.context["aws:SourceVpc"] == "vpc-0a1b2c3d"


def test_no_network_given_means_no_network_keys(catalog: Catalog) -> None:
    expansion = run(catalog, f"us.{SONNET}", "us-east-1")
    keys = set(expansion.checks[0].context)
    assert not {"aws:SourceIp", "aws:SourceVpce", "aws:VpcSourceIp", "aws:SourceVpc"} & keys
    assert all(c.notes == () for c in expansion.checks)


@pytest.mark.parametrize(
    "network",
    [
        Network(source_ip="203.0.113.7"),
        Network(vpc_endpoint="vpce-0123456789abcdef0", vpc_source_ip="10.1.2.3"),
    ],
)
def test_cross_region_hops_are_marked_uncertain(catalog: Catalog, network: Network) -> None:
    # §5.4 / §10.3: undocumented which network keys (and whether the endpoint policy) apply to hops outside
    # SR; the tool says so on those hops only (the Region-less global hop included).
    for model in (f"us.{SONNET}", f"global.{SONNET}"):
        expansion = run(catalog, model, "us-east-1", network=network)
        for check in expansion.checks:
            away = check.region != "us-east-1"
            assert (NETWORK_HOP_NOTE in check.notes) == away, check.hop
            assert (VPCE_HOP_NOTE in check.notes) == (away and network.through_endpoint), check.hop


def test_via_aws_service_is_false_on_every_hop(catalog: Catalog) -> None:
    # §2.7.2/§5.3: aws:ViaAWSService is always present and false for direct calls; §5.4 models the hops
    # as part of the same request, not as forward access sessions.
    expansion = run(catalog, f"us.{SONNET}", "us-east-1", network=Network(source_ip="203.0.113.7"))
    for check in expansion.checks:
        assert check.context["aws:ViaAWSService"] == "false"
        assert check.context["aws:PrincipalIsAWSService"] == "false"
        assert not any(k.startswith("aws:CalledVia") for k in check.context)  # FAS only (§2.7.2)


def test_principal_keys_for_a_user(catalog: Catalog) -> None:
    # §2.7.2: aws:PrincipalArn etc. always present.
    ctx = run(catalog, SONNET, "eu-west-2", org_id="o-abc123def4").checks[0].context
    assert ctx["aws:PrincipalArn"] == USER
    assert ctx["aws:PrincipalAccount"] == ACCOUNT
    assert ctx["aws:PrincipalType"] == "User"
    assert ctx["aws:username"] == "alice"
    assert ctx["aws:PrincipalOrgID"] == "o-abc123def4"


def test_principal_keys_for_a_role_session(catalog: Catalog) -> None:
    # For a role session aws:PrincipalArn is the role's ARN, not the session's; there is no aws:username.
    ctx = run(catalog, SONNET, "eu-west-2", principal=SESSION).checks[0].context
    assert ctx["aws:PrincipalArn"] == f"arn:aws:iam::{ACCOUNT}:role/Developer"
    assert ctx["aws:PrincipalType"] == "AssumedRole"
    assert "aws:username" not in ctx
    assert "aws:PrincipalOrgID" not in ctx  # only when the scenario names the organization


def test_scenario_context_is_added_to_every_check(catalog: Catalog) -> None:
    expansion = run(catalog, f"us.{SONNET}", "us-east-1", context={"aws:PrincipalTag/team": "ml"})
    assert all(c.context["aws:PrincipalTag/team"] == "ml" for c in expansion.checks)


# --- Regions without Bedrock, partitions --------------------------------------------------------------


def test_china_region_has_no_checks(catalog: Catalog) -> None:
    # Catalog: neither China Region has Bedrock; the client cannot connect, so no authorization happens.
    expansion = run(catalog, SONNET, "cn-north-1", principal=f"arn:aws-cn:iam::{ACCOUNT}:user/li")
    assert expansion.checks == ()
    assert codes(expansion) == {"no-bedrock-in-region"}


def test_credentials_of_another_partition_are_flagged(catalog: Catalog) -> None:
    expansion = run(catalog, SONNET, "eu-west-2", principal=f"arn:aws-us-gov:iam::{ACCOUNT}:user/gov")
    assert "partition-mismatch" in codes(expansion)
