"""A snapshot built from saved AWS CLI output holds the same organization as one collected."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from bedrock_access.cli import main
from bedrock_access.org import load_snapshot

ROOT = Path(__file__).resolve().parents[2]
CLI_OUTPUT = ROOT / "examples" / "collect" / "cli-output"
EXAMPLE = ROOT / "examples" / "org-snapshot"


def test_from_cli_output_matches_the_example_snapshot(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    out = tmp_path / "snap"
    # The sandbox account's IAM listing was not saved: the snapshot says so and the exit status is 1.
    assert main(["collect", "--from-cli", str(CLI_OUTPUT), "--out", str(out)]) == 1
    assert "4 accounts (3 with an IAM listing)" in capsys.readouterr().out
    built, example = load_snapshot(out), load_snapshot(EXAMPLE)
    assert built.management_account == example.management_account == "999999999999"
    assert {(p.name, p.targets) for p in built.policies} == {(p.name, p.targets) for p in example.policies}
    assert built.path_to("444455556666") == example.path_to("444455556666")
    # Without Identity Center output, the permission-set role built for the unread account is absent.
    iam_principals = {
        p.arn: (p.identity, p.boundary) for p in example.principals if not p.arn.endswith("_unknown")
    }
    assert {p.arn: (p.identity, p.boundary) for p in built.principals} == iam_principals


def test_a_missing_cli_file_is_one_line_and_writes_nothing(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    src = tmp_path / "cli"
    shutil.copytree(CLI_OUTPUT, src)
    (src / "policies" / "p-cris1.targets.json").unlink()
    assert main(["collect", "--from-cli", str(src), "--out", str(tmp_path / "snap")]) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "p-cris1.targets.json: missing" in err
    assert sorted(p.name for p in tmp_path.iterdir()) == ["cli"]
