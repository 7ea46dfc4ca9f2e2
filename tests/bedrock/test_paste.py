"""Pastes as people paste them (bedrock/paste.py, issue 15): terminal frames, wrapped lines, redaction
placeholders and cut-off ends, and what explain makes of them."""

from __future__ import annotations

import pytest

from bedrock_access.bedrock.error_scan import parse_error
from bedrock_access.bedrock.paste import TOKEN_PREFIX, clean_paste, is_redacted, readable
from bedrock_access.explaining import explain_message

ARN = "arn:aws:bedrock:us-east-1:111122223333:inference-profile/us.anthropic.claude-3-5-haiku-20241022-v1:0"


def _box(lines: list[str], width: int = 60) -> str:
    """A Claude Code style frame: every line padded to the same width between │ borders."""
    top = "╭" + "─" * (width + 2) + "╮"
    bottom = "╰" + "─" * (width + 2) + "╯"
    return "\n".join([top, *(f"│ {line.ljust(width)} │" for line in lines), bottom])


def test_a_framed_error_is_unframed_and_a_hard_wrapped_arn_joined() -> None:
    sentence = (
        'API Error: 403 {"Message":"User: arn:aws:sts::111122223333:assumed-role/Dev/kim is not authorized '
        f"to perform: bedrock:InvokeModelWithResponseStream on resource: {ARN} because no identity-based "
        'policy allows the bedrock:InvokeModelWithResponseStream action"}'
    )
    # Wrap at word boundaries like the terminal, and hard-cut the ARN that is longer than the box.
    width = 60
    lines: list[str] = []
    current = ""
    for word in sentence.split(" "):
        while len(word) > width:
            if current:
                lines.append(current)
                current = ""
            lines.append(word[:width])
            word = word[width:]
        if current and len(current) + 1 + len(word) > width:
            lines.append(current)
            current = word
        else:
            current = f"{current} {word}" if current else word
    lines.append(current)
    cleaned = clean_paste(_box(lines, width))
    assert cleaned.framed
    assert ARN in cleaned.text
    assert "is not authorized to perform" in cleaned.text
    parsed = parse_error(_box(lines, width))
    assert parsed.resource == ARN and parsed.policy_type == "identity"


def test_a_line_break_inside_the_sentence_is_joined() -> None:
    text = (
        "User: arn:aws:iam::111122223333:user/bob is not\n"
        "authorized to perform: bedrock:InvokeModel on resource: arn:aws:bedrock:us-east-1::foundation-\n"
        "model/anthropic.claude-3-haiku-20240307-v1:0 with an explicit deny in a service control policy"
    )
    parsed = parse_error(text)
    assert parsed.action == "bedrock:InvokeModel"
    assert (
        parsed.resource
        == "arn:aws:bedrock:us-east-1::foundation-model/anthropic.claude-3-haiku-20240307-v1:0"
    )
    assert parsed.policy_type == "scp" and parsed.explicit


@pytest.mark.parametrize(
    ("placeholder", "kind"),
    [
        ("<account id>", "account"),
        ("{account-id}", "account"),
        ("<ACCOUNT_ID>", "account"),
        ("XXXXXXXXXXXX", "account"),
        ("************", "account"),
    ],
)
def test_a_redacted_account_is_opaque_and_never_read_as_a_value(placeholder: str, kind: str) -> None:
    text = (
        f"User: arn:aws:sts::{placeholder}:assumed-role/Dev/kim is not authorized to perform: "
        f"bedrock:InvokeModel on resource: arn:aws:bedrock:us-east-1:{placeholder}:inference-profile/"
        "us.anthropic.claude-sonnet-4-6 because no identity-based policy allows the bedrock:InvokeModel action"
    )
    parsed = parse_error(text)
    assert [r.kind for r in parsed.redactions] == [kind]
    assert parsed.account is None  # a placeholder is not an account id
    assert is_redacted(parsed.resource)
    assert readable(parsed.resource or "").startswith("arn:aws:bedrock:us-east-1:(redacted account):")
    answer = explain_message(text).explanation
    assert placeholder not in answer.cause + "".join(answer.fixes)
    assert TOKEN_PREFIX not in answer.cause + "".join(answer.fixes)


def test_other_placeholders_are_recognised_by_kind() -> None:
    cleaned = clean_paste("caller abc[at]domain.com in <region> with model <model> and key ***")
    kinds = {r.placeholder: r.kind for r in cleaned.redactions}
    assert kinds == {"abc[at]domain.com": "email", "<region>": "region", "<model>": "model", "***": "other"}
    assert "<region>" not in cleaned.text and "abc[at]domain.com" not in cleaned.text


def test_a_redacted_region_gives_both_readings() -> None:
    text = (
        "User: arn:aws:iam::111122223333:user/bob is not authorized to perform: bedrock:InvokeModel on "
        "resource: arn:aws:bedrock:<region>::foundation-model/anthropic.claude-sonnet-4-6 with an explicit "
        "deny in a service control policy"
    )
    result = explain_message(text)
    assert result.explanation.code == "foundation-model-check"
    cause = result.explanation.cause
    assert "both readings" in cause and "destination Region" in cause and "direct call" in cause
    assert "<region>" not in cause and "(redacted region)" in cause


def test_a_redacted_region_in_the_host_name_keeps_both_readings() -> None:
    result = explain_message("getaddrinfo ENOTFOUND bedrock-runtime.<region>.amazonaws.com")
    assert result.explanation.code == "no-endpoint"
    assert "redacted" in result.explanation.cause and "<region>" not in result.explanation.cause


def test_the_region_without_bedrock_is_the_root_cause_of_a_two_error_paste() -> None:
    """Issue 15's example: an invalid model id and getaddrinfo ENOTFOUND bedrock-runtime.ap-east-1 in one
    paste. No request reached AWS in ap-east-1, so the Region is the root cause."""
    text = (
        "API Error: 400 The provided model identifier is invalid.\n"
        "Error: getaddrinfo ENOTFOUND bedrock-runtime.ap-east-1"
    )
    result = explain_message(text)
    assert result.parsed.non_iam_cause == "no-endpoint"
    assert result.parsed.other_causes == ("invalid-model-id",)
    assert result.parsed.endpoint_region == "ap-east-1"
    assert "ap-east-1" in result.explanation.cause and "fix this first" in result.explanation.cause


def test_a_cut_off_sentence_is_noted_and_every_reading_kept() -> None:
    text = (
        "User: arn:aws:sts::111122223333:assumed-role/Dev/kim is not authorized to perform: "
        "bedrock:InvokeModel on resource: arn:aws:bedrock:us-east-1::foundation-model/"
        "anthropic.claude-3-haiku-20240307-v1:0 with an explicit de"
    )
    result = explain_message(text)
    assert result.parsed.truncated
    assert "cut off" in " ".join(result.explanation.fixes)
    assert "every reading stays open" in result.explanation.cause


def test_source_region_model_and_caller_fill_what_the_message_lacks() -> None:
    """explain_message's context (used by bulk CloudTrail explain): the CloudTrail event's awsRegion
    narrows a foundation-model denial in that very Region to a direct call."""
    text = (
        "User: arn:aws:iam::111122223333:user/bob is not authorized to perform: bedrock:InvokeModel on "
        "resource: arn:aws:bedrock:us-east-1::foundation-model/anthropic.claude-3-haiku-20240307-v1:0 "
        "because no identity-based policy allows the bedrock:InvokeModel action"
    )
    result = explain_message(text, source_region="us-east-1", model_id="x", caller="y")
    assert result.parsed.endpoint_region == "us-east-1"
    assert result.parsed.principal == "arn:aws:iam::111122223333:user/bob"  # the message wins
    assert "direct call" in result.explanation.cause
    bare = explain_message(
        "The security token included in the request is expired", caller="arn:aws:iam::1:user/z"
    )
    assert bare.parsed.principal == "arn:aws:iam::1:user/z"


@pytest.mark.parametrize(
    ("text", "code"),
    [
        (
            "POST https://bedrock-runtime.us-east-1.amazonaws.com/model/"
            "global.anthropic.claude-sonnet-4-5-20250929-v1%3A0/count-tokens 403 Forbidden",
            "count-tokens-forbidden",
        ),
        (
            "HTTP 403 Forbidden https://bedrock-runtime.eu-west-1.amazonaws.com/model/x/converse",
            "runtime-forbidden",
        ),
        ("ValidationException: This model is not available for this account.", "not-available-for-account"),
        ("Authentication failed: Please make sure your API Key is valid.", "invalid-api-key"),
        (
            "An error occurred (ValidationException) when calling the Converse operation: Operation not allowed",
            "account-operation-not-allowed",
        ),
    ],
)
def test_messages_issue_15_names_are_recognised(text: str, code: str) -> None:
    result = explain_message(text)
    assert result.explanation.code == code
    assert "<model>" not in result.explanation.cause


def test_count_tokens_403_names_the_action_and_region() -> None:
    result = explain_message(
        "POST https://bedrock-runtime.us-east-1.amazonaws.com/model/global.anthropic.claude-sonnet-4-5-20250929-v1%3A0"
        "/count-tokens 403 Forbidden"
    )
    assert result.parsed.endpoint_region == "us-east-1" and result.parsed.operation == "CountTokens"
    assert "bedrock:CountTokens" in result.explanation.cause + " ".join(result.explanation.fixes)


def test_traceback_and_html_angle_words_are_not_placeholders() -> None:
    cleaned = clean_paste('File "<string>", line 1, in <module>\n<html><body>403 Forbidden</body></html>')
    assert cleaned.redactions == ()
    assert "<module>" in cleaned.text
