"""Credential redaction: every kind of secret a pasted error or environment dump can carry."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

import bedrock_access.bedrock.redact as documented_path
from bedrock_access.redact import (
    MASK,
    contains_secret,
    find_secrets,
    is_secret_name,
    looks_like_secret_name,
    redact,
    redact_mapping,
    redact_value,
)

# AWS's documented example credentials (IAM user guide), never real ones.
ACCESS_KEY = "AKIAIOSFODNN7EXAMPLE"
TEMP_KEY = "ASIAIOSFODNN7EXAMPLE"
SECRET = "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY"
TOKEN = "IQoJb3JpZ2luX2VjEJr//////////wEaCXVzLWVhc3QtMSJHMEUCIQD6example+token/value=="


@pytest.mark.parametrize(
    ("text", "gone", "kept"),
    [
        (f"key id {ACCESS_KEY} used", ACCESS_KEY, "AKIA" + MASK),
        (f"Credential={TEMP_KEY}/20250101/us-east-1/bedrock/aws4_request", TEMP_KEY, "ASIA" + MASK),
        (f"aws_secret_access_key = {SECRET}", SECRET, "aws_secret_access_key = " + MASK),
        (f"export AWS_SECRET_ACCESS_KEY={SECRET}", SECRET, "AWS_SECRET_ACCESS_KEY=" + MASK),
        (f'{{"SecretAccessKey": "{SECRET}"}}', SECRET, '"SecretAccessKey": "' + MASK),
        (f'awsSecretKey: "{SECRET}"', SECRET, "awsSecretKey: " + '"' + MASK),
        (f"aws_session_token={TOKEN}", TOKEN, "aws_session_token=" + MASK),
        (f'"SessionToken": "{TOKEN}"', TOKEN, '"SessionToken": "' + MASK),
        (f"X-Amz-Security-Token={TOKEN}&X-Amz-Date=1", TOKEN, "X-Amz-Security-Token=" + MASK),
        (
            "AWS_BEARER_TOKEN_BEDROCK=ABSKQmVkcm9ja0FQSUtleS1leGFtcGxlOmV4YW1wbGU=",
            "QmVkcm9ja0FQSUtleS1",
            MASK,
        ),
        ("key ABSKQmVkcm9ja0FQSUtleS1leGFtcGxlOmV4YW1wbGU= rejected", "QmVkcm9ja0FQSUtleS1", "ABSK" + MASK),
        (
            "bedrock-api-key-YmVkcm9jay5hbWF6b25hd3MuY29tLz9BY3Rpb249Q2FsbFdpdGhCZWFyZXJUb2tlbg==",
            "YmVkcm9j",
            MASK,
        ),
        ("Authorization: Bearer abc.def-ghi_jkl", "abc.def-ghi_jkl", "Authorization: Bearer " + MASK),
        ('"authorization": "Bearer eyJhbGciOiJIUzI1NiJ9.e30.sig"', "eyJhbGciOiJIUzI1NiJ9", MASK),
        ("sent Bearer eyJhbGciOiJIUzI1NiJ9.e30.signature", "eyJhbGciOiJIUzI1NiJ9", "Bearer " + MASK),
        ("X-Amz-Signature=3c5a1a2b4f0e9d8c7b6a5f4e3d2c1b0a9f8e7d6c", "3c5a1a2b4f0e9d8c", MASK),
        ("Signature=fe5f80f77d5fa3beca038a248ff027d0445342fe2855ddc963176630326f1024", "fe5f80f77d5f", MASK),
        ("x-api-key: sk-ant-api03-abcdefghijklmnop", "abcdefghijklmnop", MASK),
        ("ANTHROPIC key sk-ant-api03-abcdefghijklmnop", "abcdefghijklmnop", "sk-ant-" + MASK),
    ],
)
def test_secret_is_masked(text: str, gone: str, kept: str) -> None:
    out = redact(text)
    assert gone not in out
    assert kept in out
    assert contains_secret(text)


@pytest.mark.parametrize(
    "text",
    [
        # Error texts that name credentials without containing any.
        "The security token included in the request is expired",
        "The security token included in the request is invalid.",
        'API Error: 403 {"Message":"Invalid API Key format: Must start with pre-defined prefix"}',
        "Authorization header is missing",
        "use a bearer token (Bedrock API key) instead",
        # Identifiers that look key-like but are not secrets.
        "arn:aws:sts::111122223333:assumed-role/Dev/alice",
        "AROAEXAMPLEROLEID1234 AIDAEXAMPLEUSERID1234",
        "arn:aws:bedrock:us-east-2::foundation-model/anthropic.claude-sonnet-4-5-20250929-v1:0",
        "AKIAIOSFODNN7EXAMPLEX is one character too long to be an access key id",
        # A 40-character string with no name saying what it is stays: it could be a hash.
        "commit 0123456789abcdef0123456789abcdef01234567",
    ],
)
def test_text_without_secrets_is_unchanged(text: str) -> None:
    assert redact(text) == text
    assert not contains_secret(text)
    assert find_secrets(text) == ()


def test_find_secrets_reports_kinds_and_positions_in_order() -> None:
    text = f"id={ACCESS_KEY} aws_secret_access_key={SECRET} Authorization: Bearer abcdefgh12345678"
    found = find_secrets(text)
    assert [f.kind for f in found] == ["access-key-id", "secret-access-key", "bearer-token"]
    assert text[found[0].start : found[0].end] == ACCESS_KEY
    assert text[found[1].start : found[1].end].endswith(SECRET)


def test_every_secret_in_a_credentials_file_is_masked() -> None:
    # ~/.aws/credentials as pasted into an issue.
    text = (
        "[default]\n"
        f"aws_access_key_id = {TEMP_KEY}\n"
        f"aws_secret_access_key = {SECRET}\n"
        f"aws_session_token = {TOKEN}\n"
    )
    out = redact(text)
    for secret in (TEMP_KEY, SECRET, TOKEN):
        assert secret not in out
    assert out.count(MASK) == 3
    assert out.startswith("[default]\naws_access_key_id = ASIA")


@pytest.mark.parametrize(
    ("name", "secret"),
    [
        ("AWS_SECRET_ACCESS_KEY", True),
        ("aws_session_token", True),
        ("AWS_BEARER_TOKEN_BEDROCK", True),
        ("awsSecretKey", True),
        ("awsSessionToken", True),
        ("awsApiKey", True),
        ("ANTHROPIC_AUTH_TOKEN", True),
        ("AWS_REGION", False),
        ("AWS_PROFILE", False),
        ("ANTHROPIC_MODEL", False),
    ],
)
def test_is_secret_name(name: str, secret: bool) -> None:
    assert is_secret_name(name) is secret


def test_whole_value_names_and_scrub_names_are_two_rules() -> None:
    # is_secret_name (whole value masked in place) is an exact list; looks_like_secret_name (value scrubbed
    # from client output when long enough) matches parts of names.
    assert not is_secret_name("ANTHROPIC_CUSTOM_HEADERS")
    assert looks_like_secret_name("ANTHROPIC_CUSTOM_HEADERS")
    assert not looks_like_secret_name("awsTokenFile")
    assert is_secret_name("Authorization") and not looks_like_secret_name("Authorization")


def test_documented_module_path_re_exports_the_shared_redactor() -> None:
    assert documented_path.redact is redact
    assert documented_path.MASK == MASK
    assert set(documented_path.__all__) <= set(dir(documented_path))


def test_redact_value_masks_whole_values_of_secret_names_only() -> None:
    assert redact_value("AWS_SESSION_TOKEN", "short") == MASK
    assert redact_value("AWS_REGION", "us-east-1") == "us-east-1"
    assert redact_value("NOTE", f"key {ACCESS_KEY}") == "key AKIA" + MASK
    assert redact_mapping({"AWS_SECRET_ACCESS_KEY": SECRET, "AWS_PROFILE": "dev"}) == {
        "AWS_SECRET_ACCESS_KEY": MASK,
        "AWS_PROFILE": "dev",
    }


@given(st.text(max_size=400))
def test_redact_never_raises_and_is_idempotent(text: str) -> None:
    once = redact(text)
    assert redact(once) == once


@given(
    st.text(alphabet=st.characters(codec="ascii"), max_size=60),
    st.text(alphabet="ABCDEFGHIJKLMNOPQRSTUVWXYZ234567", min_size=16, max_size=16),
    st.sampled_from(["AKIA", "ASIA"]),
)
def test_embedded_access_key_never_survives(prefix: str, body: str, kind: str) -> None:
    key = kind + body
    assert key not in redact(f"{prefix} {key} trailing")
