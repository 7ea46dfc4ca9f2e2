"""Pasted text as people paste it, made readable for scanning.

:func:`clean_paste` undoes what terminals, chat boxes and careful users do to an error before it
reaches us:

- **terminal frames**: a box drawn around the text (Claude Code prints errors inside ``│ … │`` with
  ``╭──╮``/``╰──╯`` borders) and markers in front of it (``⎿``, ``●``, a Markdown ``>`` quote);
- **wrapping**: a line broken inside a sentence (``is not`` / ``authorized to perform``) or inside a
  long token such as an ARN is joined again;
- **redaction**: placeholders people put in place of their account, Region, model or e-mail address
  (``<account id>``, ``{account-id}``, ``<region>``, ``***``, ``XXXXXXXXXXXX``, ``abc[at]domain.com``)
  become opaque tokens (``__redacted_account_1__``) that the scanner reads as one word and the
  explanation recognises with :func:`is_redacted`, so a placeholder is never taken for a value and
  never printed back;
- **truncation**: a paste cut off (``…``, ``[truncated]``, a sentence that stops mid-word after the
  resource) is noted, so the explanation can say what is missing.

Pure and linear: every pattern below is bounded, so hostile input costs one pass per step.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Literal

RedactedKind = Literal["account", "region", "model", "email", "name", "other"]

TOKEN_PREFIX = "__redacted_"
_TOKEN = re.compile(r"__redacted_([a-z]+)_(\d{1,4})__")

_BOX_VERTICALS = "│┃║|"
_BORDER_CHARS = frozenset("╭╮╰╯┌┐└┘─━═┄┈-+ \t│┃║|")
_LEAD_MARKERS = ("⎿", "●", "⏺", "✻", "✗", "✘", "❯")

# Placeholders: <account id>, <ACCOUNT_ID>, <region>, <>, {account-id}, {region}, [REDACTED], ***.
_ANGLE = re.compile(r"<([A-Za-z][A-Za-z0-9 _.\-]{0,38})?>")
_BRACE = re.compile(r"(?<![$\w])\{([A-Za-z][A-Za-z0-9 _\-]{0,38})\}")
_BRACKETED_WORD = re.compile(r"\[(redacted|REDACTED|Redacted|removed|hidden|masked)\]")
_STARS = re.compile(r"\*{3,64}")
_X_RUN = re.compile(r"(?<![A-Za-z0-9])(?:[Xx]{4,16}|\d{0,8}[Xx]{4,12})(?![A-Za-z0-9])")
_PLAIN_WORD = re.compile(r"(?<![A-Za-z_])(REDACTED|redacted)(?![A-Za-z_])")

# Angle-bracket words that are not redactions: Python traceback names and common HTML tags.
_NOT_PLACEHOLDERS = frozenset(
    {
        "module",
        "string",
        "stdin",
        "lambda",
        "genexpr",
        "listcomp",
        "dictcomp",
        "setcomp",
        "frozen",
        "anonymous",
        "html",
        "head",
        "body",
        "div",
        "span",
        "pre",
        "code",
        "br",
        "p",
        "a",
        "b",
        "i",
        "img",
    }
)

_TRUNCATION_ENDS = ("…", "...", "[truncated]", "(truncated)", "<truncated>", "truncated")


@dataclass(frozen=True, slots=True)
class Redaction:
    """One redaction placeholder: what kind of value it hides, as pasted, and its opaque token."""

    kind: RedactedKind
    placeholder: str
    token: str


@dataclass(frozen=True, slots=True)
class CleanPaste:
    text: str
    redactions: tuple[Redaction, ...] = ()
    framed: bool = False  # a terminal frame or line markers were removed
    truncated: bool = False  # the paste seems cut off

    def kinds(self) -> frozenset[RedactedKind]:
        return frozenset(r.kind for r in self.redactions)


def is_redacted(value: str | None) -> bool:
    """Whether a value read from the paste contains a redaction token."""
    return value is not None and TOKEN_PREFIX in value


def redacted_kinds(value: str | None) -> frozenset[str]:
    """The kinds of the redaction tokens inside ``value``."""
    if not value or TOKEN_PREFIX not in value:
        return frozenset()
    return frozenset(m.group(1) for m in _TOKEN.finditer(value))


def readable(value: str) -> str:
    """``value`` with each redaction token written as words (``(redacted account)``)."""
    if TOKEN_PREFIX not in value:
        return value
    return _TOKEN.sub(lambda m: f"(redacted {m.group(1)})", value)


# ---------------------------------------------------------------------------------------------------
# Frames.


def _is_border(line: str) -> bool:
    stripped = line.strip()
    return (
        len(stripped) >= 3
        and all(ch in _BORDER_CHARS for ch in stripped)
        and any(ch in "─━═╭╮╰╯┌┐└┘" for ch in stripped)
    )


def _framed_content(line: str) -> str | None:
    """The text inside ``│ … │`` (or a line that opens with ``│`` and was cut at the right edge)."""
    stripped = line.strip()
    if len(stripped) < 2 or stripped[0] not in _BOX_VERTICALS:
        return None
    inner = stripped[1:]
    if inner and inner[-1] in _BOX_VERTICALS:
        inner = inner[:-1]
    return inner


def _strip_markers(line: str) -> tuple[str, bool]:
    stripped = line.lstrip()
    for marker in _LEAD_MARKERS:
        if stripped.startswith(marker):
            return stripped[len(marker) :].lstrip(), True
    if stripped.startswith("> ") or stripped == ">":
        return stripped[2:], True
    return line, False


def _unframe(text: str) -> tuple[list[str], bool]:
    """Lines without borders, box sides and leading markers; whether anything was removed. Framed
    lines are marked with a leading NUL so the joiner knows they were wrapped by the box."""
    lines = text.splitlines()
    framed_count = sum(1 for line in lines if _framed_content(line) is not None)
    use_box = framed_count >= 2 or any(_is_border(line) for line in lines)
    out: list[str] = []
    changed = False
    for line in lines:
        if use_box and _is_border(line):
            changed = True
            continue
        content = _framed_content(line) if use_box else None
        if content is not None:
            changed = True
            # Keep the padding: a line whose text runs into the right border was cut by the box.
            out.append("\0" + content)
            continue
        line, marked = _strip_markers(line)
        changed = changed or marked
        out.append(line.rstrip())
    return out, changed


# ---------------------------------------------------------------------------------------------------
# Wrapping.

_SENTENCE_END = ".!?:;{}[]()\"'`,"
_TOKEN_JOINERS = ":/-._"


def _last_token(line: str) -> str:
    return line[line.rfind(" ", max(0, len(line) - 4096)) + 1 :]


def _join(lines: list[str]) -> str:
    """Join lines that a terminal or a narrow box broke inside a sentence or a token."""
    width = max((len(line) - 1 for line in lines if line.startswith("\0")), default=0)
    # Each output line is kept as a list of pieces (joined once at the end: linear time); ``tails``
    # holds the last piece of each, right-stripped.
    out: list[list[str]] = []
    previous_filled = False
    for raw in lines:
        framed = raw.startswith("\0")
        line = raw[1:] if framed else raw
        # A terminal breaks a word only when it is longer than the line: then the line is that one word
        # and runs into the right border.
        filled = framed and len(line.rstrip()) >= width - 1 and " " not in line.strip()
        if framed:
            line, _ = _strip_markers(line)
            line = line.strip()
        if not out or not line.strip() or not out[-1][-1].strip():
            out.append([line])
            previous_filled = filled
            continue
        prev_tail = out[-1][-1].rstrip()
        out[-1][-1] = prev_tail
        last = _last_token(prev_tail)
        first = line.lstrip()
        if framed:
            # A box wraps every line at its width: always join; no space when a token longer than the box
            # (an ARN, an id) filled the line and goes on in the next one.
            glue = "" if previous_filled and _looks_cut(last, first) else " "
            out[-1].extend((glue, first))
        elif "arn:" in last and (last[-1] in "-/_" or first[0] in "-/:._") and _looks_cut(last, first):
            out[-1].append(first)
        elif prev_tail[-1:] not in _SENTENCE_END and first[:1].islower():
            out[-1].extend((" ", first))
        else:
            out.append([line])
        previous_filled = filled
    return "\n".join("".join(pieces) for pieces in out)


def _looks_cut(last: str, first: str) -> bool:
    """Whether a token seems to continue on the next line (an ARN or id cut mid-way)."""
    if not last or not first or first[0] == " ":
        return False
    token_like = any(ch in last for ch in _TOKEN_JOINERS) or last[-1] in _TOKEN_JOINERS
    return token_like and (first[0].isalnum() or first[0] in _TOKEN_JOINERS)


# ---------------------------------------------------------------------------------------------------
# Redaction.


def _kind_of_words(words: str) -> RedactedKind:
    lowered = words.lower()
    for key, kind in (
        ("account", "account"),
        ("acct", "account"),
        ("region", "region"),
        ("model", "model"),
        ("profile", "model"),
        ("mail", "email"),
        ("user", "name"),
        ("role", "name"),
        ("name", "name"),
        ("principal", "name"),
        ("session", "name"),
    ):
        if key in lowered:
            return kind  # type: ignore[return-value]
    return "other"


def _kind_by_position(text: str, start: int, end: int) -> RedactedKind | None:
    """The ARN field a placeholder stands in, from the colons around it."""
    window = max(0, start - 2048)  # an ARN is at most 2048 characters long
    line_start = text.rfind("\n", window, start) + 1
    arn_at = text.rfind("arn:", max(line_start, window), start)
    if arn_at < 0:
        return None
    prefix = text[arn_at:start]
    if " " in prefix:
        return None
    colons = prefix.count(":")
    if colons == 3:
        return "region"
    if colons == 4:
        return "account"
    if colons >= 5:
        return "name"
    return None


class _Redactor:
    def __init__(self) -> None:
        self.found: list[Redaction] = []
        self._by_placeholder: dict[tuple[str, str], str] = {}

    def token(self, kind: RedactedKind, placeholder: str) -> str:
        key = (kind, placeholder)
        if key not in self._by_placeholder:
            count = sum(1 for r in self.found if r.kind == kind) + 1
            token = f"{TOKEN_PREFIX}{kind}_{count}__"
            self._by_placeholder[key] = token
            self.found.append(Redaction(kind, placeholder, token))
        return self._by_placeholder[key]

    def replace(self, pattern: re.Pattern[str], text: str, words_group: int | None) -> str:
        def sub(match: re.Match[str]) -> str:
            placeholder = match.group(0)
            words = match.group(words_group) if words_group is not None else None
            if words is not None and words.lower() in _NOT_PLACEHOLDERS:
                return placeholder
            kind = _kind_by_position(text, match.start(), match.end())
            if kind is None:
                kind = _kind_of_words(words) if words else _kind_of_run(placeholder)
            elif words and _kind_of_words(words) != "other":
                kind = _kind_of_words(words)
            return self.token(kind, placeholder)

        return pattern.sub(sub, text)


def _kind_of_run(placeholder: str) -> RedactedKind:
    """``XXXXXXXXXXXX`` and ``123456XXXXXX`` hide an account id when twelve characters long."""
    if len(placeholder) == 12:
        return "account"
    if "[at]" in placeholder or "(at)" in placeholder:
        return "email"
    return "other"


_EMAIL_CHARS = frozenset("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789._%+-")


def _redact_at_emails(text: str, redactor: _Redactor) -> str:
    """``name[at]domain.com`` / ``name (at) domain.com``: found from each ``at`` marker outwards, so the
    cost is linear whatever the text."""
    pieces: list[str] = []
    done = 0
    pos = 0
    next_of = {marker: text.find(marker) for marker in ("[at]", "(at)")}
    while True:
        for marker, found in next_of.items():
            if 0 <= found < pos:
                next_of[marker] = text.find(marker, pos)
        candidates = [i for i in next_of.values() if i >= 0]
        if not candidates:
            break
        at = min(candidates)
        left = at - 1 if at > 0 and text[at - 1] == " " else at
        start = left
        while start > max(done, left - 64) and text[start - 1] in _EMAIL_CHARS:
            start -= 1
        right = at + 4 + (1 if text.startswith(" ", at + 4) else 0)
        end = right
        while end < min(len(text), right + 253) and text[end] in _EMAIL_CHARS:
            end += 1
        if start < left and end > right and "." in text[right:end]:
            pieces.append(text[done:start])
            pieces.append(redactor.token("email", text[start:end]))
            done = end
        pos = max(end, at + 4)
    pieces.append(text[done:])
    return "".join(pieces)


def _redact_placeholders(text: str) -> tuple[str, tuple[Redaction, ...]]:
    redactor = _Redactor()
    lowered = text.lower()
    # Each pattern runs only when its trigger is in the text: most pastes hold no placeholder at all.
    if "[at]" in lowered or "(at)" in lowered:
        text = _redact_at_emails(text, redactor)
    if "<" in text:
        text = redactor.replace(_ANGLE, text, 1)
    if "{" in text:
        text = redactor.replace(_BRACE, text, 1)
    if "[" in text:
        text = redactor.replace(_BRACKETED_WORD, text, None)
    if "***" in text:
        text = redactor.replace(_STARS, text, None)
    if "xxxx" in lowered:
        text = redactor.replace(_X_RUN, text, None)
    if "redacted" in lowered:
        text = redactor.replace(_PLAIN_WORD, text, None)
    return text, tuple(redactor.found)


def _looks_truncated(text: str) -> bool:
    tail = text.rstrip()
    lowered = tail.lower()
    if lowered.endswith(_TRUNCATION_ENDS):
        return True
    # AWS's sentence stops mid-way: "because no session policy allows the bedrock:I".
    last_line = tail.rsplit("\n", 1)[-1]
    for lead in ("allows the ", "explicit deny in", "on resource:", "not authorized to perform:"):
        at = last_line.rfind(lead)
        if at >= 0 and not last_line.endswith((" action", "action.", "policy", "policy.", "boundary")):
            rest = last_line[at + len(lead) :].strip()
            return " " not in rest
    return False


def clean_paste(text: str) -> CleanPaste:
    """Frames removed, wrapped lines joined, placeholders made opaque; see the module docstring."""
    lines, framed = _unframe(text)
    joined = _join(lines)
    truncated = _looks_truncated(joined)
    cleaned, redactions = _redact_placeholders(joined)
    return CleanPaste(cleaned, redactions, framed, truncated)
