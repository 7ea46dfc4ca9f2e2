"""``collect`` through real boto3 calls against moto's server (and a stand-in proxy for throttling, a
refused AssumeRole and the permission-set boundary call moto lacks), then ``matrix`` on the result."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from bedrock_access.catalog import load_catalog
from bedrock_access.cli import main
from bedrock_access.matrix import decide_snapshot
from bedrock_access.org import load_snapshot

from .conftest import Proxy, query_error, start_proxy
from .org_setup import Org, build_org

SRC = Path(__file__).resolve().parents[2] / "src"


@pytest.fixture(scope="module")
def aws_env(moto_url: str) -> Iterator[dict[str, str]]:
    env = {
        "AWS_ACCESS_KEY_ID": "testing",
        "AWS_SECRET_ACCESS_KEY": "testing",
        "AWS_REGION": "us-east-1",
        "AWS_DEFAULT_REGION": "us-east-1",
        "AWS_ENDPOINT_URL": moto_url,
    }
    saved = {k: os.environ.get(k) for k in (*env, "AWS_PROFILE", "AWS_ENDPOINT_URL_IAM", "AWS_SESSION_TOKEN")}
    for k in ("AWS_PROFILE", "AWS_SESSION_TOKEN", "AWS_ENDPOINT_URL_IAM"):
        os.environ.pop(k, None)
    os.environ.update(env)
    try:
        yield env
    finally:
        for k, v in saved.items():
            if v is None:
                os.environ.pop(k, None)
            else:
                os.environ[k] = v


@pytest.fixture(scope="module")
def org(aws_env: dict[str, str]) -> Org:
    return build_org()


@pytest.fixture
def proxy(moto_url: str, org: Org, monkeypatch: pytest.MonkeyPatch) -> Iterator[Proxy]:
    p, server = start_proxy(moto_url)
    monkeypatch.setenv("AWS_ENDPOINT_URL", p.url)
    try:
        yield p
    finally:
        p.release.set()
        server.shutdown()


def _refuse_locked(org: Org):  # type: ignore[no-untyped-def]
    def rule(operation: str, params: dict[str, str]):  # type: ignore[no-untyped-def]
        if operation == "AssumeRole" and f":{org.locked}:" in params.get("RoleArn", ""):
            return query_error(
                403,
                "AccessDenied",
                f"User is not authorized to perform: sts:AssumeRole on {params['RoleArn']}",
            )
        return None

    return rule


def _throttle(n: int):  # type: ignore[no-untyped-def]
    left = [n]

    def rule(operation: str, params: dict[str, str]):  # type: ignore[no-untyped-def]
        if operation == "GetAccountAuthorizationDetails" and left[0] > 0:
            left[0] -= 1
            return query_error(400, "Throttling", "Rate exceeded")
        return None

    return rule


def _boundary(operation: str, params: dict[str, str]):  # type: ignore[no-untyped-def]
    # moto has no GetPermissionsBoundaryForPermissionSet: answer as Identity Center does.
    if operation == "GetPermissionsBoundaryForPermissionSet":
        body = {
            "PermissionsBoundary": {
                "CustomerManagedPolicyReference": {"Name": "BedrockUsBoundary", "Path": "/"}
            }
        }
        return 200, "application/x-amz-json-1.1", json.dumps(body)
    return None


def test_collect_reads_the_organization_and_matrix_decides_it(
    org: Org, proxy: Proxy, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    proxy.rules[:] = [_refuse_locked(org), _throttle(3), _boundary]
    out = tmp_path / "snap"
    code = main(["collect", "--out", str(out), "--workers", "3", "--retry-mode", "standard"])
    printed = capsys.readouterr().out
    assert code == 1, printed  # one account could not be read
    assert f"not read: {org.locked}: AccessDenied" in printed
    assert "4 accounts read, 1 not read" in printed
    # Throttled calls were retried by botocore: more calls than accounts read.
    assert proxy.count("GetAccountAuthorizationDetails") == 4 + 3
    assert not (tmp_path / "snap.partial").exists()

    snap = load_snapshot(out)
    assert snap.management_account == org.management
    status = {a.id: a.status for a in snap.accounts}
    assert status[org.locked] == "unreadable" and status[org.dev] == "read"
    assert snap.path_to(org.prod) == (org.root, org.workloads, org.prod_ou, org.prod)
    by_name = {p.name: p for p in snap.policies}
    assert org.workloads in by_name["aws-guardrails-GRREGIONDENY"].targets
    assert set(by_name["FullAWSAccess"].targets) >= {org.root, org.workloads, org.dev}

    principals = {p.arn: p for p in snap.principals}
    scientist = principals[f"arn:aws:iam::{org.dev}:role/DataScientist"]
    assert scientist.boundary is not None and scientist.boundary.name == "BedrockUsBoundary"
    assert [d.name for d in scientist.identity] == ["ClaudeAccess"]
    # The permission set is a principal of the unreadable account too, with its boundary.
    sso = [p for p in snap.principals if p.permission_set == "Developer"]
    assert {p.account_id for p in sso} == {org.sandbox, org.locked}
    locked_sso = next(p for p in sso if p.account_id == org.locked)
    assert locked_sso.name.startswith("AWSReservedSSO_Developer_")
    assert {d.name for d in locked_sso.identity} == {
        "AwsSSOInlinePolicy"
    }  # ClaudeAccess is in the unread account
    assert any("ClaudeAccess" in n for n in locked_sso.notes)
    sandbox_sso = next(p for p in sso if p.account_id == org.sandbox)
    assert {d.name for d in sandbox_sso.identity} == {"AwsSSOInlinePolicy", "ClaudeAccess"}
    assert sandbox_sso.boundary is not None and sandbox_sso.boundary.name == "BedrockUsBoundary"

    # Nothing secret: no access key or session token of the assumed roles is written.
    for path in out.rglob("*.json"):
        text = path.read_text()
        assert "SecretAccessKey" not in text and "SessionToken" not in text and "testing" not in text

    matrix = decide_snapshot(
        snap, load_catalog(), models=["us.anthropic.claude-sonnet-4-6"], regions=["us-east-1"]
    )
    cells = {c.principal_arn: c for c in matrix.cells()}
    dev = cells[f"arn:aws:iam::{org.dev}:role/BedrockDeveloper"]
    assert dev.verdict == "denied"
    assert (
        dev.decided_by[0].policy == "aws-guardrails-GRREGIONDENY" and dev.decided_by[0].level == org.workloads
    )
    assert cells[f"arn:aws:iam::{org.sandbox}:role/BedrockDeveloper"].verdict == "allowed"  # CRIS exemption
    glob = decide_snapshot(
        snap, load_catalog(), models=["global.anthropic.claude-sonnet-4-6"], regions=["us-east-1"]
    )
    gcells = {c.principal_arn: c for c in glob.cells()}
    blocked = gcells[f"arn:aws:iam::{org.sandbox}:role/DataScientist"]
    assert blocked.verdict == "denied"
    assert any(d.type in ("pb", "scp") for d in blocked.decided_by)


def test_per_service_endpoint_variables_are_honoured(
    org: Org,
    moto_url: str,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    p, server = start_proxy(moto_url)
    p.rules[:] = [_boundary]
    try:
        monkeypatch.setenv("AWS_ENDPOINT_URL", moto_url)
        monkeypatch.setenv("AWS_ENDPOINT_URL_IAM", p.url)
        monkeypatch.setenv("AWS_ENDPOINT_URL_SSO_ADMIN", p.url)
        monkeypatch.delenv(
            "AWS_DEFAULT_REGION"
        )  # the Region from AWS_REGION alone (Identity Center needs one)
        code = main(["collect", "--out", str(tmp_path / "s"), "--accounts", org.sandbox])
        printed = capsys.readouterr().out
        assert code == 0, printed
        assert "IAM Identity Center: 1 permission sets, 1 account assignments" in printed
        seen = {s.operation for s in p.seen}
        assert {
            "GetAccountAuthorizationDetails",
            "ListPermissionSets",
            "GetPermissionsBoundaryForPermissionSet",
        } <= seen
        # Organizations and STS went to AWS_ENDPOINT_URL, not through the IAM or SSO endpoint.
        assert not seen & {"ListRoots", "DescribeOrganization", "AssumeRole", "GetCallerIdentity"}
        snap = load_snapshot(tmp_path / "s")
        assert {a.id for a in snap.accounts if a.status == "read"} == {org.sandbox}
    finally:
        server.shutdown()


def test_an_interrupted_run_continues(org: Org, proxy: Proxy, tmp_path: Path) -> None:
    calls = [0]

    def hang_second(operation: str, params: dict[str, str]):  # type: ignore[no-untyped-def]
        if operation == "GetAccountAuthorizationDetails":
            calls[0] += 1
            if calls[0] >= 2:
                return "hang"
        return None

    proxy.rules[:] = [hang_second]
    out = tmp_path / "snap"
    env = {**os.environ, "PYTHONPATH": str(SRC)}
    child = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "bedrock_access",
            "collect",
            "--out",
            str(out),
            "--workers",
            "1",
            "--no-identity-center",
        ],
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        accounts = tmp_path / "snap.partial" / "accounts"
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline and not (accounts.is_dir() and list(accounts.glob("*.json"))):
            time.sleep(0.1)
        first = [p.stem for p in accounts.glob("*.json")]
        assert len(first) == 1
    finally:
        child.kill()  # the interruption
        child.wait()
    assert not out.exists()  # nothing half-published

    proxy.rules[:] = []
    proxy.release.set()
    before = proxy.count("GetAccountAuthorizationDetails")
    assert main(["collect", "--out", str(out), "--workers", "2", "--no-identity-center"]) == 0
    # Five accounts in the organization; the one read before the interruption is not read again.
    assert proxy.count("GetAccountAuthorizationDetails") - before == 4
    snap = load_snapshot(out)
    assert first[0] in {a.id for a in snap.accounts if a.status == "read"}
    assert len([a for a in snap.accounts if a.status == "read"]) == 5


def test_existing_output_is_refused(org: Org, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    (tmp_path / "snap").mkdir()
    assert main(["collect", "--out", str(tmp_path / "snap")]) == 2
    assert "already exists" in capsys.readouterr().err
