"""``explain --cloudtrail`` on a month of logs: wall time and peak memory of the whole command.

python benchmarks/bench_cloudtrail.py [RECORDS] [FORMAT]

Writes RECORDS CloudTrail records (default 1,000,000) as gzipped log files of 1,000 records each, in
the S3 layout (AWSLogs/<account>/CloudTrail/<region>/<yyyy>/<mm>/<dd>/), once, under the system's
temporary folder; later runs reuse them. 10 % of the records are failed Bedrock calls of seven kinds
(destination-Region and Region-less SCP denials, API-key denials, identity-policy denials, throttling,
on-demand validation errors, messages cut at 1 KB) by 500 developers in 3 accounts; the rest are
Bedrock successes and other services' calls, some of them denied. Then it runs
``bedrock-access explain --cloudtrail DIR --format FORMAT`` (default json) as a child process and
reports its wall time and peak resident memory (``resource.getrusage(RUSAGE_CHILDREN).ru_maxrss``).

Goal (docs/performance.md): one million records in under 60 s and under 300 MB.
"""

from __future__ import annotations

import gzip
import os
import random
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

import orjson

ROOT = Path(__file__).resolve().parents[1]
RECORDS_PER_FILE = 1_000
ACCOUNTS = ("111122223333", "444455556666", "777788889999")
REGIONS = ("us-east-1", "us-west-2", "eu-west-1")
DEVELOPERS = 500
SCP = "with an explicit deny in a service control policy"


def _identity(rng: random.Random, account: str, user: int) -> dict[str, Any]:
    role = "AWSReservedSSO_Developer_0123456789abcdef"
    arn = f"arn:aws:sts::{account}:assumed-role/{role}/dev{user:03d}@example.com"
    return {
        "type": "AssumedRole",
        "principalId": f"AROAEXAMPLEID:dev{user:03d}@example.com",
        "arn": arn,
        "accountId": account,
        "accessKeyId": "ASIA" + "".join(rng.choice("ABCDEFGHIJKLMNOPQRSTUVWXYZ234567") for _ in range(16)),
        "sessionContext": {
            "sessionIssuer": {
                "type": "Role",
                "principalId": "AROAEXAMPLEID",
                "arn": f"arn:aws:iam::{account}:role/aws-reserved/sso.amazonaws.com/{role}",
                "accountId": account,
                "userName": role,
            },
            "attributes": {"creationDate": "2026-11-01T08:00:00Z", "mfaAuthenticated": "false"},
        },
    }


def _failure(rng: random.Random, principal: str, account: str, region: str) -> tuple[str, str, str, str]:
    """(eventName, modelId, errorCode, errorMessage) of one failed call."""
    roll = rng.random()
    sonnet = "anthropic.claude-sonnet-4-6"
    op = rng.choice(("InvokeModel", "Converse", "ConverseStream", "InvokeModelWithResponseStream"))
    action = "bedrock:InvokeModelWithResponseStream" if "Stream" in op else "bedrock:InvokeModel"
    head = f"User: {principal} is not authorized to perform: {action} on resource: "
    if roll < 0.40:
        dest = rng.choice(("us-east-2", "us-west-1"))
        return (
            op,
            f"us.{sonnet}",
            "AccessDeniedException",
            f"{head}arn:aws:bedrock:{dest}::foundation-model/{sonnet} {SCP}",
        )
    if roll < 0.55:
        haiku = "anthropic.claude-haiku-4-5-20251001-v1:0"
        return (
            op,
            f"global.{haiku}",
            "AccessDeniedException",
            f"{head}arn:aws:bedrock:::foundation-model/{haiku} {SCP}",
        )
    if roll < 0.65:
        message = f"User: {principal} is not authorized to perform: bedrock:CallWithBearerToken on resource: * {SCP}"
        return op, f"us.{sonnet}", "AccessDeniedException", message
    if roll < 0.75:
        profile = f"arn:aws:bedrock:{region}:{account}:inference-profile/us.{sonnet}"
        tail = f"because no identity-based policy allows the {action} action"
        return op, f"us.{sonnet}", "AccessDenied", f"{head}{profile} {tail}"
    if roll < 0.90:
        return (
            op,
            f"us.{sonnet}",
            "ThrottlingException",
            "Too many requests, please wait before trying again.",
        )
    if roll < 0.95:
        message = (
            f"Invocation of model ID {sonnet} with on-demand throughput isn’t supported. Retry your request "
            "with the ID or ARN of an inference profile that contains this model."
        )
        return op, sonnet, "ValidationException", message
    long = (
        f"{head}arn:aws:bedrock:us-east-2::foundation-model/{sonnet} {SCP}: "
        "arn:aws:organizations::999999999999:policy/o-a1b2c3d4e5/service_control_policy/p-examplepol. "
        "Go to https://console.aws.amazon.com/iam/home#/authorization-details/4f1c2e9a?context=" + "Q" * 900
    )
    return op, f"us.{sonnet}", "AccessDenied", long[:1024]


def _record(rng: random.Random, when: str, index: int) -> dict[str, Any]:
    account = rng.choice(ACCOUNTS)
    region = rng.choice(REGIONS)
    user = rng.randrange(DEVELOPERS)
    identity = _identity(rng, account, user)
    rec: dict[str, Any] = {
        "eventVersion": "1.11",
        "userIdentity": identity,
        "eventTime": when,
        "awsRegion": region,
        "sourceIPAddress": f"203.0.113.{user % 250}",
        "userAgent": "claude-cli/2.1.0 Boto3/1.35.0 md/Botocore#1.35.0 ua/2.0 os/linux lang/python#3.12.0",
        "requestID": f"{index:08x}-2c18-413a-9288-7e9bbbb8f29d",
        "eventID": f"{index:08x}-3111-44bf-b78f-b0e263dc3d25",
        "readOnly": True,
        "eventType": "AwsApiCall",
        "managementEvent": True,
        "recipientAccountId": account,
        "eventCategory": "Management",
    }
    roll = rng.random()
    if roll < 0.10:
        op, model, code, message = _failure(rng, identity["arn"], account, region)
        rec.update(eventSource="bedrock.amazonaws.com", eventName=op, errorCode=code, errorMessage=message)
        rec["requestParameters"] = {"modelId": model}
        rec["responseElements"] = None
        rec["tlsDetails"] = {
            "tlsVersion": "TLSv1.3",
            "cipherSuite": "TLS_AES_128_GCM_SHA256",
            "clientProvidedHostHeader": f"bedrock-runtime.{region}.amazonaws.com",
        }
    elif roll < 0.40:
        rec.update(eventSource="bedrock.amazonaws.com", eventName="Converse")
        rec["requestParameters"] = {"modelId": "us.anthropic.claude-sonnet-4-6"}
        rec["responseElements"] = None
        rec["additionalEventData"] = {"inferenceRegion": rng.choice(("us-east-1", "us-east-2", "us-west-2"))}
    elif roll < 0.90:
        rec.update(eventSource="s3.amazonaws.com", eventName="GetObject")
        rec["requestParameters"] = {"bucketName": "example-bucket", "key": f"data/{index}.parquet"}
        rec["responseElements"] = None
    else:
        rec.update(eventSource="sts.amazonaws.com", eventName="AssumeRole", errorCode="AccessDenied")
        rec["errorMessage"] = (
            f"User: {identity['arn']} is not authorized to perform: sts:AssumeRole on resource: "
            f"arn:aws:iam::{account}:role/Admin"
        )
    return rec


def generate(folder: Path, total: int) -> None:
    rng = random.Random(14)
    index = 0
    file_number = 0
    while index < total:
        day = 1 + (file_number * 30) // max(1, total // RECORDS_PER_FILE)
        day = min(day, 30)
        region = REGIONS[file_number % len(REGIONS)]
        account = ACCOUNTS[file_number % len(ACCOUNTS)]
        target = folder / "AWSLogs" / account / "CloudTrail" / region / "2026" / "11" / f"{day:02d}"
        target.mkdir(parents=True, exist_ok=True)
        records = []
        for _ in range(min(RECORDS_PER_FILE, total - index)):
            second = index % 86_400
            when = f"2026-11-{day:02d}T{second // 3600:02d}:{second // 60 % 60:02d}:{second % 60:02d}Z"
            records.append(_record(rng, when, index))
            index += 1
        name = f"{account}_CloudTrail_{region}_202611{day:02d}T0000Z_{file_number:08d}.json.gz"
        (target / name).write_bytes(
            gzip.compress(orjson.dumps({"Records": records}), compresslevel=1, mtime=0)
        )
        file_number += 1
    (folder / "COMPLETE").write_text(str(total))


def main() -> None:
    total = int(sys.argv[1]) if len(sys.argv) > 1 else 1_000_000
    output = sys.argv[2] if len(sys.argv) > 2 else "json"
    folder = Path(tempfile.gettempdir()) / f"bedrock-access-bench-cloudtrail-{total}"
    if not (folder / "COMPLETE").exists():
        start = time.perf_counter()
        generate(folder, total)
        print(f"wrote {total:,} records under {folder} in {time.perf_counter() - start:.1f} s")
    env = {**os.environ, "PYTHONPATH": str(ROOT / "src")}
    cmd = [sys.executable, "-m", "bedrock_access", "explain", "--cloudtrail", str(folder / "AWSLogs")]
    cmd += ["--format", output]
    start = time.perf_counter()
    done = subprocess.run(cmd, capture_output=True, env=env, check=False)
    elapsed = time.perf_counter() - start
    peak_mb = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024
    if done.returncode not in (0, 1):
        sys.exit(f"command failed ({done.returncode}): {done.stderr.decode()[:2000]}")
    summary = ""
    if output == "json":
        doc = orjson.loads(done.stdout)
        summary = f"; {doc['records_read']:,} records read, {doc['failed_calls']:,} failed calls, {len(doc['groups'])} groups"
    print(f"explain --cloudtrail ({output}): {elapsed:.1f} s wall, {peak_mb:.0f} MB peak RSS{summary}")


if __name__ == "__main__":
    main()
