"""Each failure is explained as `explain` explains the same message; failures are grouped by cause."""

from __future__ import annotations

from datetime import UTC, datetime

from bedrock_access.bedrock.error_scan import parse_error
from bedrock_access.bedrock.reevaluate import destinations_of
from bedrock_access.catalog import load_catalog
from bedrock_access.cloudtrail.adapter import Explainer
from bedrock_access.cloudtrail.pipeline import Filters, run
from bedrock_access.cloudtrail.records import failed_call
from bedrock_access.explaining import explain_error

from ._samples import ALICE, BOB, SCP_DENY, SONNET, denial, record, sample_records

S1_RESOURCE = f"arn:aws:bedrock:us-east-2::foundation-model/{SONNET}"


def _items(records):
    return [("file.json", i, r) for i, r in enumerate(records, 1)]


def test_explanation_is_explains_own():
    catalog = load_catalog()
    message = denial(ALICE, "bedrock:InvokeModelWithResponseStream", S1_RESOURCE)
    call = failed_call(
        record(event="ConverseStream", error_code="AccessDeniedException", message=message), "f#1"
    )
    assert call is not None
    got = Explainer(catalog).explain(call)
    expected = explain_error(parse_error(message), lambda m, r: destinations_of(catalog, m, r))
    assert (got.code, got.cause) == (expected.code, expected.cause)
    assert got.fixes[: len(expected.fixes)] == expected.fixes
    assert got.code == "cris-destination-check"
    assert (got.policy_type, got.explicit, got.denied_region) == ("scp", True, "us-east-2")
    assert got.denied_action == "bedrock:InvokeModelWithResponseStream"
    assert got.model == "us.anthropic.claude-sonnet-4-6"  # what the client sent


def test_the_record_supplies_what_the_message_lacks():
    # An AccessDenied with no IAM sentence: the operation's action and the model come from the record.
    call = failed_call(record(event="Converse", error_code="AccessDenied", message=None), "f#1")
    assert call is not None
    got = Explainer(load_catalog()).explain(call)
    assert got.code == "access-denied-unparsed"
    assert got.kind == "access-denied"
    assert got.error_code == "AccessDenied"
    assert got.denied_action == "bedrock:InvokeModel"
    assert got.model == "us.anthropic.claude-sonnet-4-6"


def test_on_demand_validation_uses_the_model_sent():
    message = (
        f"Invocation of model ID {SONNET} with on-demand throughput isn’t supported. Retry your request with the "
        "ID or ARN of an inference profile that contains this model."
    )
    call = failed_call(record(model=SONNET, error_code="ValidationException", message=message), "f#1")
    assert call is not None
    got = Explainer(load_catalog()).explain(call)
    assert got.code == "on-demand-not-supported"
    assert got.kind == "validation"


def test_message_cut_inside_the_policy_phrase_still_names_the_check():
    cut = denial(BOB, "bedrock:InvokeModel", S1_RESOURCE)[: -len("control policy")]
    call = failed_call(record(event="Converse", principal=BOB, error_code="AccessDenied", message=cut), "f#1")
    assert call is not None
    got = Explainer(load_catalog()).explain(call)
    # The check, its Region and "explicit" survive the cut; the deciding layer does not, and is not guessed.
    assert got.code == "cris-destination-check"
    assert got.denied_region == "us-east-2"
    assert (got.policy_type, got.explicit) == (None, True)  # "with an explicit deny in a" survived
    assert got.caller_in_message == BOB


def test_identity_center_and_vpc_endpoint_notes():
    message = denial(
        ALICE,
        "bedrock:InvokeModel",
        "arn:aws:bedrock:us-east-1:111122223333:inference-profile/us.anthropic.claude-sonnet-4-6",
        "because no identity-based policy allows the bedrock:InvokeModel action",
    )
    rec = record(error_code="AccessDeniedException", message=message, vpcEndpointId="vpce-0a1b2c3d4e5f60718")
    call = failed_call(rec, "f#1")
    assert call is not None
    got = Explainer(load_catalog()).explain(call)
    assert any("permission set Developer" in fix for fix in got.fixes)
    assert any("vpce-0a1b2c3d4e5f60718" in fix for fix in got.fixes)


def test_same_denial_for_many_callers_is_parsed_once_and_names_each_caller():
    explainer = Explainer(load_catalog())
    calls = []
    for n in range(50):
        principal = ALICE.replace("alice", f"dev{n}")
        rec = record(
            principal=principal,
            error_code="AccessDeniedException",
            message=denial(principal, "bedrock:InvokeModel", S1_RESOURCE),
        )
        calls.append(failed_call(rec, "f#1"))
    explanations = [explainer.explain(c) for c in calls if c is not None]
    assert explainer.parsed_messages == 1
    for n, explanation in enumerate(explanations):
        assert ALICE.replace("alice", f"dev{n}") in explanation.message
        assert "alice" not in explanation.message


def test_groups_by_cause_with_counts_times_and_callers():
    summary = run(_items(sample_records()), Filters(), Explainer(load_catalog()))
    assert summary.records_read == 12
    assert summary.failed_calls == 8
    first = summary.groups[0]
    assert first.count == 3  # largest first
    assert first.explanation.code == "cris-destination-check"
    assert first.principals == (ALICE, BOB)  # alice twice, bob once
    assert first.accounts == ("111122223333",)
    assert first.source_regions == ("us-east-1",)
    assert first.denied_regions == ("us-east-2",)
    assert first.first_seen == datetime(2026, 11, 2, 10, 5, tzinfo=UTC)
    assert first.last_seen == datetime(2026, 11, 4, 12, 30, tzinfo=UTC)
    assert set(first.operations) == {"InvokeModelWithResponseStream", "ConverseStream", "Converse"}
    codes = [g.explanation.code for g in summary.groups]
    assert sorted(codes) == sorted(
        [
            "cris-destination-check",
            "cris-destination-check",  # the 1 KB message names the SCP's ARN: another policy, another group
            "global-regionless-check",
            "bearer-token-denied",
            "throttling",
            "iam-denial",
        ]
    )
    regionless = next(g for g in summary.groups if g.explanation.code == "global-regionless-check")
    assert regionless.denied_regions == ("unspecified",)
    bearer = next(g for g in summary.groups if g.explanation.code == "bearer-token-denied")
    assert bearer.api_key_calls == 1


def test_filters():
    records = sample_records()
    explainer = Explainer(load_catalog())
    since = run(_items(records), Filters(since=datetime(2026, 11, 3, tzinfo=UTC)), explainer)
    assert since.failed_calls == 3
    until = run(_items(records), Filters(until=datetime(2026, 11, 3, tzinfo=UTC)), explainer)
    assert until.failed_calls == 5
    bob = run(_items(records), Filters(principals=("bob@",)), explainer)
    assert bob.failed_calls == 2
    pattern = run(_items(records), Filters(principals=("arn:aws:iam::*:user/BedrockAPIKey_*",)), explainer)
    assert pattern.failed_calls == 1
    other_account = run(_items(records), Filters(accounts=frozenset({"444455556666"})), explainer)
    assert other_account.failed_calls == 0 and other_account.records_read == 12


def test_records_missing_fields_are_counted_and_skipped():
    records = sample_records()
    del records[0]["eventTime"]
    problems = []
    summary = run(_items(records), Filters(), Explainer(load_catalog()), on_problem=problems.append)
    assert summary.failed_calls == 7
    assert summary.records_skipped == 1
    assert problems[0].message == "record 1: eventTime: missing"


def test_scp_words_stay_in_the_sample():
    # Guards the samples against drifting away from AWS's wording the tests rely on.
    assert SCP_DENY == "with an explicit deny in a service control policy"
