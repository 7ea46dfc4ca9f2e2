"""Read Terraform plans and CloudFormation templates from files (the I/O edge of ``iac``)."""

from __future__ import annotations

from typing import Any

from bedrock_access.errors import InputError

MAX_IAC_BYTES = 64 * 1024 * 1024  # a plan of a large organization is tens of MB at most
MAX_DEPTH = 200


def _read(path: str, what: str) -> str:
    from bedrock_access.io_guard import read_bytes

    # Regular files only (a FIFO or a device is refused), the cap applied while reading.
    data = read_bytes(path, display=path, limit=MAX_IAC_BYTES, what=what)
    assert data is not None
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError:
        raise InputError(f"{what} is not UTF-8 text", source=path) from None


def _depth(value: Any, source: str) -> None:
    stack = [(value, 0)]
    while stack:
        node, depth = stack.pop()
        if depth > MAX_DEPTH:
            raise InputError(f"nested deeper than {MAX_DEPTH} levels", source=source)
        if isinstance(node, dict):
            stack.extend((v, depth + 1) for v in node.values())
        elif isinstance(node, list):
            stack.extend((v, depth + 1) for v in node)


def load_plan(path: str) -> Any:
    """The JSON of ``terraform show -json PLANFILE``."""
    import orjson

    text = _read(path, "Terraform plan")
    try:
        plan = orjson.loads(text)
    except orjson.JSONDecodeError as exc:
        raise InputError(
            f"not JSON ({exc}); give the output of `terraform show -json PLANFILE`", source=path
        ) from None
    _depth(plan, path)
    return plan


def load_template(path: str) -> Any:
    """A CloudFormation template in JSON or YAML; YAML short forms (``!Sub``, ``!Ref``...) become the
    ``Fn::`` mappings of the JSON form."""
    from ruamel.yaml import YAML
    from ruamel.yaml.constructor import SafeConstructor
    from ruamel.yaml.error import YAMLError
    from ruamel.yaml.nodes import MappingNode, ScalarNode, SequenceNode

    class _Constructor(SafeConstructor):
        pass

    def short_form(loader: Any, suffix: str, node: Any) -> Any:
        if isinstance(node, ScalarNode):
            value: Any = loader.construct_scalar(node)
        elif isinstance(node, SequenceNode):
            value = loader.construct_sequence(node, deep=True)
        elif isinstance(node, MappingNode):
            value = loader.construct_mapping(node, deep=True)
        else:  # pragma: no cover - ruamel has no other node kinds
            raise InputError(f"unexpected YAML node for !{suffix}", source=path)
        if suffix == "GetAtt" and isinstance(value, str):
            value = value.split(".", 1)
        key = suffix if suffix in ("Ref", "Condition") else f"Fn::{suffix}"
        return {key: value}

    _Constructor.add_multi_constructor("!", short_form)
    text = _read(path, "CloudFormation template")
    yaml = YAML(typ="safe", pure=True)
    yaml.Constructor = _Constructor
    try:
        template = yaml.load(text)
    except YAMLError as exc:
        first = str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
        raise InputError(f"not valid YAML or JSON: {first}", source=path) from None
    except RecursionError:
        raise InputError(f"nested deeper than {MAX_DEPTH} levels", source=path) from None
    _depth(template, path)
    return template
