"""The generators and helpers on their own: patches, grants, size limits, diffs, client candidates."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path

from bedrock_access.bedrock.checks import AuthorizationCheck, Network
from bedrock_access.bedrock.invocation import Invocation
from bedrock_access.catalog import Catalog
from bedrock_access.fix import FixOptions, FixReport, propose_fixes
from bedrock_access.fix.client import client_settings, model_candidates
from bedrock_access.fix.controltower import control_document
from bedrock_access.fix.diff import unified_diff
from bedrock_access.fix.documents import minified_size, statements, unique_sid
from bedrock_access.fix.grants import grant_statements
from bedrock_access.fix.network import ip_guard
from bedrock_access.fix.region import Patch, Refusal, approve_regions, exempt_profiles, profile_patterns
from bedrock_access.fix.resources import extend_allow_list
from bedrock_access.scenario import parse_scenario

PROFILE = "arn:aws:bedrock:us-east-1:111122223333:inference-profile/us.anthropic.claude-sonnet-4-6"
GLOBAL = "arn:aws:bedrock:us-east-1:111122223333:inference-profile/global.anthropic.claude-sonnet-4-6"
ACTION = "bedrock:InvokeModel"


def check(
    resource: str, region: str, profile: str | None, purpose: str = "destination-model"
) -> AuthorizationCheck:
    return AuthorizationCheck(
        purpose=purpose,  # type: ignore[arg-type]
        hop=f"model in {region}",
        action=ACTION,
        resource=resource,
        requested_region=region,
        inference_profile_arn=profile,
        region=region,
        context={"aws:RequestedRegion": region},
    )


def fm(region: str, model: str = "anthropic.claude-sonnet-4-6") -> str:
    return f"arn:aws:bedrock:{region}::foundation-model/{model}"


REGION_DENY = {
    "Version": "2012-10-17",
    "Statement": [
        {
            "Sid": "DenyOutside",
            "Effect": "Deny",
            "NotAction": ["iam:*"],
            "Resource": "*",
            "Condition": {"StringNotEquals": {"aws:RequestedRegion": ["us-east-1"]}},
        }
    ],
}


def test_profile_patterns_by_scope() -> None:
    checks = [check(fm("us-east-2"), "us-east-2", PROFILE), check(fm(""), "unspecified", GLOBAL)]
    assert profile_patterns(checks, "*") == (
        ("arn:aws:bedrock:*:*:inference-profile/us.*",),
        ("arn:aws:bedrock:*:*:inference-profile/global.*",),
    )
    assert profile_patterns(checks, "111122223333", exact=True) == ((PROFILE,), (GLOBAL,))


def test_exemption_refuses_a_check_without_profile() -> None:
    result = exempt_profiles(REGION_DENY, 0, [check(fm("us-east-2"), "us-east-2", None)], account="*")
    assert isinstance(result, Refusal)
    assert "no bedrock:InferenceProfileArn" in result.reason


def test_exemption_inline_form() -> None:
    result = exempt_profiles(
        REGION_DENY, 0, [check(fm("us-east-2"), "us-east-2", PROFILE)], account="*", split=False
    )
    assert isinstance(result, Patch)
    (stmt,) = statements(result.document)
    assert stmt["NotAction"] == ["iam:*"]
    assert stmt["Condition"]["ArnNotLike"] == {
        "bedrock:InferenceProfileArn": "arn:aws:bedrock:*:*:inference-profile/us.*"
    }


def test_approve_regions_allow_list_and_deny_list() -> None:
    checks = [check(fm("us-east-2"), "us-east-2", PROFILE)]
    patch = approve_regions(REGION_DENY, 0, checks)
    assert isinstance(patch, Patch)
    assert statements(patch.document)[0]["Condition"]["StringNotEquals"]["aws:RequestedRegion"] == [
        "us-east-1",
        "us-east-2",
    ]
    deny_list = json.loads(
        json.dumps(REGION_DENY).replace("StringNotEquals", "StringEquals").replace("us-east-1", "us-east-2")
    )
    patch = approve_regions(deny_list, 0, checks)
    assert isinstance(patch, Refusal)  # it would deny no Region at all
    assert isinstance(
        approve_regions(REGION_DENY, 0, [check(fm(""), "unspecified", GLOBAL)], governed=True), Refusal
    )


def test_grant_levels_compact() -> None:
    checks = [check(fm(r), r, PROFILE) for r in ("us-east-1", "us-east-2", "us-west-2")]
    checks.append(check(PROFILE, "us-east-1", None, purpose="inference-profile"))
    exact = grant_statements(checks)
    assert len(exact.statements) == 2 and not exact.compaction
    assert exact.statements[0]["Resource"] == PROFILE
    wild = grant_statements(checks, level=2)
    assert wild.statements[1]["Resource"] == fm("*")
    assert wild.compaction
    assert minified_size({"Statement": list(wild.statements)}) < minified_size(
        {"Statement": list(exact.statements)}
    )


def test_grant_for_vpc_endpoint_names_principal() -> None:
    grant = grant_statements(
        [check(fm("us-east-2"), "us-east-2", PROFILE)], principal="arn:aws:iam::1:role/R"
    )
    assert grant.statements[0]["Principal"] == {"AWS": "arn:aws:iam::1:role/R"}


def test_ip_guard_without_cidr_admits_the_address_only() -> None:
    doc = {
        "Version": "2012-10-17",
        "Statement": [
            {
                "Effect": "Deny",
                "Action": "*",
                "Resource": "*",
                "Condition": {"NotIpAddress": {"aws:SourceIp": "203.0.113.0/24"}},
            }
        ],
    }
    patch = ip_guard(doc, 0, Network(source_ip="192.0.2.9"))
    assert isinstance(patch, Patch)
    cond = statements(patch.document)[0]["Condition"]
    assert cond["NotIpAddress"]["aws:SourceIp"] == ["203.0.113.0/24", "192.0.2.9/32"]
    assert cond["Bool"] == {"aws:ViaAWSService": "false"}  # added, and said so
    assert any("ViaAWSService" in line for line in patch.explanation)
    assert isinstance(ip_guard(doc, 0, Network()), Refusal)


def test_allow_list_refuses_unapproved_model() -> None:
    doc = {
        "Version": "2012-10-17",
        "Statement": [
            {"Effect": "Deny", "Action": "bedrock:*", "NotResource": [fm("*", "amazon.nova-pro-v1:0")]}
        ],
    }
    result = extend_allow_list(
        doc, 0, [check(PROFILE, "us-east-1", None, "inference-profile")], account="*", app_profiles={}
    )
    assert isinstance(result, Refusal)
    assert "not on the allow-list" in result.reason


def test_control_document_shape() -> None:
    doc = control_document(["iam:*"], ["us-east-1"], [ACTION])
    (stmt,) = statements(doc)
    assert stmt["NotAction"] == [ACTION, "iam:*"]
    assert stmt["Condition"]["StringNotEquals"] == {"aws:RequestedRegion": ["us-east-1"]}
    assert "arn:*:iam::*:role/AWSControlTowerExecution" in stmt["Condition"]["ArnNotLike"]["aws:PrincipalARN"]


def test_unique_sid_and_diff() -> None:
    assert unique_sid("Bedrock-Access.Fix", {"BedrockAccessFix"}) == "BedrockAccessFix2"
    diff = unified_diff(None, "{\n}", "x.json")
    assert diff.startswith("--- /dev/null\n+++ b/x.json")


def test_model_candidates_rank_home_geography_first(catalog: Catalog) -> None:
    inv = Invocation("x", "us.anthropic.claude-sonnet-4-6", "eu-central-1")
    assert model_candidates(inv, catalog, {}) == [
        "eu.anthropic.claude-sonnet-4-6",
        "global.anthropic.claude-sonnet-4-6",
    ]
    assert model_candidates(Invocation("x", "anthropic.claude-sonnet-4-6", "cn-north-1"), catalog, {}) == []


def test_client_settings_env_block() -> None:
    settings = client_settings(
        [
            Invocation("a", "us.anthropic.claude-sonnet-4-6", "us-east-1", role="main"),
            Invocation("b", "us.anthropic.claude-haiku-4-5-20251001-v1:0", "us-east-1", role="background"),
        ],
        unset_api_key=True,
    )
    assert settings["claude_code"]["env"] == {
        "CLAUDE_CODE_USE_BEDROCK": "1",
        "AWS_REGION": "us-east-1",
        "ANTHROPIC_MODEL": "us.anthropic.claude-sonnet-4-6",
        "ANTHROPIC_DEFAULT_HAIKU_MODEL": "us.anthropic.claude-haiku-4-5-20251001-v1:0",
    }
    assert settings["unset"] == ["AWS_BEARER_TOKEN_BEDROCK"]


def _big_scp_scenario(padding: int) -> str:
    not_actions = [f"service{i:03d}:*" for i in range(padding)]
    doc = {
        "Version": "2012-10-17",
        "Statement": [
            {
                "Sid": "DenyOutside",
                "Effect": "Deny",
                "NotAction": not_actions,
                "Resource": "*",
                "Condition": {"StringNotEquals": {"aws:RequestedRegion": ["us-east-1", "us-west-2"]}},
            }
        ],
    }
    return f"""
principal: arn:aws:sts::111122223333:assumed-role/Dev/x
identity_policies:
  - name: Invoke
    document: {{"Version": "2012-10-17", "Statement": [{{"Effect": "Allow", "Action": "bedrock:InvokeModel",
      "Resource": ["arn:aws:bedrock:*:111122223333:inference-profile/*", "arn:aws:bedrock:*::foundation-model/*"]}}]}}
organization:
  scps:
    - target: r-0001
      policies:
        - name: FullAWSAccess
          document: {{"Version": "2012-10-17", "Statement": [{{"Effect": "Allow", "Action": "*", "Resource": "*"}}]}}
        - name: BigRegionDeny
          document: {json.dumps(doc)}
invocations:
  - {{label: main, model: us.anthropic.claude-sonnet-4-6, region: us-east-1, operation: InvokeModel}}
"""


def _fix_text(text: str, catalog: Catalog, options: FixOptions) -> FixReport:
    return propose_fixes(parse_scenario(text, source="<test>"), catalog, options)


def test_scp_near_the_limit_keeps_the_exemption_inline(catalog: Catalog, options: FixOptions) -> None:
    report = _fix_text(_big_scp_scenario(320), catalog, options)
    best = report.alternatives[0]
    assert best.status == "proven"
    (change,) = best.changes
    assert change.within_limit and change.size > 4900
    assert change.compaction and "kept in the statement itself" in change.compaction[0]


def test_scp_at_the_limit_moves_the_new_statement_to_a_new_policy(
    catalog: Catalog, options: FixOptions
) -> None:
    report = _fix_text(_big_scp_scenario(325), catalog, options)
    best = report.alternatives[0]
    assert best.status == "proven", (best.proof.validation, best.unfixed)
    assert [c.action for c in best.changes] == ["modify", "add"]
    added = best.changes[1]
    assert added.policy_name == "BigRegionDeny-bedrock-profiles"
    assert all(c.within_limit for c in best.changes)


def test_writes_nothing_when_the_fix_is_incomplete(fix: Callable[..., FixReport], tmp_path: Path) -> None:
    from bedrock_access.cli import main

    out = tmp_path / "out"
    assert (
        main(["fix", str(Path(__file__).parent / "fixtures" / "deliberate-deny.yaml"), "--out", str(out)])
        == 1
    )
    assert not out.exists()
    assert not list(tmp_path.iterdir())


def test_scp_quota_per_target_is_reported(catalog: Catalog, options: FixOptions) -> None:
    path = Path(__file__).parent / "fixtures" / "ex-control-tower-region-deny.yaml"
    text = path.read_text().replace(
        "        - {name: aws-guardrails-GRREGIONDENY",
        "        - {name: Custom1, file: policies/full-aws-access.json}\n"
        "        - {name: Custom2, file: policies/full-aws-access.json}\n"
        "        - {name: aws-guardrails-GRREGIONDENY",
    )
    report = propose_fixes(parse_scenario(text, source=str(path), base_dir=path.parent), catalog, options)
    best = report.alternatives[0]
    assert best.name == "ct-ou-control"
    assert any("quota 5" in note for note in best.notes)


def test_identity_grant_over_the_limit_moves_into_a_new_policy(catalog: Catalog, options: FixOptions) -> None:
    # The policy that already grants Bedrock is near 6,144 characters: the missing grant, even compacted,
    # does not fit, so it goes into a new policy BedrockAccessFix and the full policy stays as it is.
    buckets = [
        {
            "Sid": f"Bucket{n}",
            "Effect": "Allow",
            "Action": "s3:GetObject",
            "Resource": f"arn:aws:s3:::team-data-bucket-{n:03d}/*",
        }
        for n in range(53)
    ]
    grant = {
        "Sid": "Haiku",
        "Effect": "Allow",
        "Action": "bedrock:InvokeModel",
        "Resource": "arn:aws:bedrock:us-east-1::foundation-model/anthropic.claude-3-haiku-20240307-v1:0",
    }
    policy = {"Version": "2012-10-17", "Statement": [grant, *buckets]}
    assert 5800 < minified_size(policy) <= 6144
    text = json.dumps(
        {
            "principal": "arn:aws:sts::111122223333:assumed-role/Dev/lee",
            "identity_policies": [{"name": "NearlyFull", "document": policy}],
            "invocations": [
                {
                    "label": "sonnet",
                    "model": "us.anthropic.claude-sonnet-4-6",
                    "region": "us-east-1",
                    "operation": "InvokeModel",
                }
            ],
        }
    )
    report = _fix_text(text, catalog, options)
    best = report.alternatives[0]
    assert best.status == "proven", (best.proof.validation, best.unfixed)
    (change,) = best.changes
    assert change.action == "add" and change.policy_name == "BedrockAccessFix"
    assert change.location.index == 1 and change.within_limit
    assert any(
        "NearlyFull would grow to" in note and "new policy BedrockAccessFix" in note
        for note in change.compaction
    )
    granted = {
        r
        for s in statements(dict(change.document))
        for r in ([s["Resource"]] if isinstance(s["Resource"], str) else s["Resource"])
    }
    assert (
        "arn:aws:bedrock:us-east-1:111122223333:inference-profile/us.anthropic.claude-sonnet-4-6" in granted
    )
