"""Every client kind has a settings editor beside its reader, and its edits read back as intended."""

from __future__ import annotations

from bedrock_access.bedrock.invocation import Invocation
from bedrock_access.clients import KINDS, READERS
from bedrock_access.clients.editing import DELETE, apply_sets, section_changes
from bedrock_access.clients.editors import EDITORS, client_edits, pin_all


def test_every_reader_has_an_editor() -> None:
    assert set(EDITORS) == set(READERS) == set(KINDS)


def test_sets_change_paths_and_list_items_and_report_what_changed() -> None:
    section = {"kind": "litellm", "settings": {"model_list": [{"litellm_params": {"model": "a"}}]}}
    edit = apply_sets(section, {"settings.model_list[0].litellm_params.aws_region_name": "eu-west-1"})
    assert edit is not None
    assert edit.section["settings"]["model_list"][0]["litellm_params"]["aws_region_name"] == "eu-west-1"
    assert section["settings"]["model_list"][0]["litellm_params"] == {"model": "a"}  # not touched
    assert apply_sets(section, {"settings.model_list[3].x": 1}) is None  # no such item
    removed = apply_sets(
        {"kind": "roo-code", "settings": {"awsCustomArn": "arn"}}, {"settings.awsCustomArn": DELETE}
    )
    assert removed is not None and removed.describe() == "unset settings.awsCustomArn"
    assert section_changes(section, edit.section) == {
        "settings.model_list[0].litellm_params.aws_region_name": "eu-west-1"
    }


def test_claude_code_moves_a_call_and_pins_every_role_at_once() -> None:
    section = {"kind": "claude-code", "env": {"CLAUDE_CODE_USE_BEDROCK": "1", "AWS_REGION": "eu-west-3"}}
    main = Invocation(label="main", model="eu.anthropic.claude-sonnet-4-6", region="eu-west-3", role="main")
    (move, with_model) = client_edits(
        section, main, model="eu.anthropic.claude-sonnet-4-6", region="eu-west-1"
    )
    assert move.changes == (("env.AWS_REGION", "eu-west-1"),)
    assert ("env.ANTHROPIC_MODEL", "eu.anthropic.claude-sonnet-4-6") in with_model.changes
    background = Invocation(
        label="bg", model="eu.anthropic.claude-haiku-4-5-20251001-v1:0", region="eu-west-3", role="background"
    )
    edit = pin_all(section, [main, background])
    assert edit is not None
    assert edit.section["env"]["ANTHROPIC_MODEL"] == "eu.anthropic.claude-sonnet-4-6"
    assert (
        edit.section["env"]["ANTHROPIC_DEFAULT_HAIKU_MODEL"] == "eu.anthropic.claude-haiku-4-5-20251001-v1:0"
    )
    assert pin_all({"kind": "cline", "settings": {}}, [main]) is None  # no setting per role
