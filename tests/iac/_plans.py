"""Build plans the way `terraform show -json` writes them (documented JSON output format, format_version 1.x).

Terraform's AWS provider cannot be downloaded here, so the fixtures are written by hand from the format's
documentation (https://developer.hashicorp.com/terraform/internals/json-format).
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

EXAMPLES = Path(__file__).resolve().parents[2] / "examples"


def policy_text(name: str) -> str:
    return json.dumps(json.loads((EXAMPLES / "policies" / name).read_text()), separators=(",", ":"))


def resource(
    address: str, values: dict[str, Any], *, mode: str = "managed", index: Any = None
) -> dict[str, Any]:
    base = address.rsplit(".", 1)
    typ = address.split(".")[-2]
    out = {
        "address": address,
        "mode": mode,
        "type": typ.split("[")[0],
        "name": base[-1].split("[")[0],
        "provider_name": "registry.terraform.io/hashicorp/aws",
        "schema_version": 0,
        "values": values,
        "sensitive_values": {},
    }
    if index is not None:
        out["index"] = index
    return out


def plan(
    *,
    prior: list[dict[str, Any]] | None = None,
    planned: list[dict[str, Any]] | None = None,
    unknown: dict[str, dict[str, Any]] | None = None,
    config: list[dict[str, Any]] | None = None,
    child_modules: dict[str, list[dict[str, Any]]] | None = None,
    format_version: str = "1.2",
) -> dict[str, Any]:
    planned = planned or []
    changes = []
    for r in planned:
        changes.append(
            {
                "address": r["address"],
                "mode": r["mode"],
                "type": r["type"],
                "name": r["name"],
                "change": {
                    "actions": ["update"],
                    "before": None,
                    "after": r["values"],
                    "after_unknown": (unknown or {}).get(r["address"], {}),
                },
            }
        )
    root: dict[str, Any] = {"resources": planned}
    if child_modules:
        root["child_modules"] = [{"address": k, "resources": v} for k, v in child_modules.items()]
    return {
        "format_version": format_version,
        "terraform_version": "1.9.8",
        "planned_values": {"root_module": root},
        "resource_changes": changes,
        "prior_state": {"format_version": "1.0", "values": {"root_module": {"resources": prior or []}}},
        "configuration": {"root_module": {"resources": config or []}},
    }


def write(tmp_path: Path, doc: dict[str, Any], name: str = "plan.json") -> str:
    path = tmp_path / name
    path.write_text(json.dumps(doc))
    return str(path)


SCENARIO = """\
principal: arn:aws:sts::111122223333:assumed-role/BedrockDev/alice
identity_policies:
  - {name: ClaudeUsProfiles, file: %(policies)s/claude-us-profiles.json}
organization:
  scps:
    - target: r-ab12
      policies: [{name: FullAWSAccess, file: %(policies)s/full-aws-access.json}]
    - target: ou-ab12-workloads
      policies: [{name: FullAWSAccess, file: %(policies)s/full-aws-access.json}]
    - target: "111122223333"
      policies: [{name: FullAWSAccess, file: %(policies)s/full-aws-access.json}]
%(extra)s
invocations:
  - {label: main, model: us.anthropic.claude-sonnet-4-6, region: us-east-1}
"""


def scenario(tmp_path: Path, extra: str = "") -> str:
    path = tmp_path / "scenario.yaml"
    path.write_text(SCENARIO % {"policies": EXAMPLES / "policies", "extra": extra})
    return str(path)
