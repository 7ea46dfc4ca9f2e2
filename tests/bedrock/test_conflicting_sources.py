"""Where AWS's own sources disagree, the answer says "uncertain" and why (issue 15 item 4).

The model-approval SCP (Deny with NotResource [foundation-model ARNs]) and cross-Region profiles: the
Bedrock user guide's inference-profile prerequisites say a call through a profile is authorized on the
inference-profile ARN as well as on the foundation models
(https://docs.aws.amazon.com/bedrock/latest/userguide/inference-profiles-prereq.html), so such an SCP
denies the profile hop; the AWS sample Deny-Bedrock-model-invocation-except-approved-models
(https://github.com/aws-samples/service-control-policy-examples/tree/main/Service-specific-controls)
lists only foundation-model ARNs and its README presents it as allowing the approved models.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from bedrock_access.bedrock.assess import is_foundation_model_allow_list
from bedrock_access.bedrock.error_scan import parse_error
from bedrock_access.cli import main
from bedrock_access.explaining import explain_error

EXAMPLES = Path(__file__).resolve().parents[2] / "examples"
PROFILE_DENIAL = (
    "User: arn:aws:sts::111122223333:assumed-role/Dev/kim is not authorized to perform: bedrock:InvokeModel "
    "on resource: arn:aws:bedrock:us-east-1:111122223333:inference-profile/us.anthropic.claude-sonnet-4-6 "
    "with an explicit deny in a service control policy"
)


def test_check_marks_the_profile_hop_denied_by_a_model_allow_list_uncertain(
    capsys: pytest.CaptureFixture[str],
) -> None:
    code = main(["check", str(EXAMPLES / "s18-model-allow-list-scp.yaml"), "--format", "json"])
    doc = json.loads(capsys.readouterr().out)
    assert code in (0, 1)
    findings = [f for inv in doc["invocations"] for f in inv["findings"]]
    uncertain = [f for f in findings if f["code"] == "model-allow-list-profile-uncertain"]
    assert len(uncertain) == 1  # only the profile call, not the on-demand call in London
    assert uncertain[0]["message"].startswith("uncertain:")
    assert "Deny-Bedrock-model-invocation-except-approved-models" in uncertain[0]["message"]


def test_explain_says_uncertain_for_an_scp_denial_of_a_profile() -> None:
    explanation = explain_error(parse_error(PROFILE_DENIAL))
    assert explanation.code == "inference-profile-check"
    assert "uncertain" in explanation.cause and "README" in explanation.cause


def test_fix_says_uncertain_when_it_extends_a_model_allow_list(capsys: pytest.CaptureFixture[str]) -> None:
    main(["fix", str(EXAMPLES / "s18-model-allow-list-scp.yaml")])
    out = capsys.readouterr().out
    assert "uncertain: AWS's sources disagree" in out


def test_allow_list_shape() -> None:
    assert is_foundation_model_allow_list(["arn:aws:bedrock:*::foundation-model/amazon.*"])
    assert not is_foundation_model_allow_list(
        ["arn:aws:bedrock:*::foundation-model/amazon.*", "arn:aws:bedrock:*:*:inference-profile/*"]
    )
    assert not is_foundation_model_allow_list(None)
