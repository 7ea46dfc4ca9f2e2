"""Glob semantics shared by actions, resource segments and StringLike: ``*`` any run, ``?`` one char.

Rules: ACTION "Using wildcards", RESOURCE "Using wildcards in resource ARNs", OPS StringLike
("multi-character match wildcard (*) and the single-character match wildcard (?) anywhere in the
string"). Matching must be linear in the subject: no backtracking blow-up on hostile patterns.
"""

from __future__ import annotations

import fnmatch

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from bedrock_access.iam.arn import Substituted
from bedrock_access.iam.wildcard import (
    ANY_CHAR,
    STAR,
    Literal,
    atoms_of,
    compile_atoms,
    compile_glob,
    glob_match,
)

OPS = "https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_elements_condition_operators.html"


@pytest.mark.parametrize(
    ("pattern", "subject", "expected"),
    [
        ("*", "", True),
        ("*", "anything/at:all", True),
        ("a*", "a", True),
        ("a*", "abc", True),
        ("a*", "ba", False),
        ("*a", "ba", True),
        ("*a", "ab", False),
        ("a*c", "ac", True),
        ("a*c", "abbbc", True),
        ("a*c", "abcd", False),
        ("*b*", "abc", True),
        ("*b*", "ac", False),
        ("**", "", True),
        ("a**b", "ab", True),
    ],
)
def test_star_matches_any_sequence_including_empty(pattern: str, subject: str, expected: bool) -> None:
    """OPS StringLike: ``*`` is a multi-character match wildcard; it also matches nothing.
    https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_elements_condition_operators.html"""
    assert glob_match(pattern, subject) is expected


@pytest.mark.parametrize(
    ("pattern", "subject", "expected"),
    [
        ("?", "a", True),
        ("?", "", False),
        ("?", "ab", False),
        ("a?c", "abc", True),
        ("a?c", "ac", False),
        ("a?c", "abbc", False),
        ("??", "é!", True),
        ("*?", "", False),
        ("*?", "x", True),
        ("?*?", "x", False),
        ("?*?", "xy", True),
    ],
)
def test_question_mark_matches_exactly_one_character(pattern: str, subject: str, expected: bool) -> None:
    """OPS StringLike: ``?`` is a single-character match wildcard.
    https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_elements_condition_operators.html"""
    assert glob_match(pattern, subject) is expected


def test_literal_text_is_case_sensitive_by_default() -> None:
    """OPS StringLike: "Case-sensitive matching".
    https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_elements_condition_operators.html"""
    assert glob_match("Project*", "Project-x")
    assert not glob_match("Project*", "project-x")


def test_ignore_case_option_compares_without_regard_to_case() -> None:
    """ACTION: "The prefix and the action name are case insensitive" (the matcher offers it).
    https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_elements_action.html"""
    assert glob_match("Invoke*", "INVOKEMODEL", ignore_case=True)
    assert glob_match("invoke?odel", "InvokeModel", ignore_case=True)
    assert not glob_match("Invoke*", "Converse", ignore_case=True)


@pytest.mark.parametrize("special", [".", "+", "(", ")", "[", "]", "{", "}", "^", "$", "|", "\\", "/", ":"])
def test_characters_other_than_star_and_question_mark_are_literal(special: str) -> None:
    """OPS: only ``*`` and ``?`` are wildcards; no regular-expression syntax exists in IAM globs.
    https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_elements_condition_operators.html"""
    pattern = f"a{special}*"
    assert glob_match(pattern, f"a{special}zz")
    assert not glob_match(pattern, "abzz")


def test_wildcards_match_newlines() -> None:
    """OPS: ``*`` matches any characters and ``?`` any single character, line breaks included.
    https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_elements_condition_operators.html"""
    assert glob_match("a*b", "a\n\nb")
    assert glob_match("a?b", "a\nb")


def test_empty_pattern_matches_only_the_empty_string() -> None:
    """OPS: a pattern without wildcards matches exactly its own text (``""`` matches ``""``).
    https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_elements_condition_operators.html"""
    assert glob_match("", "")
    assert not glob_match("", "x")


def test_atoms_of_splits_literals_and_wildcards() -> None:
    """The glob is read as literal runs and wildcards, in order.
    https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_elements_condition_operators.html"""
    assert atoms_of("ab*c?d") == [Literal("ab"), STAR, Literal("c"), ANY_CHAR, Literal("d")]
    assert atoms_of("") == []


def test_literal_atoms_never_act_as_wildcards() -> None:
    """VARS: substituted text is literal (``${*}`` is how a literal ``*`` is written).
    https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_variables.html"""
    m = compile_atoms([Literal("home/"), Substituted("a*?"), STAR])
    assert m("home/a*?")
    assert m("home/a*?/more")
    assert not m("home/abc/more")
    assert not m("home/a*x")


# --- linear time -----------------------------------------------------------------------------


def test_many_stars_against_ten_kilobytes_is_decided_correctly() -> None:
    """Hostile pattern ``*a*a*a*a*a*a*a*a*b`` against 10 KB: a backtracking matcher would take
    exponential time; the answer must simply be right (and arrive).
    https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_elements_condition_operators.html"""
    pattern = "*a*a*a*a*a*a*a*a*b"
    m = compile_glob(pattern)
    no_b = "a" * 10_240
    assert m(no_b) is False
    assert m(no_b + "b") is True
    assert m("b" + no_b) is False
    assert m("a" * 7 + "b") is False
    assert m("a" * 8 + "b") is True
    assert m(("ab" * 5_120)[:-1] + "b") is True


def test_many_stars_with_single_character_wildcards_against_ten_kilobytes() -> None:
    """Hostile pattern mixing ``*`` and ``?`` against 10 KB of near-misses.
    https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_elements_condition_operators.html"""
    m = compile_glob("*a?a*a?a*a?a*a?a*b?")
    subject = "a" * 10_240
    assert m(subject) is False
    assert m(subject + "bx") is True
    assert m(subject + "b") is False


# --- property: agrees with a reference implementation ----------------------------------------


def _reference(pattern: str, subject: str, ignore_case: bool = False) -> bool:
    """fnmatch knows ``*``, ``?`` and ``[...]``; IAM has no brackets, so escape ``[``."""
    if ignore_case:
        pattern, subject = pattern.lower(), subject.lower()
    return fnmatch.fnmatchcase(subject, pattern.replace("[", "[[]"))


_pattern_text = st.text(alphabet="ab*?[]/:.\n", max_size=12)
_subject_text = st.text(alphabet="ab[]/:.\n*?", max_size=16)


@settings(max_examples=2000, deadline=None)
@given(pattern=_pattern_text, subject=_subject_text)
def test_compile_glob_agrees_with_fnmatch_reference(pattern: str, subject: str) -> None:
    """Property: IAM glob semantics are exactly fnmatch's ``*``/``?`` without bracket classes.
    https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_elements_condition_operators.html"""
    assert compile_glob(pattern)(subject) is _reference(pattern, subject)


@settings(max_examples=1000, deadline=None)
@given(pattern=st.text(alphabet="aAbB*?", max_size=10), subject=st.text(alphabet="aAbB", max_size=12))
def test_compile_glob_ignore_case_agrees_with_lowercased_reference(pattern: str, subject: str) -> None:
    """Property: the case-insensitive matcher equals the reference on lowercased text.
    https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_elements_action.html"""
    assert compile_glob(pattern, ignore_case=True)(subject) is _reference(pattern, subject, ignore_case=True)


@settings(max_examples=500, deadline=None)
@given(
    parts=st.lists(
        st.one_of(
            st.just(STAR), st.just(ANY_CHAR), st.text(alphabet="ab*?", min_size=1, max_size=3).map(Literal)
        ),
        max_size=6,
    ),
    subject=st.text(alphabet="ab*?", max_size=10),
)
def test_compile_atoms_treats_literal_stars_literally(parts: list[object], subject: str) -> None:
    """Property: a ``*`` or ``?`` inside a Literal atom only matches itself (reference: fnmatch with
    the literal text bracket-escaped).
    https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_variables.html"""
    translated = []
    for part in parts:
        if part is STAR:
            translated.append("*")
        elif part is ANY_CHAR:
            translated.append("?")
        else:
            assert isinstance(part, Literal)
            translated.append("".join(f"[{c}]" if c in "*?[" else c for c in part.text))
    expected = fnmatch.fnmatchcase(subject, "".join(translated))
    assert compile_atoms(parts)(subject) is expected  # type: ignore[arg-type]
