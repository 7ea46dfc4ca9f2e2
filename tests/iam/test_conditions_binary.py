"""The BinaryEquals condition operator.

Rules: OPS "Binary condition operators": the policy value is base64-encoded; the comparison is byte
for byte; no policy variables.
"""

from __future__ import annotations

import base64

import pytest

from ._support import condition_holds

KEY = "aws:RequestTag/blob"
HELLO = base64.b64encode(b"hello").decode()  # aGVsbG8=


def test_equal_bytes_match() -> None:
    """OPS BinaryEquals: "compares key values byte for byte against a base-64 encoded representation".
    https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_elements_condition_operators.html"""
    assert condition_holds({"BinaryEquals": {KEY: HELLO}}, {KEY: HELLO})


def test_different_bytes_do_not_match() -> None:
    """OPS BinaryEquals: byte-for-byte; one byte different is no match.
    https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_elements_condition_operators.html"""
    assert not condition_holds({"BinaryEquals": {KEY: HELLO}}, {KEY: base64.b64encode(b"hellp").decode()})


def test_request_bytes_given_as_text_match_their_base64_encoding() -> None:
    """OPS BinaryEquals: the policy holds base64 of the bytes; the request carries the bytes
    (here as their UTF-8 text, which is not itself valid base64).
    https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_elements_condition_operators.html"""
    assert condition_holds({"BinaryEquals": {KEY: HELLO}}, {KEY: "hello"})


@pytest.mark.parametrize(("request_value", "expected"), [(HELLO, True), ("d29ybGQ=", True), ("eA==", False)])
def test_multiple_values_or(request_value: str, expected: bool) -> None:
    """CONDLOGIC: several values are ORed.
    https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_condition-logic-multiple-context-keys-or-values.html"""
    assert condition_holds({"BinaryEquals": {KEY: [HELLO, "d29ybGQ="]}}, {KEY: request_value}) is expected


def test_missing_key() -> None:
    """OPS Important box: missing key ⇒ false; BinaryEqualsIfExists ⇒ true.
    https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_elements_condition_operators.html"""
    assert not condition_holds({"BinaryEquals": {KEY: HELLO}}, {})
    assert condition_holds({"BinaryEqualsIfExists": {KEY: HELLO}}, {})


def test_policy_value_that_is_not_base64_matches_nothing() -> None:
    """OPS BinaryEquals: the policy value must be base64; anything else names no bytes.
    https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_elements_condition_operators.html"""
    assert not condition_holds({"BinaryEquals": {KEY: "not base64!"}}, {KEY: "not base64!"})
