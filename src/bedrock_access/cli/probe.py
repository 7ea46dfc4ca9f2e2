"""``bedrock-access probe``: predict each call as ``check`` does, then ask AWS. Wiring only.

Without ``--yes`` nothing is called: the calls are listed with a cost ceiling.
"""

from __future__ import annotations

import argparse
import sys
from typing import TYPE_CHECKING, Any

from bedrock_access.errors import InputError

if TYPE_CHECKING:
    from bedrock_access.checking import CheckRun
    from bedrock_access.live.probe import PlannedCall, ProbeResult

DESCRIPTION = """\
For each invocation, predict the outcome as `check` does, then make one real, tiny call with your current
AWS credentials (sts:GetCallerIdentity, then Converse or ConverseStream with a one-word prompt and at
most 16 output tokens) and compare. Without --yes, only list the calls and their cost ceiling.

  bedrock-access probe                                   this machine's clients, as `check` reads them
  bedrock-access probe examples/control-tower-region-deny.yaml
  bedrock-access probe --model us.anthropic.claude-sonnet-4-5-20250929-v1:0 --region us-east-1 --yes

Exit status: 0 every prediction agrees with AWS (or nothing was called), 1 one does not or AWS could not
be asked, 2 bad input or no credentials. A disagreement writes a redacted report file for a bug report.
"""


def add_parser(sub: Any) -> None:
    p = sub.add_parser(
        "probe",
        help="compare predictions with AWS's answer, one tiny real call each (network, --yes)",
        description=DESCRIPTION,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    p.add_argument("scenario_file", nargs="?", metavar="SCENARIO", help="scenario file (docs/scenario.md)")
    p.add_argument("--model", help="model or inference profile id to probe (with --region)")
    p.add_argument("--region", help="source Region of the call (with --model)")
    p.add_argument("--yes", action="store_true", help="make the calls (they cost a little; see docs/live.md)")
    p.add_argument("--profile", help="AWS profile to use (default: the ordinary credential chain)")
    p.add_argument(
        "--report-dir", metavar="DIR", help="where a disagreement report goes (default: user cache)"
    )
    p.add_argument(
        "--timeout",
        type=float,
        default=60.0,
        metavar="SECONDS",
        help="give up on one call after this long without an answer (default: 60)",
    )
    p.add_argument("--format", choices=("text", "json"), default="text")
    p.set_defaults(run=run)


def _validate(args: argparse.Namespace) -> None:
    if bool(args.model) != bool(args.region):
        missing = "--region" if args.model else "--model"
        raise InputError(f"--model and --region go together; {missing} is missing", field=missing)
    if args.scenario_file and args.model:
        raise InputError("give a SCENARIO or --model/--region, not both", field="--model")


def _predict(args: argparse.Namespace, catalog: Any, now: str, principal: str | None) -> CheckRun | None:
    """The prediction, built by check's own functions."""
    from bedrock_access.iam.service_data import rcp_supported_services, resource_type_prefixes

    if args.scenario_file:
        from bedrock_access.checking import run_scenario
        from bedrock_access.scenario import load_scenario

        return run_scenario(
            load_scenario(args.scenario_file),
            catalog,
            rcp_services=rcp_supported_services(),
            resource_types=resource_type_prefixes,
            now=now,
        )
    if args.model:
        from bedrock_access.bedrock.caller import CallerError, caller_from_arn
        from bedrock_access.bedrock.invocation import Invocation
        from bedrock_access.checking import UNKNOWN_ACCOUNT, run

        arn = principal or f"arn:aws:iam::{UNKNOWN_ACCOUNT}:role/unknown-role"
        try:
            caller = caller_from_arn(arn)
        except CallerError as exc:
            raise InputError(str(exc), field="caller") from None
        return run(
            source=None,
            caller=caller,
            invocations=[Invocation("probe", args.model, args.region, "Converse")],
            policies=None,
            catalog=catalog,
            rcp_services=rcp_supported_services(),
            resource_types=resource_type_prefixes,
            now=now,
        )
    from bedrock_access.cli.check import _local

    local_args = argparse.Namespace(
        scenario=None,
        policies=[],
        scp=[],
        principal=principal,
        client_version=None,
        cline_settings=None,
        save_scenario=None,
    )
    located = _local(local_args, catalog, now)
    return located.run if located is not None else None


def run(args: argparse.Namespace) -> int:
    from datetime import UTC, datetime

    from bedrock_access.catalog.selection import catalog_in_use
    from bedrock_access.live.probe import plan

    _validate(args)
    if not args.timeout > 0:
        raise InputError(f"expected a positive number of seconds, got {args.timeout}", field="--timeout")
    in_use = catalog_in_use()
    catalog = in_use.catalog
    now = datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")
    if not args.yes:
        prediction = _predict(args, catalog, now, None)
        if prediction is None:
            return _nothing()
        return _dry_run(args, plan(prediction.assessments))

    import os

    from bedrock_access.live.aws import AwsFailure, new_session, secret_scrubber
    from bedrock_access.live.explain_aws import explain_aws_error
    from bedrock_access.live.probe import caller_identity, execute

    session = new_session(args.profile)
    # A Bedrock API key alone (AWS_BEARER_TOKEN_BEDROCK) serves the model calls; STS then fails, reported.
    if session.get_credentials() is None and not os.environ.get("AWS_BEARER_TOKEN_BEDROCK"):
        raise InputError(
            "no AWS credentials found (environment, ~/.aws files, SSO or instance role); nothing was called",
            field="credentials",
        )
    sts_region = args.region or session.region_name or "us-east-1"
    scrub = secret_scrubber(session)
    identity = caller_identity(session, sts_region, scrub)
    principal = identity["arn"] if not isinstance(identity, AwsFailure) and identity.get("arn") else None
    prediction = _predict(args, catalog, now, principal if not args.scenario_file else None)
    if prediction is None:
        return _nothing()

    def explain(failure: AwsFailure, call: PlannedCall) -> str | None:
        return explain_aws_error(failure.code, failure.message, call.api_name, catalog)

    results = execute(session, plan(prediction.assessments), explain, scrub, timeout=args.timeout)
    caller: dict[str, Any] = (
        {
            "arn": None,
            "account": None,
            "user_id": None,
            "error_code": identity.code,
            "error_message": identity.message,
        }
        if isinstance(identity, AwsFailure)
        else dict(identity)
    )
    report = None
    if any(r.disagreement for r in results):
        report = _write_report(args, caller, results, in_use, now)
    _print_results(args, caller, results, report, prediction)
    return 0 if all(r.agree for r in results) else 1


def _nothing() -> int:
    sys.stdout.write(
        "No Bedrock client configuration found on this machine and no SCENARIO or --model/--region given: "
        "nothing to probe.\n"
    )
    return 0


def _dry_run(args: argparse.Namespace, calls: tuple[PlannedCall, ...]) -> int:
    import orjson

    from bedrock_access.live.probe import MAX_TOKENS, PROMPT, cost_ceiling_usd

    ceiling = cost_ceiling_usd(len(calls))
    if args.format == "json":
        doc = {
            "caller": None,
            "results": [],
            "planned_calls": [
                {"api": "sts:GetCallerIdentity", "label": None, "model": None, "source_region": None}
            ]
            + [
                {
                    "api": f"bedrock-runtime:{c.api_name}",
                    "label": c.label,
                    "model": c.model,
                    "source_region": c.source_region,
                    "predicted": c.predicted,
                }
                for c in calls
            ],
            "max_tokens": MAX_TOKENS,
            "estimated_cost_usd_at_most": ceiling,
            "called": False,
        }
        sys.stdout.write(orjson.dumps(doc, option=orjson.OPT_INDENT_2).decode() + "\n")
        return 0
    lines = ["Nothing was called. With --yes, probe would make these calls with your current credentials:"]
    lines.append("  sts GetCallerIdentity  (free)")
    for c in calls:
        lines.append(
            f"  bedrock-runtime {c.api_name} in {c.source_region}: modelId {c.model}, prompt {PROMPT!r}, "
            f"maxTokens {MAX_TOKENS}  [{c.label}; predicted {c.predicted}]"
        )
    lines.append(
        f"Estimated cost: at most USD {ceiling:.4f} for {len(calls)} model call(s) "
        "(a few input tokens and at most 16 output tokens each, priced at the highest Claude rate; "
        "denied or invalid calls cost nothing)."
    )
    sys.stdout.write("\n".join(lines) + "\n")
    return 0


def _print_results(
    args: argparse.Namespace,
    caller: dict[str, Any],
    results: tuple[ProbeResult, ...],
    report: str | None,
    prediction: CheckRun,
) -> None:
    import orjson

    from bedrock_access.live.probe import ordered, result_json

    if args.format == "json":
        doc = {"caller": caller, "results": [result_json(r) for r in ordered(results)]}
        sys.stdout.write(orjson.dumps(doc, option=orjson.OPT_INDENT_2).decode() + "\n")
        if report:
            print(f"bedrock-access: probe: disagreement report written to {report}", file=sys.stderr)
        return
    who = caller.get("arn") or f"unknown ({caller.get('error_code')}: {caller.get('error_message')})"
    lines = [f"Caller: {who}"]
    rows = [("", "LABEL", "MODEL", "REGION", "PREDICTED", "ACTUAL", "AWS SAID")]
    for r in ordered(results):
        mark = "DISAGREE" if r.disagreement else ("?" if r.actual == "error" else "ok")
        said = r.failure.code if r.failure else "answered"
        rows.append(
            (mark, r.call.label, r.call.model, r.call.source_region, r.call.predicted, r.actual, said)
        )
    widths = [max(len(row[i]) for row in rows) for i in range(len(rows[0]))]
    lines.extend(
        "  ".join(cell.ljust(w) for cell, w in zip(row, widths, strict=True)).rstrip() for row in rows
    )
    for r in ordered(results):
        if r.failure is not None and not r.agree:
            lines.append(f"- {r.call.label}: {r.failure.render()}")
            if r.explanation:
                lines.append(f"  explain: {r.explanation}")
    arn = caller.get("arn")
    if arn and args.scenario_file and arn != prediction.caller.principal:
        lines.append(
            f"Note: the scenario's caller is {prediction.caller.principal}, but AWS answered for {arn}; "
            "a disagreement can come from that difference."
        )
    if not prediction.policies_known:
        lines.append(
            'Note: no policies were given, so IAM was not evaluated; "allowed" means check found nothing '
            "that stops the call."
        )
    agree = sum(1 for r in results if r.agree)
    lines.append(f"{agree} of {len(results)} prediction(s) agree with AWS.")
    if report:
        lines.append(f"Disagreement report (redacted, for a bug report): {report}")
    sys.stdout.write("\n".join(lines) + "\n")


def _write_report(
    args: argparse.Namespace, caller: dict[str, Any], results: tuple[ProbeResult, ...], in_use: Any, now: str
) -> str:
    """A redacted JSON file: the scenario, the prediction, AWS's answer and the catalog's date."""
    import os
    from pathlib import Path

    import orjson

    from bedrock_access import __version__
    from bedrock_access.catalog.selection import cache_dir
    from bedrock_access.live.probe import result_json
    from bedrock_access.redact import Scrubber, collect_secrets, redact
    from bedrock_access.report.check_json import invocation_json

    scenario_text = None
    if args.scenario_file:
        try:
            scenario_text = Path(args.scenario_file).read_text(encoding="utf-8", errors="replace")
        except OSError:
            scenario_text = None
    doc = {
        "tool": f"bedrock-access {__version__}",
        "created_at": now,
        "catalog": {
            "in_use": in_use.describe(),
            "snapshot_date": in_use.catalog.snapshot_date,
            "region_scans": dict(in_use.region_scans),
        },
        "scenario": {"path": args.scenario_file, "text": scenario_text}
        if args.scenario_file
        else {
            "path": None,
            "model": args.model,
            "region": args.region,
            "source": "this machine" if not args.model else "--model/--region",
        },
        "caller": caller,
        "disagreements": [
            {**result_json(r), "prediction": invocation_json(r.call.assessment)}
            for r in results
            if r.disagreement
        ],
    }
    scrub = Scrubber(collect_secrets(os.environ.items()))
    text = scrub(redact(orjson.dumps(doc, option=orjson.OPT_INDENT_2).decode()))
    folder = Path(args.report_dir) if args.report_dir else cache_dir() / "probe-reports"
    folder.mkdir(parents=True, exist_ok=True)
    stem = f"probe-disagreement-{now.replace(':', '').replace('-', '')}"
    path = folder / f"{stem}.json"
    counter = 1
    while path.exists():  # two runs in the same second keep both reports
        counter += 1
        path = folder / f"{stem}-{counter}.json"
    path.write_text(text + "\n", encoding="utf-8")
    return str(path)
