"""Exported query rows back into CloudTrail records (pure).

CloudTrail Lake and Athena results come as rows whose columns are the record's fields, named in
several ways: ``eventName``, ``eventname``, ``userIdentity.arn``, ``useridentity_arn``. Nested fields
arrive as JSON strings (``requestParameters``, ``additionalEventData``), as objects (JSON exports), or,
for Athena's struct columns (``useridentity``, ``tlsdetails``) written to CSV, in Athena's own
``{type=AssumedRole, arn=arn:aws:sts::...}`` rendering. :func:`record_from_row` accepts all of them and
returns a record shaped as CloudTrail writes it, so that one extraction reads every input.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Any

import orjson

MAX_NESTED_CHARS = 256 * 1024
"""A JSON or struct column longer than this is not read (CloudTrail events are at most 256 KB)."""

_MAX_STRUCT_DEPTH = 8


def column_key(name: str) -> str:
    """``userIdentity.arn``, ``useridentity_arn`` and ``UserIdentityArn`` all become ``useridentityarn``."""
    return "".join(ch for ch in name.lower() if ch.isalnum())


_TOP_LEVEL = {
    column_key(name): name
    for name in (
        "eventVersion",
        "eventTime",
        "eventSource",
        "eventName",
        "awsRegion",
        "sourceIPAddress",
        "userAgent",
        "errorCode",
        "errorMessage",
        "requestID",
        "eventID",
        "eventType",
        "readOnly",
        "recipientAccountId",
        "vpcEndpointId",
        "eventCategory",
    )
}

# Columns whose value is a nested object (JSON string, object, or Athena struct text).
_NESTED = {
    column_key(name): name
    for name in ("userIdentity", "requestParameters", "additionalEventData", "tlsDetails")
}

# Flattened nested columns: the normalized column name -> the path in the record.
_PATHS: dict[str, tuple[str, ...]] = {
    column_key(".".join(path)): path
    for path in (
        ("userIdentity", "type"),
        ("userIdentity", "arn"),
        ("userIdentity", "accountId"),
        ("userIdentity", "userName"),
        ("userIdentity", "principalId"),
        ("userIdentity", "invokedBy"),
        ("userIdentity", "sessionContext", "sessionIssuer", "arn"),
        ("userIdentity", "sessionContext", "sessionIssuer", "userName"),
        ("tlsDetails", "clientProvidedHostHeader"),
        ("requestParameters", "modelId"),
        ("requestParameters", "model"),
        ("additionalEventData", "callWithBearerToken"),
        ("additionalEventData", "bearerTokenType"),
        ("additionalEventData", "inferenceRegion"),
    )
}
# Athena's CloudTrail table calls the sessionContext "sessioncontext" and CloudTrail Lake lets users
# alias it; a few spellings seen in exports without the middle part.
_PATHS.setdefault("sessionissuerusername", ("userIdentity", "sessionContext", "sessionIssuer", "userName"))
_PATHS.setdefault("sessionissuerarn", ("userIdentity", "sessionContext", "sessionIssuer", "arn"))
_PATHS.setdefault("modelid", ("requestParameters", "modelId"))
_PATHS.setdefault("clientprovidedhostheader", ("tlsDetails", "clientProvidedHostHeader"))

# Lower-case keys (Athena structs, JSON written by Athena) back to CloudTrail's spelling.
_CAMEL = {
    column_key(name): name
    for name in (
        "type",
        "principalId",
        "arn",
        "accountId",
        "accessKeyId",
        "userName",
        "invokedBy",
        "sessionContext",
        "sessionIssuer",
        "attributes",
        "creationDate",
        "mfaAuthenticated",
        "sourceIdentity",
        "webIdFederationData",
        "onBehalfOf",
        "credentialId",
        "identityStoreArn",
        "userId",
        "tlsVersion",
        "cipherSuite",
        "clientProvidedHostHeader",
        "modelId",
        "callWithBearerToken",
        "bearerTokenType",
        "inferenceRegion",
    )
}

RECOGNISED_COLUMNS = frozenset(_TOP_LEVEL) | frozenset(_NESTED) | frozenset(_PATHS)


def is_cloudtrail_header(names: list[str]) -> bool:
    """Whether CSV column names are those of a CloudTrail export (event source and name at least)."""
    keys = {column_key(name) for name in names}
    return "eventsource" in keys and "eventname" in keys


def _camel_keys(value: Any, depth: int = 0) -> Any:
    if isinstance(value, Mapping) and depth < _MAX_STRUCT_DEPTH:
        return {_CAMEL.get(column_key(k), k): _camel_keys(v, depth + 1) for k, v in value.items()}
    return value


_STRUCT_KEY = re.compile(r"\s*([A-Za-z_][A-Za-z0-9_]*)=")


def parse_struct(text: str) -> dict[str, Any] | None:
    """Athena's rendering of a struct column, ``{type=Role, arn=arn:aws:iam::1:role/r, nested={...}}``.

    A value runs to the next ``, key=`` or closing brace of its level; ``null`` is None. None when
    the text is not in that shape.
    """
    if len(text) > MAX_NESTED_CHARS or not text.startswith("{"):
        return None
    result, end = _struct_at(text, 0, 0)
    if result is None or text[end:].strip():
        return None
    return result


def _struct_at(text: str, pos: int, depth: int) -> tuple[dict[str, Any] | None, int]:
    if depth > _MAX_STRUCT_DEPTH or pos >= len(text) or text[pos] != "{":
        return None, pos
    pos += 1
    result: dict[str, Any] = {}
    if text.startswith("}", pos):
        return result, pos + 1
    while True:
        match = _STRUCT_KEY.match(text, pos)
        if match is None:
            return None, pos
        key = match.group(1)
        pos = match.end()
        value: Any
        if text.startswith("{", pos):
            value, pos = _struct_at(text, pos, depth + 1)
            if value is None:
                return None, pos
        else:
            end = _value_end(text, pos)
            raw = text[pos:end].strip()
            value = None if raw == "null" else raw
            pos = end
        result[key] = value
        if text.startswith("}", pos):
            return result, pos + 1
        if not text.startswith(",", pos):
            return None, pos
        pos += 1


def _value_end(text: str, pos: int) -> int:
    """Where a scalar struct value ends: the ``}`` closing its level, or ``, key=``."""
    while pos < len(text):
        ch = text[pos]
        if ch == "}":
            return pos
        if ch == "," and _STRUCT_KEY.match(text, pos + 1):
            return pos
        pos += 1
    return pos


def _nested(value: Any) -> Any:
    """A nested column's value as an object, whatever form the export gave it."""
    if isinstance(value, Mapping):
        return _camel_keys(value)
    if not isinstance(value, str):
        return None
    text = value.strip()
    if not text or text == "null" or len(text) > MAX_NESTED_CHARS:
        return None
    if text.startswith("{"):
        try:
            return _camel_keys(orjson.loads(text))
        except orjson.JSONDecodeError:
            struct = parse_struct(text)
            return _camel_keys(struct) if struct is not None else None
    return None


def _set_path(record: dict[str, Any], path: tuple[str, ...], value: Any) -> None:
    target = record
    for part in path[:-1]:
        child = target.get(part)
        if not isinstance(child, dict):
            child = {}
            target[part] = child
        target = child
    target.setdefault(path[-1], value)


def record_from_row(row: Mapping[str, Any]) -> dict[str, Any]:
    """A CloudTrail-shaped record from an exported row; columns it does not know are dropped."""
    record: dict[str, Any] = {}
    flattened: list[tuple[tuple[str, ...], Any]] = []
    for name, value in row.items():
        if not isinstance(name, str):
            continue
        key = column_key(name)
        if key in _TOP_LEVEL:
            if value is not None and value != "":
                record[_TOP_LEVEL[key]] = value
        elif key in _NESTED:
            nested = _nested(value)
            if isinstance(nested, dict):
                record[_NESTED[key]] = nested
        elif key in _PATHS and value is not None and value != "":
            flattened.append((_PATHS[key], value))
    # Flattened columns only fill what a whole nested column did not already give.
    for path, value in flattened:
        _set_path(record, path, value)
    return record


def merge_lake_row(cells: list[Any]) -> dict[str, Any] | None:
    """A row of ``aws cloudtrail get-query-results`` (a list of one-key objects) as one mapping."""
    merged: dict[str, Any] = {}
    for cell in cells:
        if not isinstance(cell, Mapping):
            return None
        merged.update(cell)
    return merged
