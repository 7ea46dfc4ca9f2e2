"""CloudTrail records for the tests and examples, in the shape of AWS's documented samples.

The base record follows the InvokeModel entry of the Bedrock user guide's CloudTrail page and the
record-contents reference (eventVersion 1.11, userIdentity, tlsDetails.clientProvidedHostHeader,
requestParameters.modelId, additionalEventData.inferenceRegion for cross-Region calls). The failure
messages are those of the failure scenarios quoted in docs/errors.md (S1, S2, S14). Access key ids are
AWS's documentation placeholders, long enough to look real, so that redaction is exercised.
"""

from __future__ import annotations

import copy
from typing import Any

ACCOUNT = "111122223333"
ALICE = f"arn:aws:sts::{ACCOUNT}:assumed-role/AWSReservedSSO_Developer_0123456789abcdef/alice@example.com"
BOB = f"arn:aws:sts::{ACCOUNT}:assumed-role/AWSReservedSSO_Developer_0123456789abcdef/bob@example.com"
CAROL_KEY_USER = f"arn:aws:iam::{ACCOUNT}:user/BedrockAPIKey_carol"
ACCESS_KEY_ID = "ASIAY34FZKBOKMUTVV7A"
LONG_TERM_KEY_ID = "AKIAIOSFODNN7EXAMPLE"
SONNET_US = "us.anthropic.claude-sonnet-4-6"
SONNET = "anthropic.claude-sonnet-4-6"
HAIKU_GLOBAL = "global.anthropic.claude-haiku-4-5-20251001-v1:0"
SCP_DENY = "with an explicit deny in a service control policy"


def denial(principal: str, action: str, resource: str, tail: str = SCP_DENY) -> str:
    return f"User: {principal} is not authorized to perform: {action} on resource: {resource} {tail}"


def identity_center(principal: str, key_id: str = ACCESS_KEY_ID) -> dict[str, Any]:
    role = principal.split("/")[1]
    return {
        "type": "AssumedRole",
        "principalId": f"AROAEXAMPLEID:{principal.rsplit('/', 1)[1]}",
        "arn": principal,
        "accountId": ACCOUNT,
        "accessKeyId": key_id,
        "sessionContext": {
            "sessionIssuer": {
                "type": "Role",
                "principalId": "AROAEXAMPLEID",
                "arn": f"arn:aws:iam::{ACCOUNT}:role/aws-reserved/sso.amazonaws.com/{role}",
                "accountId": ACCOUNT,
                "userName": role,
            },
            "attributes": {"creationDate": "2026-11-02T09:00:00Z", "mfaAuthenticated": "false"},
        },
    }


def record(
    *,
    time: str = "2026-11-02T10:05:00Z",
    event: str = "InvokeModel",
    source: str = "bedrock.amazonaws.com",
    region: str = "us-east-1",
    model: str | None = SONNET_US,
    principal: str = ALICE,
    error_code: str | None = None,
    message: str | None = None,
    event_id: str = "a8d388e2-3111-44bf-b78f-b0e263dc3d25",
    **extra: Any,
) -> dict[str, Any]:
    """A record shaped like AWS's InvokeModel sample; ``extra`` overrides or adds top-level fields."""
    rec: dict[str, Any] = {
        "eventVersion": "1.11",
        "userIdentity": identity_center(principal),
        "eventTime": time,
        "eventSource": source,
        "eventName": event,
        "awsRegion": region,
        "sourceIPAddress": "203.0.113.25",
        "userAgent": "claude-cli/2.1.0 Boto3/1.35.0",
        "requestParameters": {"modelId": model} if model is not None else None,
        "responseElements": None,
        "requestID": "0873fdcf-2c18-413a-9288-7e9bbbb8f29d",
        "eventID": event_id,
        "readOnly": True,
        "eventType": "AwsApiCall",
        "managementEvent": True,
        "recipientAccountId": ACCOUNT,
        "eventCategory": "Management",
        "tlsDetails": {
            "tlsVersion": "TLSv1.3",
            "cipherSuite": "TLS_AES_128_GCM_SHA256",
            "clientProvidedHostHeader": f"bedrock-runtime.{region}.amazonaws.com",
        },
    }
    if error_code is not None:
        rec["errorCode"] = error_code
        rec["errorMessage"] = message
    rec.update(extra)
    return rec


def api_key_user() -> dict[str, Any]:
    return {
        "type": "IAMUser",
        "principalId": "AIDAEXAMPLEID",
        "arn": CAROL_KEY_USER,
        "accountId": ACCOUNT,
        "accessKeyId": LONG_TERM_KEY_ID,
        "userName": "BedrockAPIKey_carol",
    }


def sample_records() -> list[dict[str, Any]]:
    """One delivered log file's worth: failures of every kind the tests need, and noise around them."""
    s1_resource = f"arn:aws:bedrock:us-east-2::foundation-model/{SONNET}"
    global_resource = "arn:aws:bedrock:::foundation-model/anthropic.claude-haiku-4-5-20251001-v1:0"
    long_tail = (
        f"{SCP_DENY}: arn:aws:organizations::999999999999:policy/o-a1b2c3d4e5/service_control_policy/p-examplepol. "
        "Go to https://console.aws.amazon.com/iam/home#/authorization-details/4f1c2e9a7b3d4c5e8f6a0b1c2d3e4f5a"
        "?context="
        + "QmVkcm9ja0FjY2Vzc0NvbnRleHQ" * 30
        + " to learn more. Authorization id: 4f1c2e9a7b3d4c5e8f6a0b1c2d3e4f5a"
    )
    truncated = denial(BOB, "bedrock:InvokeModel", s1_resource, long_tail)[:1024]
    records = [
        # S1: the us. profile's destination us-east-2 is denied by the Region-deny SCP (four calls).
        record(
            event="InvokeModelWithResponseStream",
            error_code="AccessDeniedException",
            message=denial(ALICE, "bedrock:InvokeModelWithResponseStream", s1_resource),
            event_id="e0000001-0000-4000-8000-000000000001",
        ),
        record(
            time="2026-11-03T08:00:00Z",
            event="ConverseStream",
            error_code="AccessDeniedException",
            message=denial(ALICE, "bedrock:InvokeModelWithResponseStream", s1_resource),
            event_id="e0000001-0000-4000-8000-000000000002",
        ),
        record(
            time="2026-11-04T12:30:00Z",
            event="Converse",
            principal=BOB,
            error_code="AccessDenied",
            message=denial(BOB, "bedrock:InvokeModel", s1_resource),
            event_id="e0000001-0000-4000-8000-000000000003",
        ),
        # The same denial, its message cut at 1 KB (the policy ARN and the link run past the cut).
        record(
            time="2026-11-05T16:45:00Z",
            event="Converse",
            principal=BOB,
            error_code="AccessDenied",
            message=truncated,
            event_id="e0000001-0000-4000-8000-000000000004",
        ),
        # S2: a global profile's Region-less check, denied by the same SCP.
        record(
            time="2026-11-02T11:00:00Z",
            model=HAIKU_GLOBAL,
            error_code="AccessDeniedException",
            message=denial(ALICE, "bedrock:InvokeModel", global_resource),
            event_id="e0000002-0000-4000-8000-000000000001",
        ),
        # S14: a long-term Bedrock API key, blocked by an SCP on bedrock:CallWithBearerToken.
        record(
            time="2026-11-02T12:00:00Z",
            event="Converse",
            userIdentity=api_key_user(),
            error_code="AccessDeniedException",
            message=(
                f"User: {CAROL_KEY_USER} is not authorized to perform: bedrock:CallWithBearerToken "
                "on resource: * with an explicit deny in a service control policy"
            ),
            additionalEventData={"callWithBearerToken": True, "bearerTokenType": "LONG_TERM"},
            event_id="e0000003-0000-4000-8000-000000000001",
        ),
        # A throttled call: a failure, not a denial.
        record(
            time="2026-11-02T13:00:00Z",
            error_code="ThrottlingException",
            message="Too many requests, please wait before trying again.",
            event_id="e0000004-0000-4000-8000-000000000001",
        ),
        # A bedrock-mantle call denied to the same developer.
        record(
            time="2026-11-02T14:00:00Z",
            source="bedrock-mantle.amazonaws.com",
            event="CreateInference",
            model=None,
            requestParameters={"model": "openai.gpt-oss-120b", "callWithBearerToken": False},
            tlsDetails={"clientProvidedHostHeader": "bedrock-mantle.us-east-1.api.aws"},
            error_code="AccessDeniedException",
            message=denial(
                ALICE,
                "bedrock-mantle:CreateInference",
                f"arn:aws:bedrock-mantle:us-east-1:{ACCOUNT}:project/default",
                "because no identity-based policy allows the bedrock-mantle:CreateInference action",
            ),
            event_id="e0000005-0000-4000-8000-000000000001",
        ),
        # Noise: successes, another service's denial, a Bedrock control-plane denial.
        record(time="2026-11-02T10:00:00Z", event_id="e0000006-0000-4000-8000-000000000001"),
        record(
            time="2026-11-02T10:01:00Z",
            event="Converse",
            additionalEventData={"inferenceRegion": "us-west-2"},
            event_id="e0000006-0000-4000-8000-000000000002",
        ),
        record(
            time="2026-11-02T10:02:00Z",
            source="s3.amazonaws.com",
            event="GetObject",
            model=None,
            error_code="AccessDenied",
            message=denial(ALICE, "s3:GetObject", "arn:aws:s3:::example-bucket/report.csv"),
            event_id="e0000006-0000-4000-8000-000000000003",
        ),
        record(
            time="2026-11-02T10:03:00Z",
            event="ListFoundationModels",
            model=None,
            error_code="AccessDeniedException",
            message=denial(ALICE, "bedrock:ListFoundationModels", "*"),
            event_id="e0000006-0000-4000-8000-000000000004",
        ),
    ]
    return copy.deepcopy(records)


FAILED_CALLS = 8
"""Bedrock inference calls that failed in :func:`sample_records`."""


# ---------------------------------------------------------------------------------------------------
# The same records in every input form.

S3_FILE = (
    "AWSLogs/111122223333/CloudTrail/us-east-1/2026/11/02/"
    "111122223333_CloudTrail_us-east-1_20261102T1005Z_Ex4mpleBedrock01.json.gz"
)
ATHENA_COLUMNS = (
    "eventtime",
    "eventsource",
    "eventname",
    "awsregion",
    "errorcode",
    "errormessage",
    "useridentity_type",
    "useridentity_arn",
    "useridentity_accountid",
    "sessionissuer_username",
    "requestparameters",
    "additionaleventdata",
    "sourceipaddress",
    "vpcendpointid",
    "clientprovidedhostheader",
    "recipientaccountid",
    "eventid",
)


def s3_file_bytes(records: list[dict[str, Any]]) -> bytes:
    """A log file as CloudTrail delivers it: one line, gzipped."""
    import gzip
    import json

    return gzip.compress(json.dumps({"Records": records}, separators=(",", ":")).encode(), mtime=0)


def lookup_events_text(records: list[dict[str, Any]]) -> str:
    """``aws cloudtrail lookup-events`` output: newest first, each record a JSON string."""
    import json

    events = []
    for rec in sorted(records, key=lambda r: r["eventTime"], reverse=True):
        events.append(
            {
                "EventId": rec["eventID"],
                "EventName": rec["eventName"],
                "ReadOnly": "true",
                "AccessKeyId": rec["userIdentity"].get("accessKeyId"),
                "EventTime": rec["eventTime"].replace("Z", "+00:00"),
                "EventSource": rec["eventSource"],
                "Username": rec["userIdentity"]["arn"].rsplit("/", 1)[1],
                "Resources": [],
                "CloudTrailEvent": json.dumps(rec, separators=(",", ":")),
            }
        )
    return json.dumps({"Events": events}, indent=4) + "\n"


def athena_row(rec: dict[str, Any]) -> list[str]:
    import json

    identity = rec["userIdentity"]
    issuer = identity.get("sessionContext", {}).get("sessionIssuer", {})
    return [
        rec["eventTime"].replace("T", " ").replace("Z", ".000"),
        rec["eventSource"],
        rec["eventName"],
        rec["awsRegion"],
        rec.get("errorCode", ""),
        rec.get("errorMessage") or "",
        identity["type"],
        identity["arn"],
        identity["accountId"],
        issuer.get("userName", ""),
        json.dumps(rec["requestParameters"]) if rec.get("requestParameters") else "",
        json.dumps(rec["additionalEventData"]) if rec.get("additionalEventData") else "",
        rec["sourceIPAddress"],
        rec.get("vpcEndpointId", ""),
        rec["tlsDetails"]["clientProvidedHostHeader"],
        rec["recipientAccountId"],
        rec["eventID"],
    ]


def athena_csv_text(records: list[dict[str, Any]]) -> str:
    """The CSV Athena writes for the query in docs/cloudtrail.md (every field quoted)."""
    import csv
    import io

    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n", quoting=csv.QUOTE_ALL)
    writer.writerow(ATHENA_COLUMNS)
    writer.writerows(athena_row(rec) for rec in records)
    return out.getvalue()


def write_examples(base: Any) -> None:
    """(Re)write examples/cloudtrail from :func:`sample_records`; a test checks they match."""
    from pathlib import Path

    base = Path(base)
    records = sample_records()
    s3 = base / S3_FILE
    s3.parent.mkdir(parents=True, exist_ok=True)
    s3.write_bytes(s3_file_bytes(records))
    bedrock = [r for r in records if r["eventSource"].startswith("bedrock")]
    (base / "lookup-events.json").write_text(lookup_events_text(bedrock), encoding="utf-8")
    (base / "athena-results.csv").write_text(athena_csv_text(bedrock), encoding="utf-8")


if __name__ == "__main__":
    import sys

    write_examples(sys.argv[1])
