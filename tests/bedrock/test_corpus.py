"""explain on real pasted errors: every entry of corpus/pasted-errors.yaml (texts from public issue
threads, each with its link and what the thread found) must get the explanation that matches the
thread's cause, and no answer may print a placeholder."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import pytest
from ruamel.yaml import YAML

from bedrock_access.bedrock.paste import TOKEN_PREFIX
from bedrock_access.bedrock.reevaluate import destinations_of
from bedrock_access.catalog import load_catalog
from bedrock_access.explaining import ExplainedMessage, explain_message

CORPUS = Path(__file__).parent / "corpus" / "pasted-errors.yaml"
ENTRIES: list[dict[str, Any]] = YAML(typ="safe").load(CORPUS.read_text(encoding="utf-8"))
_PLACEHOLDER = re.compile(r"<[A-Za-z][A-Za-z _-]*>|\{[a-z_]+\}")


@pytest.fixture(scope="module")
def explain() -> Any:
    catalog = load_catalog()

    def run(text: str) -> ExplainedMessage:
        return explain_message(text, destinations_of=lambda m, r: destinations_of(catalog, m, r))

    return run


def test_the_corpus_is_large_and_every_entry_cites_its_thread() -> None:
    assert len(ENTRIES) >= 60
    ids = [e["id"] for e in ENTRIES]
    assert len(ids) == len(set(ids))
    for entry in ENTRIES:
        assert entry["source"].startswith("https://"), entry["id"]
        assert entry["thread_cause"] and entry["text"].strip() and entry["expect"]["code"], entry["id"]


@pytest.mark.parametrize("entry", ENTRIES, ids=[e["id"] for e in ENTRIES])
def test_pasted_error_is_explained_as_its_thread_found(entry: dict[str, Any], explain: Any) -> None:
    expect = entry["expect"]
    result = explain(entry["text"])
    parsed, explanation = result.parsed, result.explanation
    assert explanation.code == expect["code"], f"{entry['source']}: {entry['thread_cause']}"
    if "client" in expect:
        assert result.client == expect["client"]
    if "endpoint_region" in expect:
        assert parsed.endpoint_region == expect["endpoint_region"]
    if "model_id" in expect:
        assert parsed.model_id == expect["model_id"]
    if "redacted" in expect:
        assert {r.kind for r in parsed.redactions} >= set(expect["redacted"])
    if "truncated" in expect:
        assert parsed.truncated is expect["truncated"]
    answer = explanation.cause + "\n" + "\n".join(explanation.fixes)
    for words in expect.get("says", ()):
        assert words in answer, f"{words!r} missing from the answer for {entry['source']}"
    # Never print a placeholder: neither the user's (<acct>, ***) nor a template hole (<model>).
    assert TOKEN_PREFIX not in answer
    assert not _PLACEHOLDER.search(answer), _PLACEHOLDER.search(answer)
