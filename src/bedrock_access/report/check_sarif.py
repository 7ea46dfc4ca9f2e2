"""``check --format sarif``: SARIF 2.1.0 for code-scanning services (GitHub, GitLab, Azure DevOps).

One result per failing call (denied or invalid), level ``error``; its rule is the finding or deny code
that failed the call; its location is the scenario file and the line of the invocation or client setting
the call comes from. Calls that pass produce no result: a clean run is an empty result list.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import PurePath
from typing import Any

from bedrock_access import __version__
from bedrock_access.report.calls import LocatedRun, call_line, failing, help_text, one_line, rule_id

SARIF_SCHEMA = "https://json.schemastore.org/sarif-2.1.0.json"
INFORMATION_URI = "https://github.com/bedrock-access/bedrock-access"

_RULE_TEXT = {
    "explicit-deny": "A policy statement explicitly denies the Bedrock call.",
    "implicit-deny": "No policy statement allows the Bedrock call.",
}


def _rule_description(rule: str) -> str:
    for prefix, text in _RULE_TEXT.items():
        if rule.startswith(prefix):
            layer = rule[len(prefix) + 1 :]
            return f"{text[:-1]} ({layer} policy)." if layer else text
    return f"Bedrock refuses or cannot make the call ({rule})."


def _uri(source: str) -> str:
    """Relative paths stay relative (code scanning resolves them against the checkout); absolute ones
    become file:// URIs, as SARIF requires of an absolute location."""
    path = PurePath(source)
    return path.as_uri() if path.is_absolute() else path.as_posix()


def check_sarif(runs: Sequence[LocatedRun]) -> dict[str, Any]:
    rules: dict[str, dict[str, Any]] = {}
    results: list[dict[str, Any]] = []
    for located in runs:
        source = located.run.source
        for a in located.run.assessments:
            if not failing(a):
                continue
            rule = rule_id(a)
            if rule not in rules:
                hint = next((f.hint for f in a.findings if f.code == rule and f.hint), None)
                rules[rule] = {
                    "id": rule,
                    "shortDescription": {"text": _rule_description(rule)},
                    "help": {
                        "text": (f"For example: {hint}. " if hint else "")
                        + "Run `bedrock-access check` on the scenario for the checks and their "
                        "decisions, and `bedrock-access fix` for changes checked by the engine (docs/fix.md)."
                    },
                    "defaultConfiguration": {"level": "error"},
                }
            result: dict[str, Any] = {
                "ruleId": rule,
                "ruleIndex": list(rules).index(rule),
                "level": "error",
                "message": {"text": f"{one_line(a)}. {help_text(a, source)}"},
                "partialFingerprints": {"bedrockAccessCall/v1": f"{source or 'local'}|{a.invocation.label}"},
            }
            if source and source != "<stdin>":
                result["locations"] = [
                    {
                        "physicalLocation": {
                            "artifactLocation": {"uri": _uri(source)},
                            "region": {"startLine": call_line(a, located)},
                        }
                    }
                ]
            results.append(result)
    return {
        "$schema": SARIF_SCHEMA,
        "version": "2.1.0",
        "runs": [
            {
                "tool": {
                    "driver": {
                        "name": "bedrock-access",
                        "version": __version__,
                        "informationUri": INFORMATION_URI,
                        "rules": list(rules.values()),
                    }
                },
                "results": results,
            }
        ],
    }
