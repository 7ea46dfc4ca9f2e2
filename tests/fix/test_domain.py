"""The policy-domain check: which actions a change can affect, the domain it builds, and a widening it
finds that the probe set does not."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from bedrock_access.catalog import Catalog
from bedrock_access.fix import FixOptions, propose_fixes
from bedrock_access.fix.domain import affected_actions, fill
from bedrock_access.fix.nonwidening import DomainCheck, ProbeCheck, WideningQuestion
from bedrock_access.iam.parse import parse_policy
from bedrock_access.scenario import load_scenario, parse_scenario
from bedrock_access.scenario.model import Scenario

PRINCIPAL = "arn:aws:sts::111122223333:assumed-role/Dev/kim"


def _deny_outside(not_actions: list[str]) -> dict[str, Any]:
    return {
        "Version": "2012-10-17",
        "Statement": [
            {
                "Sid": "DenyOutsideUsEast1",
                "Effect": "Deny",
                "NotAction": not_actions,
                "Resource": "*",
                "Condition": {"StringNotEquals": {"aws:RequestedRegion": ["us-east-1"]}},
            }
        ],
    }


IDENTITY = {
    "Version": "2012-10-17",
    "Statement": [
        {
            "Effect": "Allow",
            "Action": "secretsmanager:GetSecretValue",
            "Resource": "arn:aws:secretsmanager:*:111122223333:secret:*",
        },
        {"Effect": "Allow", "Action": "bedrock:InvokeModel", "Resource": "*"},
    ],
}


def _scenario(scp: dict[str, Any]) -> Scenario:
    text = json.dumps(
        {
            "principal": PRINCIPAL,
            "identity_policies": [{"name": "Mixed", "document": IDENTITY}],
            "organization": {
                "scps": [
                    {
                        "target": "111122223333",
                        "policies": [
                            {
                                "name": "FullAWSAccess",
                                "document": {
                                    "Version": "2012-10-17",
                                    "Statement": [{"Effect": "Allow", "Action": "*", "Resource": "*"}],
                                },
                            },
                            {"name": "RegionDeny", "document": scp},
                        ],
                    }
                ]
            },
            "invocations": [
                {"label": "call", "model": "anthropic.claude-3-haiku-20240307-v1:0", "region": "us-east-1"}
            ],
        }
    )
    return parse_scenario(text, source="<test>")


def test_only_actions_a_touched_statement_treats_differently_are_affected() -> None:
    before = [("scp0", parse_policy(_deny_outside(["iam:*"]), name="RegionDeny"))]
    after = [("scp0", parse_policy(_deny_outside(["iam:*", "bedrock:InvokeModel"]), name="RegionDeny"))]
    actions = ["bedrock:invokemodel", "bedrock:invokemodelwithresponsestream", "s3:getobject", "iam:getrole"]
    assert affected_actions(before, after, actions) == ["bedrock:invokemodel"]
    # The same document with another Sid changes nothing.
    renamed = _deny_outside(["iam:*"])
    renamed["Statement"][0]["Sid"] = "Renamed"
    assert affected_actions(before, [("scp0", parse_policy(renamed, name="RegionDeny"))], actions) == []


def test_fill_gives_a_value_the_pattern_names() -> None:
    assert fill("arn:*:bedrock:*:*:inference-profile/us.*", "us-east-2", account="111122223333") == (
        "arn:aws:bedrock:us-east-2:111122223333:inference-profile/us.zz"
    )
    assert fill("arn:aws:bedrock:*::foundation-model/anthropic.*", "unspecified") == (
        "arn:aws:bedrock:::foundation-model/anthropic.zz"
    )


def _question(before: Scenario, after: Scenario, catalog: Catalog, options: FixOptions) -> WideningQuestion:
    return WideningQuestion(
        before=before,
        after=after,
        fixed=(),
        original=(),
        catalog=catalog,
        now=options.now,
        network_changed=False,
        admits_unspecified=False,
        bedrock_actions=options.bedrock_actions,
        make_authorizer=options.authorizer,
    )


def test_the_domain_finds_a_widening_the_probes_miss(catalog: Catalog, options: FixOptions) -> None:
    # Exempting secretsmanager:GetSecretValue from the Region deny widens it in every other Region. It is
    # named only by the policies (a KMS key would need its key policy, which AWS requires), so the probe set (a fixed list of other services) does not see it.
    before = _scenario(_deny_outside(["iam:*"]))
    after = _scenario(_deny_outside(["iam:*", "secretsmanager:GetSecretValue"]))
    question = _question(before, after, catalog, options)
    domain = DomainCheck().run(question)
    widened = {(d.action, d.region) for d in domain.differences if d.widened and d.view == "full"}
    assert ("secretsmanager:getsecretvalue", "us-east-2") in widened
    assert ("secretsmanager:getsecretvalue", "us-east-1") not in widened  # allowed before and after
    assert not any(d.action.startswith("bedrock:") for d in domain.differences)
    (summary,) = domain.checks
    assert summary.name == "policy-domain" and summary.differences == len(domain.differences)
    assert any("one at a time" in limit for limit in summary.limits)
    assert not ProbeCheck().run(question).differences


def test_a_change_that_widens_nothing_passes(catalog: Catalog, options: FixOptions) -> None:
    before = _scenario(_deny_outside(["iam:*"]))
    renamed = _deny_outside(["iam:*"])
    renamed["Statement"][0]["Sid"] = "SameDenyOtherSid"
    result = DomainCheck().run(_question(before, _scenario(renamed), catalog, options))
    assert result.passed and result.checks[0].requests == 0


def test_every_report_says_what_was_checked(catalog: Catalog, options: FixOptions) -> None:
    scenario = load_scenario(Path(__file__).parents[2] / "examples" / "s01-custom-region-deny-scp.yaml")
    report = propose_fixes(scenario, catalog, options)
    best = report.alternatives[0]
    names = [c.name for c in best.proof.unchanged.checks]
    assert names == ["policy-domain", "probes"]
    domain = best.proof.unchanged.checks[0]
    assert domain.requests > 100 and domain.evaluations >= domain.requests
    assert "Regions" in domain.checked and domain.limits
