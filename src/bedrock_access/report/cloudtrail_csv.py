"""CSV of the individual failed calls of ``explain --cloudtrail``, one row per call, written as read.

Every value has been redacted (records hold access key ids, and messages or request parameters may
hold tokens); the access key id itself is never a column.
"""

from __future__ import annotations

import csv
from typing import TextIO

from bedrock_access.cloudtrail.adapter import CallExplanation
from bedrock_access.cloudtrail.records import FailedCall
from bedrock_access.report.cloudtrail_json import timestamp

COLUMNS = (
    "event_time",
    "event_id",
    "account",
    "principal",
    "caller",
    "api_key",
    "source_region",
    "endpoint",
    "source_ip",
    "vpc_endpoint",
    "operation",
    "action",
    "model_id",
    "error_code",
    "kind",
    "explanation_code",
    "policy_type",
    "explicit",
    "denied_action",
    "denied_resource",
    "denied_region",
    "message",
    "source",
)


_FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def _cell(value: str) -> str:
    """A spreadsheet would run a cell starting with ``=``, ``+``, ``-`` or ``@`` as a formula; the values
    come from clients (a model id is whatever was sent), so such a cell gets a leading apostrophe."""
    return "'" + value if value.startswith(_FORMULA_STARTS) else value


def _flag(value: bool | None) -> str:
    return "" if value is None else ("true" if value else "false")


class FailureCsv:
    """Writes the header before the first row, so that a run that fails writes nothing."""

    def __init__(self, out: TextIO) -> None:
        self._writer = csv.writer(out, lineterminator="\n")
        self._started = False

    def header(self) -> None:
        if not self._started:
            self._writer.writerow(COLUMNS)
            self._started = True

    def row(self, call: FailedCall, explanation: CallExplanation) -> None:
        self.header()
        row = (
            timestamp(call.event_time),
            call.event_id or "",
            call.account or "",
            call.caller.principal,
            call.caller.kind,
            _flag(call.caller.api_key),
            call.source_region,
            call.endpoint or "",
            call.source_ip or "",
            call.vpc_endpoint or "",
            call.operation,
            call.action,
            call.model_id or "",
            call.error_code,
            explanation.kind,
            explanation.code,
            explanation.policy_type or "",
            _flag(explanation.explicit),
            explanation.denied_action,
            explanation.denied_resource or "",
            explanation.denied_region or "",
            explanation.message,
            call.source,
        )
        self._writer.writerow(tuple(_cell(value) for value in row))
