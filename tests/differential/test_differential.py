"""Our IAM engine against the independent oracle on generated lines. See docs/differential.md.

Environment:
    BEDROCK_ACCESS_DIFF_SEED        the generator's seed (default 20251123)
    BEDROCK_ACCESS_DIFF_CASES       untagged lines (default 6000)
    BEDROCK_ACCESS_DIFF_GAP_CASES   lines per known oracle gap (default 25)
"""

from __future__ import annotations

import os
from collections import Counter

import pytest

from .generator import GAP_BUILDERS, KNOWN_ENGINE_BUGS, Json, generate, generate_case
from .oracle import (
    Disagreement,
    OracleUnavailable,
    Report,
    compare,
    dumps,
    prepare_oracle,
    run_both,
    run_engine,
)

pytestmark = pytest.mark.differential

SEED = int(os.environ.get("BEDROCK_ACCESS_DIFF_SEED", "20251123"))
CASES = int(os.environ.get("BEDROCK_ACCESS_DIFF_CASES", "6000"))
GAP_CASES = int(os.environ.get("BEDROCK_ACCESS_DIFF_GAP_CASES", "25"))

MAX_ORACLE_ERROR_SHARE = 0.02  # lines the oracle rejects, out of the untagged lines
MIN_DECISION_SHARE = 0.15  # each decision's share of the untagged lines


@pytest.fixture(scope="module")
def cases() -> list[Json]:
    return list(generate(SEED, CASES, GAP_CASES))


@pytest.fixture(scope="module")
def report(cases: list[Json]) -> Report:
    try:
        oracle_dir = prepare_oracle()
    except OracleUnavailable as exc:
        pytest.skip(f"oracle unavailable: {exc}")
    oracle, ours = run_both([dumps(c) for c in cases], oracle_dir=oracle_dir)
    assert len(oracle) == len(cases), f"the oracle answered {len(oracle)} of {len(cases)} lines"
    assert len(ours) == len(cases), f"our engine answered {len(ours)} of {len(cases)} lines"
    return compare(cases, oracle, ours)


def _listing(items: list[Disagreement], limit: int = 10) -> str:
    return "\n".join(d.summary() for d in items[:limit])


# --- the comparison -------------------------------------------------------------------------------


def test_enough_cases_went_through_both(report: Report) -> None:
    assert report.untagged >= min(CASES, 5000)
    assert report.tagged == GAP_CASES * len(GAP_BUILDERS)
    assert not report.missing_ids, f"lines without an answer: {report.missing_ids[:10]}"


def test_oracle_rejects_few_lines_and_none_silently(report: Report) -> None:
    assert not report.engine_errors, f"our engine rejected: {[e for _, e in report.engine_errors[:5]]}"
    kinds = Counter((o.get("error"), o.get("message")) for _, o in report.oracle_errors)
    assert len(report.oracle_errors) <= MAX_ORACLE_ERROR_SHARE * report.untagged, (
        f"the oracle rejected {len(report.oracle_errors)} of {report.untagged} untagged lines: {kinds}"
    )


def test_no_disagreement_on_untagged_lines(report: Report) -> None:
    assert not report.disagreements, (
        f"{len(report.disagreements)} disagreements (minimise with "
        f"`python -m tests.differential.oracle --seed {SEED} --minimise ID`):\n{_listing(report.disagreements)}"
    )


def test_explicit_denies_name_the_same_statements(report: Report) -> None:
    assert not report.deny_mismatches, _listing(report.deny_mismatches)


def test_oracle_kept_every_context_key(report: Report) -> None:
    """A key the oracle drops behaves as absent there (its gap 6): the generator must not send one."""
    dropped = [(c["id"], o["ignoredContextKeys"]) for c, o in report.ignored_keys]
    assert not dropped, dropped[:10]


def test_decision_mix_is_balanced(report: Report) -> None:
    for decision in ("Allowed", "ImplicitlyDenied", "ExplicitlyDenied"):
        assert report.share(decision) >= MIN_DECISION_SHARE, report.text()
        assert report.oracle_mix[decision] >= MIN_DECISION_SHARE * report.untagged, report.oracle_mix


def test_gap_lines_get_the_aws_documented_decision(report: Report) -> None:
    assert not report.gap_engine_wrong, _listing(report.gap_engine_wrong)


# The oracle README lists gap 10 (a wildcard inside the resource type matches nothing), but AWS's ARN
# reference calls such a pattern not valid, so on those lines the oracle gives the AWS answer.
ORACLE_RIGHT_AFTER_ALL = {"10"}


def test_every_gap_tag_is_still_needed(report: Report) -> None:
    """Each tagged construct really makes the pinned oracle answer differently from AWS on some lines."""
    if GAP_CASES < 10:
        pytest.skip("too few lines per gap to expect a difference on each")
    for gap in map(str, GAP_BUILDERS):
        if gap in ORACLE_RIGHT_AFTER_ALL:
            assert report.gap_oracle_differs[gap] == 0, f"gap {gap}: {report.text()}"
        else:
            assert report.gap_oracle_differs[gap] > 0, (
                f"gap {gap}: the oracle never differed; {report.text()}"
            )


def test_known_engine_bugs_are_exercised(report: Report) -> None:
    if CASES < 1000:
        pytest.skip("too few cases to expect every known engine bug")
    for bug in KNOWN_ENGINE_BUGS:
        assert report.known_bug_lines[bug] > 0, f"no line exercises {bug}"


@pytest.mark.parametrize(
    "bug",
    [
        pytest.param(bug, marks=pytest.mark.xfail(strict=True, reason=f"engine bug {bug}: {text}"))
        for bug, text in KNOWN_ENGINE_BUGS.items()
    ],
)
def test_known_engine_bug_is_fixed(report: Report, bug: str) -> None:
    """Strict xfail: turns red once the engine is fixed; then drop the entry from KNOWN_ENGINE_BUGS."""
    if report.known_bug_lines[bug] < 20:
        pytest.skip(f"only {report.known_bug_lines[bug]} lines exercise {bug}: too few to judge")
    wrong = [d for d in report.known_bug_disagreements if d.line.get("knownEngineBug") == bug]
    assert not wrong, _listing(wrong)


# --- parts that need no oracle --------------------------------------------------------------------


def test_gap_lines_match_aws_expectation_without_the_oracle() -> None:
    """Runs even where Node is missing: on every gap line our engine gives ``awsExpected``."""
    lines = list(generate(SEED + 1, 0, 20))
    ours = run_engine([dumps(c) for c in lines])
    wrong = [
        (c["id"], c["gap"], c["awsExpected"], o.get("decision") or o.get("error"), c["why"])
        for c, o in zip(lines, ours, strict=True)
        if o.get("decision") != c["awsExpected"] and "knownEngineBug" not in c
    ]
    assert not wrong, wrong[:10]
    assert {c["gap"] for c in lines} == set(GAP_BUILDERS)


def test_generator_is_deterministic() -> None:
    first = [dumps(c) for c in generate(SEED, 200, 2)]
    again = [dumps(c) for c in generate(SEED, 200, 2)]
    other = [dumps(c) for c in generate(SEED + 7, 200, 2)]
    assert first == again
    assert first != other
    assert dumps(generate_case(SEED, 137)) == first[137]


def test_generated_lines_avoid_the_documented_gaps() -> None:
    """Untagged lines keep to Version 2012-10-17, member-account principals and same-format dates."""
    for case in generate(SEED, 1500):
        text = dumps(case).decode()
        assert "gap" not in case
        assert "2008-10-17" not in text and "aws-service-role" not in text
        assert "managementAccountId" not in case
        assert case["request"]["principal"].split(":")[5] != "root"
        for level in case.get("resourceControlPolicies", []):
            service = case["request"]["action"].split(":")[0].lower()
            assert level["policies"] == [] or service in ("s3", "sqs", "dynamodb")


def test_compare_catches_a_disagreement() -> None:
    """The comparison itself can fail: a flipped decision, a missing line and a wrong gap answer show."""
    untagged = generate_case(SEED, 3)
    tagged = next(c for c in generate(SEED, 0, 1) if c["gap"] == 4)
    agreed = {"id": untagged["id"], "decision": "Allowed", "decisive": []}
    flipped = {"id": untagged["id"], "decision": "ImplicitlyDenied", "decisive": []}
    wrong_gap = {"id": tagged["id"], "decision": "ExplicitlyDenied", "decisive": []}
    result = compare([untagged, tagged], [agreed, wrong_gap], [flipped, wrong_gap])
    assert [d.line["id"] for d in result.disagreements] == [untagged["id"]]
    if tagged["awsExpected"] != "ExplicitlyDenied":
        assert [d.line["id"] for d in result.gap_engine_wrong] == [tagged["id"]]
    assert compare([untagged], [], [agreed]).missing_ids == [untagged["id"]]
