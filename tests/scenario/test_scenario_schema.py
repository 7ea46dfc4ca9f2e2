"""src/bedrock_access/scenario/schema.json (JSON Schema draft 2020-12) against the examples and the loader."""

from __future__ import annotations

import json
import re
from importlib import resources
from pathlib import Path
from typing import Any

import pytest
from ruamel.yaml import YAML

from bedrock_access.bedrock.invocation import AUTH_MODES, OPERATIONS
from bedrock_access.errors import InputError
from bedrock_access.scenario import load as loader
from bedrock_access.scenario import parse_scenario

jsonschema = pytest.importorskip("jsonschema")

EXAMPLES = Path(__file__).resolve().parents[2] / "examples"
PRINCIPAL = "arn:aws:iam::111122223333:user/alice"
CALL = {"model": "us.anthropic.claude-sonnet-4-6", "region": "us-east-1"}
ALLOW = {"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": "bedrock:*", "Resource": "*"}]}


@pytest.fixture(scope="module")
def schema() -> dict[str, Any]:
    text = resources.files("bedrock_access.scenario").joinpath("schema.json").read_text(encoding="utf-8")
    document: dict[str, Any] = json.loads(text)
    return document


@pytest.fixture(scope="module")
def validator(schema: dict[str, Any]) -> Any:
    jsonschema.Draft202012Validator.check_schema(schema)
    return jsonschema.Draft202012Validator(schema)


def _plain(path: Path) -> Any:
    return YAML(typ="safe").load(path.read_text(encoding="utf-8"))


def test_schema_is_draft_2020_12(schema: dict[str, Any]) -> None:
    assert schema["$schema"] == "https://json-schema.org/draft/2020-12/schema"


@pytest.mark.parametrize("path", sorted(EXAMPLES.glob("*.yaml")), ids=lambda p: p.name)
def test_every_example_validates(validator: Any, path: Path) -> None:
    errors = [f"{list(e.absolute_path)}: {e.message}" for e in validator.iter_errors(_plain(path))]
    assert errors == []


def _loader_keys(document: dict[str, Any]) -> set[str]:
    """The keys the loader accepts at one place: ask it, with an unknown key there."""
    with pytest.raises(InputError) as caught:
        parse_scenario(json.dumps(document), source="probe.json", base_dir=EXAMPLES)
    found = re.search(r"unknown key \(expected one of: ([^)]*)\)", caught.value.message)
    assert found, caught.value.message
    return set(found.group(1).split(", "))


def _props(node: dict[str, Any]) -> set[str]:
    return set(node["properties"])


def test_top_level_keys_agree(schema: dict[str, Any]) -> None:
    assert _props(schema) == set(loader._TOP_KEYS)
    assert _props(schema) == _loader_keys({"principal": PRINCIPAL, "zz_unknown": 1, "invocations": [CALL]})
    assert schema["additionalProperties"] is False


def test_nested_keys_agree(schema: dict[str, Any]) -> None:
    top = schema["properties"]
    defs = schema["$defs"]
    organization = top["organization"]
    probes = {
        "organization": (_props(organization), {"organization": {"zz_unknown": 1}}),
        "organization.scps[]": (
            _props(organization["properties"]["scps"]["items"]),
            {"organization": {"scps": [{"target": "r-ab12", "zz_unknown": 1}]}},
        ),
        "network": (_props(top["network"]), {"network": {"zz_unknown": 1}}),
        "invocations[]": (_props(defs["invocation"]), {"invocations": [{**CALL, "zz_unknown": 1}]}),
        "policy reference": (
            set().union(*(_props(alt) for alt in defs["policyRef"]["oneOf"][1:])),
            {"identity_policies": [{"name": "x", "zz_unknown": 1}]},
        ),
    }
    for place, (in_schema, document) in probes.items():
        probe = {"principal": PRINCIPAL, "invocations": [CALL], **document}
        assert in_schema == _loader_keys(probe), place


def test_enumerations_agree(schema: dict[str, Any]) -> None:
    invocation = schema["$defs"]["invocation"]["properties"]
    assert [v for v in invocation["operation"]["enum"] if v is not None] == list(OPERATIONS)
    assert [v for v in invocation["auth"]["enum"] if v is not None] == list(AUTH_MODES)


# Documents both must refuse, and documents both must accept.
REFUSED = {
    "no principal": {"invocations": [CALL]},
    "no invocations and no client": {"principal": PRINCIPAL},
    "unknown top-level key": {"principal": PRINCIPAL, "invocations": [CALL], "principals": "x"},
    "invocation without region": {"principal": PRINCIPAL, "invocations": [{"model": CALL["model"]}]},
    "invocation without model": {"principal": PRINCIPAL, "invocations": [{"region": "us-east-1"}]},
    "unknown operation": {"principal": PRINCIPAL, "invocations": [{**CALL, "operation": "Invoke"}]},
    "unknown auth": {"principal": PRINCIPAL, "invocations": [{**CALL, "auth": "apikey"}]},
    "source_ip through an endpoint": {
        "principal": PRINCIPAL,
        "invocations": [CALL],
        "network": {"vpc_endpoint": "vpce-0a1b2c3d", "source_ip": "203.0.113.1"},
    },
    "VPC keys without an endpoint": {
        "principal": PRINCIPAL,
        "invocations": [CALL],
        "network": {"vpc_source_ip": "10.0.0.1"},
    },
    "policy with both document and file": {
        "principal": PRINCIPAL,
        "invocations": [CALL],
        "identity_policies": [{"document": ALLOW, "file": "x.json"}],
    },
    "short management account": {
        "principal": PRINCIPAL,
        "invocations": [CALL],
        "organization": {"management_account": "12345"},
    },
    "organization id not of the o- form": {
        "principal": PRINCIPAL,
        "invocations": [CALL],
        "organization": {"id": "x"},
    },
    "VPC endpoint id not of the vpce- form": {
        "principal": PRINCIPAL,
        "invocations": [CALL],
        "network": {"vpc_endpoint": "vpce-1"},
    },
    "VPC id not of the vpc- form": {
        "principal": PRINCIPAL,
        "invocations": [CALL],
        "network": {"vpc_endpoint": "vpce-0a1b2c3d", "vpc": "x"},
    },
    "role_arn not a role ARN": {"principal": PRINCIPAL, "invocations": [CALL], "role_arn": "x"},
    "application profile key not an ARN": {
        "principal": PRINCIPAL,
        "invocations": [CALL],
        "application_inference_profiles": {"us.anthropic.claude-sonnet-4-6": "x"},
    },
}
ACCEPTED = {
    "minimal": {"principal": PRINCIPAL, "invocations": [CALL]},
    "bare policy document": {"principal": PRINCIPAL, "invocations": [CALL], "identity_policies": [ALLOW]},
    "policy as JSON text": {
        "principal": PRINCIPAL,
        "invocations": [CALL],
        "identity_policies": [{"name": "x", "document": json.dumps(ALLOW)}],
    },
    "management account as a number": {
        "principal": PRINCIPAL,
        "invocations": [CALL],
        "organization": {"id": "o-abc123def4", "management_account": 999999999999, "scps": []},
    },
    "context values": {
        "principal": PRINCIPAL,
        "invocations": [CALL],
        "context": {
            "aws:PrincipalTag/team": "ml",
            "aws:MultiFactorAuthPresent": True,
            "aws:TagKeys": ["a", "b"],
        },
    },
    "endpoint with its keys": {
        "principal": PRINCIPAL,
        "invocations": [CALL],
        "network": {
            "vpc_endpoint": "vpce-0a1b2c3d",
            "vpc_source_ip": "10.0.0.1",
            "vpc": "vpc-0a1b2c3d",
            "vpc_endpoint_policy": ALLOW,
        },
    },
}


@pytest.mark.parametrize("name", sorted(REFUSED))
def test_schema_and_loader_refuse_alike(validator: Any, name: str) -> None:
    document = REFUSED[name]
    assert not validator.is_valid(document)
    with pytest.raises(InputError):
        parse_scenario(json.dumps(document), source="doc.json", base_dir=EXAMPLES)


@pytest.mark.parametrize("name", sorted(ACCEPTED))
def test_schema_and_loader_accept_alike(validator: Any, name: str) -> None:
    document = ACCEPTED[name]
    assert validator.is_valid(document), list(validator.iter_errors(document))
    parse_scenario(json.dumps(document), source="doc.json", base_dir=EXAMPLES)


def test_schema_ships_with_the_package() -> None:
    assert resources.files("bedrock_access.scenario").joinpath("schema.json").is_file()
