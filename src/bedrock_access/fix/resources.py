"""Model allow-lists written as ``Deny ... NotResource [approved foundation-model ARNs]`` (failure S18).

Such a statement also denies the first hop of a cross-Region call, whose resource is the inference
profile ARN. When the model behind the profile is already approved, the fix adds that profile's ARN
(in the source Region) to ``NotResource``; a model that is not approved is a decision, not a fix.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from bedrock_access.bedrock.checks import AuthorizationCheck
from bedrock_access.bedrock.findings import MODEL_ALLOW_LIST_PROFILE_UNCERTAIN
from bedrock_access.bedrock.identifiers import IdentifierError, parse_identifier
from bedrock_access.catalog.geography import split_profile_id
from bedrock_access.fix.documents import as_list, replace_key, statements, with_statements
from bedrock_access.fix.region import Patch, Refusal
from bedrock_access.iam.arn import arn_match, parse_arn


def _model_behind(resource: str, app_profiles: Mapping[str, str]) -> tuple[str, str] | None:
    """(kind, model id) of a profile ARN, or None when it is not a profile."""
    arn = parse_arn(resource)
    if arn is None:
        return None
    kind, _, ident = arn.resource.partition("/")
    if kind == "inference-profile":
        split = split_profile_id(ident)
        return (kind, split[1]) if split else None
    if kind == "application-inference-profile":
        copied = app_profiles.get(resource)
        if copied is None:
            return None
        try:
            identifier = parse_identifier(copied)
        except IdentifierError:
            return None
        return (kind, identifier.model_id) if identifier.model_id else None
    return None


def extend_allow_list(
    doc: dict[str, Any],
    index: int,
    checks: Sequence[AuthorizationCheck],
    *,
    account: str,
    app_profiles: Mapping[str, str],
) -> Patch | Refusal:
    stmts = statements(doc)
    stmt = stmts[index]
    if "NotResource" not in stmt:
        return Refusal("the statement names the resources it denies (a deliberate deny), not an allow-list")
    approved = as_list(stmt["NotResource"])
    added: list[str] = []
    for check in checks:
        behind = _model_behind(check.resource, app_profiles)
        arn = parse_arn(check.resource)
        if behind is None or arn is None:
            return Refusal(
                f"{check.resource} is not on the allow-list; approving another model is a decision, not a fix"
            )
        kind, model_id = behind
        model_arn = f"arn:{arn.partition}:bedrock:{arn.region}::foundation-model/{model_id}"
        if not any(arn_match(pattern, model_arn) for pattern in approved):
            return Refusal(f"the model behind {check.resource} ({model_id}) is not on the allow-list")
        ident = arn.resource.partition("/")[2]
        if kind == "inference-profile":
            pattern = f"arn:{arn.partition}:bedrock:{arn.region}:{account}:inference-profile/{ident}"
        else:
            pattern = check.resource
        if pattern not in approved and pattern not in added:
            added.append(pattern)
    if not added:
        return Refusal("nothing to add to the allow-list")
    patched = replace_key(stmt, "NotResource", "NotResource", [*approved, *added])
    return Patch(
        document=with_statements(doc, [*stmts[:index], patched, *stmts[index + 1 :]]),
        explanation=(
            f"add {', '.join(added)} to NotResource: the profile's own check names the profile ARN, "
            "not the approved model's",
            "the models reached through it are already on the list; every other model stays denied",
            MODEL_ALLOW_LIST_PROFILE_UNCERTAIN + "; this change is right under both readings",
        ),
    )
