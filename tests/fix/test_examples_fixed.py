"""Every failing example in examples/ gets a fix that passes both proofs (issue 5, item 4).

The examples are discovered, not listed: any examples/*.yaml whose check verdict is not "allowed" is a
case here. The few that no change can fix are listed explicitly in UNFIXABLE, with the reason, and the
test checks that fix reports them as such (never skipped silently).
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest

from bedrock_access.catalog import load_catalog
from bedrock_access.checking import run_scenario
from bedrock_access.cli import main
from bedrock_access.fix import Alternative, FixReport
from bedrock_access.fix.documents import VALIDATOR_TYPES, as_list, statements
from bedrock_access.iam.parse import parse_policy
from bedrock_access.iam.service_data import rcp_supported_services, resource_type_prefixes
from bedrock_access.iam.validate import validate_policy
from bedrock_access.scenario import load_scenario

from .conftest import EXAMPLES, NOW

# Examples no policy or client change can fix, and why. Keep in step with examples/.
UNFIXABLE: dict[str, str] = {
    "china-region-no-bedrock.yaml": (
        "cn-north-1 has no Bedrock endpoint and the aws-cn partition has no Bedrock Region at all; "
        "credentials do not cross partitions, so no policy or client setting can make the call work"
    ),
    "client-claude-code-short-term-key-other-region.yaml": (
        "a short-term API key is bound to the Region it was generated in; AWS rejects it elsewhere before "
        "any policy is evaluated, and fix does not yet change a client's authentication settings"
    ),
}

INVOKE_ACTIONS = ("bedrock:invokemodel", "bedrock:invokemodelwithresponsestream", "bedrock:invokemodel*")


def _verdict(path: Path) -> str:
    """The verdict check gives (client findings included), with AWS's service facts."""
    run = run_scenario(
        load_scenario(path),
        load_catalog(),
        rcp_services=rcp_supported_services(),
        resource_types=resource_type_prefixes,
        now=NOW,
    )
    verdicts = {a.verdict for a in run.assessments}
    return "allowed" if verdicts == {"allowed"} else "failing"


def _failing_examples() -> list[str]:
    return sorted(p.name for p in EXAMPLES.glob("*.yaml") if _verdict(p) != "allowed")


FAILING = _failing_examples()
FIXABLE = [name for name in FAILING if name not in UNFIXABLE]


def test_there_are_failing_examples() -> None:
    assert FIXABLE, "examples/ should hold failing scenarios"


def test_unfixable_list_names_failing_examples_only() -> None:
    for name in UNFIXABLE:
        assert (EXAMPLES / name).is_file(), f"{name} is listed as unfixable but is not in examples/"
        assert name in FAILING, f"{name} is listed as unfixable but its check verdict is allowed"


@pytest.mark.parametrize("name", sorted(UNFIXABLE))
def test_unfixable_examples_are_reported(name: str, fix: Callable[..., FixReport]) -> None:
    report = fix(EXAMPLES / name)
    assert report.status == "unfixed"
    assert report.exit_code == 1
    assert {u.index for u in report.unfixable} == {f.index for f in report.failing}
    assert all(u.reason for u in report.unfixable)


@pytest.mark.parametrize("name", FIXABLE)
def test_example_gets_a_proven_fix(name: str, fix: Callable[..., FixReport]) -> None:
    report = fix(EXAMPLES / name)
    assert report.failing
    assert report.status == "fixed", [(a.name, a.status, a.unfixed) for a in report.alternatives]
    assert report.exit_code == 0
    best = report.recommended
    assert best is not None and best.status == "proven"
    proof = best.proof
    # Proof 1: every failing invocation is allowed now (re-checked, with any client change); no regression.
    assert proof.fixed.passed
    assert proof.fixed.fixed_count == proof.fixed.target_count == len(report.failing)
    assert not proof.fixed.regressions
    # Proof 2: the probe set gets exactly the same decisions, in every view.
    assert proof.unchanged.passed, proof.unchanged.differences[:5]
    categories = dict(proof.unchanged.categories)
    partition = load_scenario(EXAMPLES / name).caller.partition
    if partition == "aws":
        assert proof.unchanged.probes >= 300
    else:
        # A small partition (GovCloud: two Regions) cannot give 300 distinct probes; every one of its
        # Regions, and "unspecified", must still be probed with every non-Bedrock action.
        regions = load_catalog().regions_in_partition(partition)
        assert categories.get("non-bedrock", 0) >= 5 * (len(regions) + 1), (partition, categories)
    for category in ("non-bedrock", "bedrock-other", "direct-model", "outside-geography"):
        assert categories.get(category, 0) > 0, category
    assert "full" in proof.unchanged.views and "identity" in proof.unchanged.views
    # Valid and within size limits, by our validator.
    assert proof.validation.validator
    assert proof.validation.passed, (proof.validation.errors, proof.validation.over_limit)
    # Every alternative that does not widen by design is proven too.
    for alt in report.alternatives:
        if not alt.widens_by_design:
            assert alt.status == "proven", (alt.name, alt.status)
        else:
            assert alt.proof.fixed.passed and alt.proof.unchanged.widened


def _new_statements(alt: Alternative) -> Iterator[tuple[str, str, dict[str, Any]]]:
    """(layer, policy, statement) for every statement a change added or rewrote."""
    for change in alt.changes:
        before = statements(dict(change.original)) if change.original is not None else []
        for st in statements(dict(change.document)):
            if st not in before:
                yield change.location.layer, change.policy_name, st


@pytest.mark.parametrize("name", FIXABLE)
def test_generated_documents_are_valid_and_least_privilege(name: str, fix: Callable[..., FixReport]) -> None:
    report = fix(EXAMPLES / name)
    for alt in report.alternatives:
        for change in alt.changes:
            assert change.within_limit, (change.policy_name, change.size, change.limit)
            policy = parse_policy(dict(change.document), name=change.policy_name)
            issues = validate_policy(policy, VALIDATOR_TYPES[change.location.layer])  # type: ignore[arg-type]
            assert not [i for i in issues if i.severity == "error"], issues
        for layer, policy_name, st in _new_statements(alt):
            actions = [a.lower() for a in as_list(st.get("Action"))]
            assert not any(a.startswith("aws-marketplace:") for a in actions), policy_name
            assert "bedrock:*" not in [a.lower() for a in as_list(st.get("NotAction"))], policy_name
            invoke = any(a in INVOKE_ACTIONS or a == "*" for a in actions)
            if st.get("Effect") == "Allow" and layer in ("identity", "pb", "session", "vpce") and invoke:
                assert "*" not in as_list(st.get("Resource")), f"{policy_name}: invoke granted on *"
            for key, values in (st.get("Condition") or {}).get("ArnNotLike", {}).items():
                if key.lower() == "bedrock:inferenceprofilearn":
                    for value in as_list(values):
                        assert not value.endswith("inference-profile/*"), value


@pytest.mark.parametrize("name", FIXABLE)
def test_patched_scenario_passes_check(
    name: str, tmp_path: Path, capsys: pytest.CaptureFixture[str], fix: Callable[..., FixReport]
) -> None:
    out = tmp_path / "out"
    assert main(["fix", str(EXAMPLES / name), "--out", str(out), "--format", "json"]) == 0
    capsys.readouterr()
    assert (out / "scenario.yaml").is_file()
    assert (out / "fix.json").is_file()
    assert main(["check", str(out / "scenario.yaml")]) == 0, capsys.readouterr().out
    report = fix(EXAMPLES / name)
    if len(report.alternatives) > 1:
        for alt in report.alternatives[1:]:  # the recommended one is at the top, written once
            directory = out / alt.name.replace("+", "_")
            assert (directory / "scenario.yaml").is_file(), directory
            assert main(["check", str(directory / "scenario.yaml")]) == 0, alt.name
    capsys.readouterr()
