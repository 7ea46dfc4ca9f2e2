"""Which records are failed Bedrock calls, and what each one says about the call (records.py, rows.py)."""

from __future__ import annotations

import pytest

from bedrock_access.cloudtrail.records import RecordError, failed_call, parse_time
from bedrock_access.cloudtrail.rows import parse_struct, record_from_row

from ._samples import ALICE, CAROL_KEY_USER, FAILED_CALLS, SONNET_US, api_key_user, record, sample_records


def test_keeps_exactly_the_failed_inference_calls():
    calls = [failed_call(r, "f#1") for r in sample_records()]
    kept = [c for c in calls if c is not None]
    assert len(kept) == FAILED_CALLS
    # successes, another service's AccessDenied and a control-plane denial are passed over
    assert {c.operation for c in kept} == {
        "InvokeModelWithResponseStream",
        "ConverseStream",
        "Converse",
        "InvokeModel",
        "CreateInference",
    }


@pytest.mark.parametrize(
    ("operation", "action"),
    [
        ("Converse", "bedrock:InvokeModel"),
        ("ConverseStream", "bedrock:InvokeModelWithResponseStream"),
        ("InvokeModel", "bedrock:InvokeModel"),
        ("InvokeModelWithResponseStream", "bedrock:InvokeModelWithResponseStream"),
        ("CountTokens", "bedrock:CountTokens"),
    ],
)
def test_the_operation_is_not_the_action(operation, action):
    call = failed_call(record(event=operation, error_code="AccessDenied", message="x"), "f#1")
    assert call is not None
    assert (call.operation, call.action) == (operation, action)


def test_mantle_create_inference_is_kept_with_its_model_and_bearer_flag():
    rec = record(
        source="bedrock-mantle.amazonaws.com",
        event="CreateInference",
        model=None,
        requestParameters={
            "model": "openai.gpt-oss-120b",
            "callWithBearerToken": True,
            "bearerTokenType": "SHORT_TERM",
        },
        error_code="AccessDeniedException",
        message="denied",
    )
    call = failed_call(rec, "f#1")
    assert call is not None
    assert call.action == "bedrock-mantle:CreateInference"
    assert call.model_id == "openai.gpt-oss-120b"
    assert call.caller.api_key is True
    assert call.caller.bearer_token_type == "SHORT_TERM"


def test_context_the_record_adds():
    rec = record(
        error_code="AccessDeniedException",
        message="m",
        vpcEndpointId="vpce-0a1b2c3d4e5f60718",
        additionalEventData={"inferenceRegion": "us-west-2"},
    )
    call = failed_call(rec, "file.json#3")
    assert call is not None
    assert call.caller.principal == ALICE
    assert call.caller.kind == "Identity Center (permission set Developer)"
    assert call.caller.identity_center_permission_set == "Developer"
    assert call.account == "111122223333"
    assert call.source_region == "us-east-1"
    assert call.model_id == SONNET_US
    assert call.endpoint == "bedrock-runtime.us-east-1.amazonaws.com"
    assert call.source_ip == "203.0.113.25"
    assert call.vpc_endpoint == "vpce-0a1b2c3d4e5f60718"
    assert call.inference_region == "us-west-2"
    assert call.source == "file.json#3"


def test_api_key_user_and_bearer_flag():
    rec = record(
        userIdentity=api_key_user(),
        error_code="AccessDeniedException",
        message="m",
        additionalEventData={"callWithBearerToken": True, "bearerTokenType": "LONG_TERM"},
    )
    call = failed_call(rec, "f#1")
    assert call is not None
    assert call.caller.principal == CAROL_KEY_USER
    assert call.caller.kind == "API-key IAM user"
    assert call.caller.api_key is True
    assert call.caller.bearer_token_type == "LONG_TERM"


@pytest.mark.parametrize(
    ("field", "value"), [("eventTime", None), ("eventTime", "yesterday"), ("awsRegion", None)]
)
def test_a_failure_without_the_fields_it_needs_is_an_error_naming_the_field(field, value):
    rec = record(error_code="AccessDenied", message="m")
    if value is None:
        del rec[field]
    else:
        rec[field] = value
    with pytest.raises(RecordError) as info:
        failed_call(rec, "f#1")
    assert info.value.field == field


def test_a_success_without_those_fields_is_simply_not_a_failure():
    rec = record()
    del rec["eventTime"]
    assert failed_call(rec, "f#1") is None


def test_times_from_every_export_are_utc():
    assert parse_time("2026-11-02T10:05:00Z") == parse_time("2026-11-02 10:05:00.000")
    assert parse_time("2026-11-02T12:05:00+02:00") == parse_time("2026-11-02T10:05:00Z")
    assert parse_time("not a time") is None


def test_secrets_in_record_fields_are_redacted():
    token = "ABSKQmVkcm9ja0FQSUtleS1leGFtcGxlLWtleQ=="
    rec = record(model=f"{token}", error_code="AccessDenied", message="m")
    call = failed_call(rec, "f#1")
    assert call is not None
    assert call.model_id is not None and "QmVkcm9ja0FQSUtleS" not in call.model_id


# ---------------------------------------------------------------------------------------------------
# Exported rows


def test_flat_athena_row_becomes_a_record():
    row = {
        "eventtime": "2026-11-02 10:05:00.000",
        "eventsource": "bedrock.amazonaws.com",
        "eventname": "Converse",
        "awsregion": "us-east-1",
        "errorcode": "AccessDenied",
        "errormessage": "m",
        "useridentity_arn": ALICE,
        "useridentity.accountid": "111122223333",
        "sessionissuer_username": "AWSReservedSSO_Developer_0123456789abcdef",
        "requestparameters": '{"modelId":"us.anthropic.claude-sonnet-4-6"}',
        "additionaleventdata": '{"callWithBearerToken":false}',
        "clientprovidedhostheader": "bedrock-runtime.us-east-1.amazonaws.com",
        "unknown_column": "ignored",
    }
    rec = record_from_row(row)
    call = failed_call(rec, "f#1")
    assert call is not None
    assert call.caller.principal == ALICE
    assert call.caller.identity_center_permission_set == "Developer"
    assert call.model_id == "us.anthropic.claude-sonnet-4-6"
    assert call.caller.api_key is False
    assert call.endpoint == "bedrock-runtime.us-east-1.amazonaws.com"
    assert "unknown_column" not in rec


def test_athena_struct_columns_are_read():
    text = (
        "{type=AssumedRole, principalid=AROAEXAMPLEID:alice@example.com, arn="
        + ALICE
        + ", accountid=111122223333, "
        "invokedby=null, accesskeyid=ASIAY34FZKBOKMUTVV7A, username=null, sessioncontext={attributes="
        "{mfaauthenticated=false, creationdate=2026-11-02T09:00:00Z}, sessionissuer={type=Role, "
        "principalid=AROAEXAMPLEID, arn=arn:aws:iam::111122223333:role/AWSReservedSSO_Developer_0123456789abcdef, "
        "accountid=111122223333, username=AWSReservedSSO_Developer_0123456789abcdef}}}"
    )
    parsed = parse_struct(text)
    assert parsed is not None
    assert parsed["arn"] == ALICE
    assert parsed["invokedby"] is None
    assert (
        parsed["sessioncontext"]["sessionissuer"]["username"] == "AWSReservedSSO_Developer_0123456789abcdef"
    )
    rec = record_from_row(
        {
            "eventtime": "2026-11-02T10:05:00Z",
            "eventsource": "bedrock.amazonaws.com",
            "eventname": "InvokeModel",
            "awsregion": "us-east-1",
            "errorcode": "AccessDenied",
            "useridentity": text,
            "tlsdetails": "{tlsversion=TLSv1.3, ciphersuite=TLS_AES_128_GCM_SHA256, clientprovidedhostheader=bedrock-runtime.us-east-1.amazonaws.com}",
        }
    )
    call = failed_call(rec, "f#1")
    assert call is not None
    assert call.caller.principal == ALICE
    assert call.caller.kind == "Identity Center (permission set Developer)"
    assert call.endpoint == "bedrock-runtime.us-east-1.amazonaws.com"


@pytest.mark.parametrize("text", ["{", "{a=1", "{=1}", "not a struct", "{a={b=1}"])
def test_malformed_struct_text_is_not_read(text):
    assert parse_struct(text) is None


def test_values_made_of_hex_digits_dashes_dots_and_colons_hold_no_secret():
    # records.py skips redaction for such values (event ids, IP addresses); redact() must agree.
    from hypothesis import given
    from hypothesis import strategies as st

    from bedrock_access.redact import redact

    @given(st.text(alphabet="0123456789abcdefABCDEF-.:", max_size=200))
    def check(value: str) -> None:
        assert redact(value) == value

    check()
