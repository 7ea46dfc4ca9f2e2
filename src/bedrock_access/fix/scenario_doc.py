"""The files ``--out`` writes for one alternative, as text: a patched scenario and its policies.

The patched ``scenario.yaml`` is the original document with every changed policy pointing at its new
file, added policies appended where they attach, changed model ids and auth modes in ``invocations``.
Policies the original read from files are copied next to it (``policies/``), so ``bedrock-access check``
runs on the patched scenario directly. Pure: the caller writes the files.
"""

from __future__ import annotations

import copy
import io
import json
import re
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path, PurePath
from typing import Any

from bedrock_access.fix.apply_doc import apply_markdown, written_paths
from bedrock_access.fix.apply_plan import managed_by_control_tower, principal_of
from bedrock_access.fix.model import Alternative, Location, PolicyChange
from bedrock_access.scenario.model import PolicyRef, Scenario

_UNSAFE = re.compile(r"[^A-Za-z0-9._-]+")


@dataclass(frozen=True, slots=True)
class OutputFile:
    path: str  # relative to the output directory, with "/" separators
    text: str
    # what the file is: "changed" or "added" (a document to apply), "proof-only" (a Control Tower-managed
    # SCP modelled for the proof), "copy" (an unchanged document the scenario reads), "scenario",
    # "apply" (APPLY.md), "client-settings", "report"
    role: str = "copy"


def _file_name(name: str) -> str:
    clean = _UNSAFE.sub("-", name).strip("-.") or "policy"
    return clean[:100]


class _Files:
    def __init__(self, prefix: str) -> None:
        self.prefix = prefix
        self.by_name: dict[str, str] = {}  # file name -> text
        self.out: list[OutputFile] = []

    def policy(
        self, name: str, document: Mapping[str, Any], role: str = "copy", folder: str = "policies"
    ) -> str:
        text = json.dumps(document, indent=2, ensure_ascii=False) + "\n"
        base = f"{folder}/{_file_name(name)}"
        candidate = base
        n = 2
        while candidate in self.by_name and self.by_name[candidate] != text:
            candidate = f"{base}-{n}"
            n += 1
        if candidate not in self.by_name:
            self.by_name[candidate] = text
            self.out.append(OutputFile(f"{self.prefix}{candidate}.json", text, role))
        return f"{candidate}.json"


def _original_locations(scenario: Scenario) -> list[tuple[Location, PolicyRef]]:
    out: list[tuple[Location, PolicyRef]] = [
        (Location("identity", None, i), ref) for i, ref in enumerate(scenario.identity_policies)
    ]
    for layer, ref in (
        ("pb", scenario.permission_boundary),
        ("session", scenario.session_policy),
        ("vpce", scenario.vpc_endpoint_policy),
    ):
        if ref is not None:
            out.append((Location(layer), ref))  # type: ignore[arg-type]
    for level, lvl in enumerate(scenario.scp_levels or ()):
        out.extend((Location("scp", level, j), ref) for j, ref in enumerate(lvl.policies))
    return out


def _set_entry(raw: dict[str, Any], loc: Location, entry: dict[str, Any]) -> None:
    if loc.layer == "identity":
        items = raw.setdefault("identity_policies", [])
        if loc.index < len(items):
            items[loc.index] = entry
        else:
            items.append(entry)
    elif loc.layer == "pb":
        raw["permission_boundary"] = entry
    elif loc.layer == "session":
        raw["session_policy"] = entry
    elif loc.layer == "vpce":
        raw.setdefault("network", {})["vpc_endpoint_policy"] = entry
    else:
        assert loc.level is not None
        policies = raw["organization"]["scps"][loc.level].setdefault("policies", [])
        if loc.index < len(policies):
            policies[loc.index] = entry
        else:
            policies.append(entry)


def _anchored(section: dict[str, Any], source: str) -> dict[str, Any]:
    """The client section with the files it names (``aws_config``, ``aws_credentials``,
    ``settings_files``) made absolute: the patched scenario is written elsewhere, and reads the same files."""
    base = Path(source).absolute().parent

    def fix(value: Any) -> Any:
        if (
            isinstance(value, str)
            and value
            and not value.startswith("~")
            and not PurePath(value).is_absolute()
        ):
            return str(base / value)
        return value

    out = dict(section)
    for key in ("aws_config", "aws_credentials"):
        if key in out:
            out[key] = fix(out[key])
    files = out.get("settings_files")
    if isinstance(files, list):
        out["settings_files"] = [
            {**item, "path": fix(item.get("path"))} if isinstance(item, dict) else fix(item) for item in files
        ]
    return out


def _yaml(document: Mapping[str, Any], header: str) -> str:
    from ruamel.yaml import YAML

    yaml = YAML(typ="safe", pure=True)
    yaml.default_flow_style = False
    yaml.width = 4096
    yaml.sort_base_mapping_type_on_output = False  # type: ignore[assignment]  # keep key order
    stream = io.StringIO()
    yaml.dump(dict(document), stream)
    comment = "".join(f"# {line}\n" if line else "#\n" for line in header.splitlines())
    return comment + stream.getvalue()


def alternative_files(scenario: Scenario, alt: Alternative, *, prefix: str = "") -> list[OutputFile]:
    """``scenario.yaml``, ``policies/*.json`` and (with client changes) ``client-settings.json``."""
    raw: dict[str, Any] = copy.deepcopy(dict(scenario.raw))
    files = _Files(prefix)
    changed = {c.location: c for c in alt.changes}
    for loc, ref in _original_locations(scenario):
        change = changed.pop(loc, None)
        if change is not None:
            path = files.policy(change.policy_name, change.document, *_role(change, "changed"))
            _set_entry(raw, loc, {"name": change.policy_name, "file": path})
        elif ref.file is not None:
            path = files.policy(ref.policy.name, ref.document)
            _set_entry(raw, loc, {"name": ref.policy.name, "file": path})
    for loc in sorted(changed, key=Location.sort_key):  # added policies, in order
        change = changed[loc]
        path = files.policy(change.policy_name, change.document, *_role(change, "added"))
        _set_entry(raw, loc, {"name": change.policy_name, "file": path})
    if alt.client_section is not None:
        raw["client"] = copy.deepcopy(dict(alt.client_section))
    if isinstance(raw.get("client"), dict):
        raw["client"] = _anchored(raw["client"], scenario.source)
    hidden: list[str] = []
    if raw.get("client") is not None:
        from bedrock_access.output_guard import without_secrets

        raw["client"], hidden = without_secrets(raw["client"], "client")
    skipped = []
    invocations = raw.get("invocations")
    for cc in alt.client_changes:
        if isinstance(invocations, list) and cc.invocation < len(invocations):
            invocations[cc.invocation][cc.field] = cc.after
        elif alt.client_section is None or cc.field != "model":
            skipped.append(cc.label)
    description = str(raw.get("description") or "").strip()
    raw["description"] = f"{description} [patched by bedrock-access fix: {alt.name}]".strip()
    header = (
        f"Patched by `bedrock-access fix` ({alt.name}) from {scenario.source}.\n"
        f"{alt.summary}.\n"
        f"Check it: bedrock-access check {prefix}scenario.yaml"
    )
    if skipped:
        header += "\nNot in this file (set them in the client): " + ", ".join(skipped)
    if hidden:
        header += (
            "\nSecrets are not copied: these values are placeholders (of the same kind), put the real ones"
            " back or set them in the environment: " + ", ".join(hidden)
        )
    out = [OutputFile(f"{prefix}scenario.yaml", _yaml(raw, header), "scenario"), *files.out]
    if alt.client_settings is not None:
        from bedrock_access.output_guard import without_secrets

        settings, _ = without_secrets(dict(alt.client_settings))
        out.append(
            OutputFile(
                f"{prefix}client-settings.json",
                json.dumps(settings, indent=2) + "\n",
                "client-settings",
            )
        )
    out.append(OutputFile(f"{prefix}APPLY.md", _apply(scenario, alt, files), "apply"))
    return out


def _role(change: PolicyChange, role: str) -> tuple[str, str]:
    """A Control Tower-managed document goes to ``proof-only/``: the proof needs it, nobody applies it."""
    if managed_by_control_tower(change):
        return "proof-only", "proof-only"
    return role, "policies"


def _apply(scenario: Scenario, alt: Alternative, files: _Files) -> str:
    principal = principal_of(scenario.caller.principal_arn, scenario.caller.account)
    texts = {f"{path}.json": text for path, text in files.by_name.items()}
    return apply_markdown(
        alt,
        written_paths(alt.changes, texts),
        principal,
        scenario_source=scenario.source,
        vpc_endpoint=scenario.network.vpc_endpoint,
    )


def alternative_dir(name: str) -> str:
    return _file_name(name.replace("+", "_"))
