"""Explaining a parsed error: its cause in plain words, and what to do.

:func:`explain_parsed` turns a :class:`~bedrock_access.bedrock.error_scan.ParsedError` into an
:class:`Explanation`. IAM denials are explained from the check they name (a Region-less global check,
a destination Region of a profile, a profile in its source Region, ...); every other cause from its row
of :data:`bedrock_access.bedrock.error_causes.CAUSES`.

This package knows nothing of clients: an explanation lists the advice topics
(:data:`~bedrock_access.bedrock.error_causes.ADVICE_TOPICS`) on which clients have advice of their
own, and :func:`bedrock_access.explaining.explain_error` joins the clients' advice to it.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass

from bedrock_access.bedrock.error_causes import CAUSE_BY_CODE, CAUSE_CODES
from bedrock_access.bedrock.error_scan import ParsedError
from bedrock_access.bedrock.errors import ReportedPolicyType
from bedrock_access.bedrock.findings import MODEL_ALLOW_LIST_PROFILE_UNCERTAIN
from bedrock_access.bedrock.paste import is_redacted, readable
from bedrock_access.catalog.geography import GLOBAL_SCOPE, scope_of_profile_id, split_profile_id
from bedrock_access.iam.arn import parse_arn

__all__ = ["CAUSE_CODES", "IAM_EXPLANATION_CODES", "DestinationsOf", "Explanation", "explain_parsed"]

DestinationsOf = Callable[[str, str], Sequence[tuple[str, str]]]
"""``(model id, Region) -> [(profile id, source Region), ...]``: the system inference profiles that route
that model to that Region, each with a source Region it does so from."""

_LAYER_NAME: dict[ReportedPolicyType, str] = {
    "identity": "the caller's identity-based policies",
    "scp": "a service control policy",
    "rcp": "a resource control policy",
    "boundary": "the permissions boundary",
    "session": "the session policy",
    "resource": "a resource-based policy",
    "vpce": "the VPC endpoint policy",
    "trust": "the role trust policy",
}


@dataclass(frozen=True, slots=True)
class Explanation:
    """Why the error happened and what to do about it.

    ``code`` names the explanation that applied (a cause code from :data:`CAUSE_CODES`, or one of
    :data:`IAM_EXPLANATION_CODES`), stable for tests and JSON output. ``advice`` names the topics of
    :data:`~bedrock_access.bedrock.error_causes.ADVICE_TOPICS` on which clients have advice to add.
    """

    code: str
    cause: str
    fixes: tuple[str, ...]
    advice: tuple[str, ...] = ()


IAM_EXPLANATION_CODES: tuple[str, ...] = (
    "bearer-token-denied",
    "global-regionless-check",
    "cris-destination-check",
    "foundation-model-check",
    "inference-profile-check",
    "application-profile-check",
    "discovery-denied",
    "iam-denial",
    "count-tokens-forbidden",
    "runtime-forbidden",
    "access-denied-unparsed",
    "validation-unparsed",
    "unrecognized",
)


def _base_model(profile_id: str) -> str:
    split = split_profile_id(profile_id)
    return split[1] if split else profile_id


def _partition(resource: str | None) -> str:
    arn = parse_arn(resource) if resource else None
    return arn.partition if arn else "aws"


# How each layer decided, for an explicit deny; " (applied through ...)" follows the first "the request".
_EXPLICIT_CAUSE: dict[ReportedPolicyType, str] = {
    "scp": "A Deny statement in a service control policy of the AWS Organization matches the request. "
    "No IAM Allow can override it; only the organization's administrators can change the SCP.",
    "identity": "A Deny statement in the caller's identity-based policies (role or user policies, group "
    "policies, or an IAM Identity Center permission set) matches the request. Common shapes: a Region "
    "restriction on aws:RequestedRegion, or a network restriction on aws:SourceIp (which is absent when "
    "the call goes through a VPC endpoint, so a NotIpAddress deny then always fires).",
    "boundary": "A Deny statement in the permissions boundary of the user or role matches the request.",
    "session": "A Deny statement in the session policy, passed when the role session was created, matches "
    "the request.",
    "vpce": "The request went through a VPC interface endpoint whose endpoint policy denies it.",
    "rcp": "A resource control policy denies the request. RCPs do not apply to Amazon Bedrock, so this "
    "denial comes from another service.",
    "resource": "A resource-based policy of the target denies the request. Amazon Bedrock has no "
    "resource-based policies, so this denial comes from another service.",
    "trust": "The role's trust policy denies this caller the right to assume it.",
}

# The same without an Allow: str.format templates with ``action`` and ``target`` (" on RESOURCE" or empty).
_IMPLICIT_CAUSE: dict[ReportedPolicyType, str] = {
    "scp": "At some level of the organization (root, an OU or the account) no service control policy "
    "allows {action}: an allow-list SCP leaves it out.",
    "identity": "None of the caller's identity-based policies allows {action}{target}.",
    "boundary": "The permissions boundary does not allow {action}{target}; a boundary caps what "
    "identity policies can grant.",
    "session": "The session policy does not allow {action}{target}; a session policy caps what the "
    "role's own policies grant for that session.",
    "vpce": "The policy of the VPC endpoint the request went through does not allow {action}{target}.",
    "rcp": "No resource control policy allows {action}. RCPs do not apply to Amazon Bedrock.",
    "resource": "No resource-based policy allows {action}{target}, and the caller's own policies do "
    "not either.",
    "trust": "The role's trust policy does not allow this caller to assume it.",
}


def _layer_cause(p: ParsedError) -> str:
    """One sentence: which layer decided, and how, for any IAM denial."""
    if p.policy_type is None:
        if p.truncated:
            return (
                "The paste is cut off before AWS's message names the policy type that decided, so every "
                "reading stays open: an explicit Deny or a missing Allow, in the caller's identity-based "
                "policies, a service control policy, the permissions boundary or the session policy."
            )
        return "AWS's message does not say which policy type decided."
    via = f" (applied through {_LAYER_NAME[p.via_policy_type]})" if p.via_policy_type else ""
    if p.explicit:
        return _EXPLICIT_CAUSE[p.policy_type].replace("the request", f"the request{via}", 1)
    target = f" on {p.resource}" if p.resource else ""
    return _IMPLICIT_CAUSE[p.policy_type].format(action=p.action or "the action", target=target) + via


def _layer_fixes(p: ParsedError) -> list[str]:
    action = p.action or "the action"
    target = f" on {p.resource}" if p.resource else ""
    if p.policy_type is None:
        return ["Find the full message (client debug output, or the errorMessage of the CloudTrail event)."]
    if p.policy_type == "scp":
        return [
            "Ask the organization's administrators to change or exempt the SCP statement that matches; "
            "changing IAM policies in the account cannot help."
        ]
    if p.policy_type == "vpce":
        return [
            f"Allow {action}{target} in the bedrock-runtime VPC endpoint's policy, or call Bedrock without "
            "that endpoint."
        ]
    layer = _LAYER_NAME[p.policy_type]
    if p.explicit:
        return [
            f"Find the Deny statement in {layer} that matches and narrow its conditions or exempt this request."
        ]
    return [f"Allow {action}{target} in {layer}."]


def _references(p: ParsedError) -> list[str]:
    notes = []
    if p.policy_arn:
        notes.append(f"The deciding policy, as AWS names it: {p.policy_arn}")
    if p.authorization_id:
        notes.append(
            f"AWS recorded the evaluation as authorization id {p.authorization_id}: "
            "GetRequestAuthorizationDetails (or the console link in the message) shows it."
        )
    return notes


def _bearer(p: ParsedError) -> Explanation:
    denial = "denies" if p.explicit else "does not allow"
    layer = _LAYER_NAME[p.policy_type] if p.policy_type else "a policy"
    cause = (
        "The request was made with a Bedrock API key (a bearer token), and using an API key is itself "
        f"authorized as bedrock:CallWithBearerToken, which {layer} {denial}. Organizations often block API "
        "keys on purpose, all of them or only long-term ones (condition bedrock:BearerTokenType)."
    )
    fixes = [
        "Sign requests with IAM credentials instead: unset AWS_BEARER_TOKEN_BEDROCK (or the client's API key "
        "setting) so the client uses the AWS credential chain."
    ]
    if p.policy_type == "scp":
        fixes.append(
            "If API keys should be allowed, ask the organization's administrators for an exemption "
            "(for example short-term keys only, with bedrock:BearerTokenType = SHORT_TERM)."
        )
    elif not p.explicit:
        fixes.append(
            "Allow bedrock:CallWithBearerToken on * for the identity behind the key (the IAM user of a "
            "long-term key, or the role that generated a short-term key)."
        )
    else:
        fixes.extend(_layer_fixes(p))
    return Explanation("bearer-token-denied", cause, tuple(fixes))


def _global(p: ParsedError, model: str) -> Explanation:
    partition = _partition(p.resource)
    regionless = f"arn:{partition}:bedrock:::foundation-model/{model}"
    cause = (
        f"The denied check is on the Region-less foundation-model ARN {regionless}. Bedrock makes this check "
        f"only for a global cross-Region inference profile (global.{model}), and evaluates it with "
        'aws:RequestedRegion = "unspecified" rather than a Region name. '
    )
    layer = _LAYER_NAME[p.policy_type] if p.policy_type else "a policy"
    if p.policy_type == "scp" and p.explicit:
        cause += (
            "The service control policy's Region deny (a StringNotEquals allow-list of Regions, as in "
            'Control Tower\'s Region deny) does not list "unspecified", so every global-profile call fails.'
        )
        fixes = [
            'Add "unspecified" to the SCP\'s approved Regions for Bedrock, limited to global profiles with '
            "ArnLike bedrock:InferenceProfileArn arn:aws:bedrock:*:*:inference-profile/global.*.",
            'Under AWS Control Tower the landing-zone Region deny cannot list "unspecified": use the OU-level '
            "Region deny control with Bedrock invoke actions exempted, or a customized SCP.",
            "Or use a geographic profile (us., eu., ...) whose destination Regions are all approved.",
        ]
    elif p.explicit:
        cause += (
            f"A Deny in {layer} matches it, typically a Region restriction on aws:RequestedRegion that does "
            'not list "unspecified".'
        )
        fixes = [
            f'Exempt "unspecified" from the Region restriction in {layer}, limited to checks whose '
            "bedrock:InferenceProfileArn is a global profile.",
            "Or use a geographic profile instead of the global one.",
        ]
    else:
        cause += (
            f"{layer[0].upper()}{layer[1:]} do{'es' if not layer.endswith('policies') else ''} not allow it: "
            "an Allow for named Regions, or with an aws:RequestedRegion condition naming a Region, does not "
            "match this check."
        )
        fixes = [
            f"Allow {p.action or 'bedrock:InvokeModel'} on {regionless} with the conditions "
            'aws:RequestedRegion = "unspecified" and bedrock:InferenceProfileArn = the global profile ARN, '
            "next to the profile ARN and the source Region's foundation model.",
            "Or use a geographic profile instead of the global one.",
        ]
    return Explanation("global-regionless-check", cause, tuple(fixes))


def _profiles_phrase(routes: Sequence[tuple[str, str]]) -> tuple[str, str]:
    """('the us. cross-Region inference profile', 'us.model (called from us-east-1 or us-west-2)')."""
    sources: dict[str, list[str]] = {}
    for profile, source in routes:
        sources.setdefault(profile, [])
        if source not in sources[profile]:
            sources[profile].append(source)
    prefixes: list[str] = []
    for profile in sources:
        prefix = profile.partition(".")[0] + "."
        if prefix not in prefixes:
            prefixes.append(prefix)
    plural = "s" if len(prefixes) > 1 else ""
    named = f"the {' and '.join(prefixes)} cross-Region inference profile{plural}"
    detail = "; ".join(
        f"{profile} called from {' or '.join(regions)}" for profile, regions in sources.items()
    )
    return named, detail


def _cris_destination(
    p: ParsedError, model: str, region: str, routes: Sequence[tuple[str, str]]
) -> Explanation:
    named, detail = _profiles_phrase(routes)
    prefix = routes[0][0].partition(".")[0]
    action = p.action or "bedrock:InvokeModel"
    partition = _partition(p.resource)
    cause = f"{region} is a destination Region of {named} ({detail}); "
    layer = _LAYER_NAME[p.policy_type] if p.policy_type else "a policy"
    if p.policy_type == "scp" and p.explicit:
        cause += "the service control policy's Region deny blocks the foundation-model check there."
        fixes = [
            f"Exempt cross-Region routing in the SCP: deny Bedrock invoke actions in {region} only when "
            f"bedrock:InferenceProfileArn does not match arn:aws:bedrock:*:*:inference-profile/{prefix}.* "
            "(the profile's own check in the source Region stays under the Region deny).",
            f"Under AWS Control Tower the landing-zone Region deny cannot exempt Bedrock: govern {region}, or "
            "use the OU-level Region deny control (CT.MULTISERVICE.PV.1) with bedrock:Invoke* exempted.",
            f"Or approve {region}, or use a profile whose destination Regions are all approved.",
        ]
    elif p.policy_type == "identity" and not p.explicit:
        cause += (
            "no identity-based policy allows the foundation model there. A profile call needs the profile "
            "ARN and the foundation-model ARN in every destination Region; this policy covers only some of "
            "them, so calls fail whenever that Region is checked."
        )
        fixes = [
            f"Allow {action} on arn:{partition}:bedrock:*::foundation-model/{model} (or list every destination "
            "Region), optionally with the condition bedrock:InferenceProfileArn = the profile ARN.",
        ]
    elif p.explicit:
        cause += (
            f"a Deny in {layer}, typically a Region restriction, blocks the foundation-model check there."
        )
        fixes = [
            f"Exempt checks that carry bedrock:InferenceProfileArn from the Region restriction in {layer}, "
            f"or allow {region} there.",
        ]
    else:
        cause += f"{layer} does not allow the foundation model in that Region."
        fixes = [f"Allow {action} on arn:{partition}:bedrock:{region}::foundation-model/{model} in {layer}."]
    cause += (
        " Bedrock checks the model in every destination Region, with aws:RequestedRegion set to that Region, "
        "even for requests served elsewhere."
    )
    return Explanation("cris-destination-check", cause, tuple(fixes))


def _foundation_model(
    p: ParsedError, model: str, region: str, routes: Sequence[tuple[str, str]] | None
) -> Explanation:
    cause = f"The check on the foundation model {model} in {region} is denied. {_layer_cause(p)}"
    called = _known(p.endpoint_region)
    if is_redacted(region):
        cause += (
            " The Region is redacted in the paste, so both readings stay open: the Region the client called "
            "(a direct call), or a destination Region of a cross-Region inference profile (Bedrock checks the "
            "model in every destination)."
        )
    elif routes is None:
        cause += (
            f" If the call used a cross-Region inference profile, {region} may be one of its destination "
            "Regions rather than the Region the client called: Bedrock checks the model in every destination."
        )
    elif called == region:
        cause += f" The client called {region} itself, so this is the check of a direct call there."
    else:
        cause += (
            f" No system inference profile we know routes this model to {region}, so this is the check of a "
            f"call made in {region} itself."
        )
    fixes = _layer_fixes(p)
    if p.policy_type == "scp":
        fixes.append(f"Or call the model from an approved Region instead of {region}.")
    return Explanation("foundation-model-check", cause, tuple(fixes))


def _inference_profile(p: ParsedError, profile: str, region: str) -> Explanation:
    base = _base_model(profile)
    action = p.action or "bedrock:InvokeModel"
    partition = _partition(p.resource)
    fixes: tuple[str, ...]
    advice: tuple[str, ...] = ()
    if p.policy_type == "scp" and p.explicit:
        cause = (
            f"The service control policy denies the inference-profile check itself ({p.resource}), which is "
            f"made in the source Region {region} and carries no bedrock:InferenceProfileArn. Two SCP shapes "
            "do this: a model allow-list (Deny with NotResource) that lists only foundation-model ARNs, so an "
            "approved model is still denied through a profile because the profile ARN is not in the list; or a "
            f"Region deny covering {region}, which an InferenceProfileArn exemption cannot lift on this check. "
            f"For the first shape, {MODEL_ALLOW_LIST_PROFILE_UNCERTAIN[0].lower()}{MODEL_ALLOW_LIST_PROFILE_UNCERTAIN[1:]}."
        )
        fixes = (
            "If the SCP is a model allow-list, add the approved inference-profile (and application-inference-"
            f"profile) ARNs to its NotResource, e.g. arn:aws:bedrock:*:*:inference-profile/*.{base}.",
            f"If {region} is outside the approved Regions, call the profile from an approved Region.",
        )
    elif p.policy_type == "session":
        cause = (
            f"The session policy of the role session {'denies' if p.explicit else 'does not allow'} "
            f"{action} on the inference profile {profile}. A session policy limits the session whatever the "
            "role's own policies grant; it often misses a model the client picks by itself, such as a "
            "background or small/fast model called directly instead of through the intended profile."
        )
        fixes = (
            f"Add the profile ARN (and arn:{partition}:bedrock:*::foundation-model/{base}) to the session policy "
            "your credential broker or gateway passes when it creates the session.",
            "Or pin the client's background, small/fast and subagent models to ones the session policy allows.",
        )
        advice = ("background-models",)
    elif p.policy_type == "identity" and not p.explicit:
        cause = (
            f"No identity-based policy allows {action} on the inference profile {p.resource}. A call through a "
            "profile needs the profile ARN in the source Region and the foundation model in every destination "
            "Region. If you did not choose this profile, a client's background, subagent or small/fast model "
            "may be using it."
        )
        fixes = (
            f"Allow {action} on arn:{partition}:bedrock:*:*:inference-profile/{profile} and on "
            f"arn:{partition}:bedrock:*::foundation-model/{base}.",
            "Or pin every model the client uses to profiles the policy already grants.",
        )
        advice = ("background-models",)
    else:
        cause = (
            f"The check on the inference profile {profile}, made in the source Region {region}, is denied. "
            + _layer_cause(p)
        )
        fix_list = _layer_fixes(p)
        if scope_of_profile_id(profile) == GLOBAL_SCOPE:
            cause += (
                " Organizations that keep data inside one geography often forbid global profiles on purpose, "
                "and some clients pick a global profile by themselves."
            )
            fix_list.append(
                "Pin the client's model ids to a geographic profile, or turn off the client's "
                "global-inference option."
            )
            advice = ("pin-geographic-profile",)
        fixes = tuple(fix_list)
    return Explanation("inference-profile-check", cause, fixes, advice)


def _application_profile(p: ParsedError) -> Explanation:
    cause = (
        f"The check on the application inference profile {p.resource} is denied. {_layer_cause(p)} A call "
        "through an application inference profile needs its ARN and the foundation models it routes to (and, "
        "conservatively, the system profile it was copied from)."
    )
    fixes = _layer_fixes(p)
    fixes.append(
        "Grant the application inference profile ARN, the system profile it was copied from and the "
        "foundation-model ARNs of the models it routes to, together."
    )
    return Explanation("application-profile-check", cause, tuple(fixes))


_INVOKE_ACTIONS = frozenset(
    {"bedrock:invokemodel", "bedrock:invokemodelwithresponsestream", "bedrock:counttokens"}
)
_DISCOVERY_ACTIONS = frozenset(
    {
        "bedrock:listinferenceprofiles",
        "bedrock:getinferenceprofile",
        "bedrock:listfoundationmodels",
        "bedrock:getfoundationmodel",
        "bedrock:getfoundationmodelavailability",
    }
)


def _discovery(p: ParsedError) -> Explanation:
    cause = (
        f"The caller may not use {p.action}, a read-only call that clients and setup wizards make to list or "
        "describe models and inference profiles. Without it they fall back to built-in model ids, which may "
        f"be wrong for your Region or policy and fail later. {_layer_cause(p)}"
    )
    fixes = [
        "Allow bedrock:ListInferenceProfiles, bedrock:GetInferenceProfile and bedrock:ListFoundationModels "
        "to the runtime role, or pin every model id in the client's settings.",
    ]
    if p.policy_type == "scp":
        fixes.extend(_layer_fixes(p))
    return Explanation("discovery-denied", cause, tuple(fixes))


def _iam(p: ParsedError, destinations_of: DestinationsOf | None) -> Explanation:
    action = (p.action or "").lower()
    if action == "bedrock:callwithbearertoken":
        return _bearer(p)
    if action in _DISCOVERY_ACTIONS:
        return _discovery(p)
    arn = parse_arn(p.resource) if p.resource else None
    # A sentence cut before its action ("… on resource: ARN ...") is read as an invocation.
    if arn is not None and arn.service == "bedrock" and (action in _INVOKE_ACTIONS or not action):
        kind, _, ident = arn.resource.partition("/")
        if kind == "foundation-model" and ident:
            if not arn.region:
                return _global(p, ident)
            routes = None
            if is_redacted(arn.region):
                # The Region is redacted: it may be the Region called or a destination; give both readings.
                return _foundation_model(p, ident, arn.region, None)
            called = _known(p.endpoint_region)
            if called is not None and called == arn.region:
                # The client called this very Region: a direct call's check, not a profile's destination.
                return _foundation_model(p, ident, arn.region, [])
            if destinations_of is not None:
                routes = list(destinations_of(ident, arn.region))
                if routes:
                    return _cris_destination(p, ident, arn.region, routes)
            return _foundation_model(p, ident, arn.region, routes)
        if kind == "inference-profile" and ident:
            return _inference_profile(p, ident, arn.region)
        if kind == "application-inference-profile":
            return _application_profile(p)
    return Explanation("iam-denial", _layer_cause(p), tuple(_layer_fixes(p)))


def _prefix_note(model: str | None, region: str | None) -> str:
    if not model:
        return ""
    if model.startswith("."):
        return f" The id {model} starts with a dot: the client built it with an empty Region prefix."
    prefix = scope_of_profile_id(model)
    if prefix is not None and prefix != GLOBAL_SCOPE:
        where = f", and the client called {region}" if region else ""
        return (
            f" The id {model} is a {prefix}. geographic profile, which is valid only when called from a source "
            f"Region of that geography{where}."
        )
    return ""


def _non_iam(p: ParsedError, code: str) -> Explanation:
    cause = CAUSE_BY_CODE[code]
    region = _known(p.endpoint_region) or _known(p.region)
    model = _known(p.model_id)
    fields = {
        "model": model or "the model",
        "Model": model or "The model",
        "profile_examples": f", e.g. us.{model}, eu.{model} or global.{model}" if model else "",
        "region_called": region or "the Region called",
        "endpoint_of": f" of {region}" if region else "",
        "prefix_note": _prefix_note(model, region),
        "caller": f" The caller was {readable(p.principal)}." if p.principal else "",
    }
    text = cause.cause.format_map(fields)
    fixes = [fix.format_map(fields) for fix in cause.fixes]
    if code in ("no-endpoint", "region-missing") and p.endpoint_region and not region:
        text += (
            " The Region in the host name is redacted in the paste, so both readings stay open: a Region "
            "without a Bedrock runtime endpoint (or a mistyped one), or a network that cannot resolve AWS "
            "host names (a proxy or DNS setting)."
        )
    return Explanation(code, text, tuple(fixes), cause.advice)


def _count_tokens_forbidden(p: ParsedError) -> Explanation:
    model = _known(p.model_id)
    on = f" for {model}" if model else ""
    region = _known(p.endpoint_region)
    where = f" in {region}" if region else ""
    cause = (
        f"The CountTokens call{on}{where} was refused with a bare 403 and no AWS message. Token counting is "
        "its own IAM action, bedrock:CountTokens, which policies granting only bedrock:InvokeModel* do not "
        "cover, so the chat itself may work while counting fails; CountTokens is also not offered for every "
        "model or through every inference profile. A proxy or firewall that answers 403 without a body is the "
        "other reading."
    )
    fixes = (
        "Allow bedrock:CountTokens on the same foundation-model and inference-profile ARNs as "
        "bedrock:InvokeModel.",
        "If the client only uses counting to size its context, a failure here is usually harmless; otherwise "
        "check the proxy between the client and bedrock-runtime.",
    )
    return Explanation("count-tokens-forbidden", cause, fixes)


def _runtime_forbidden(p: ParsedError) -> Explanation:
    region = _known(p.endpoint_region) or "the Region called"
    cause = (
        f"bedrock-runtime in {region} answered 403 without AWS's sentence naming the action and the policy "
        "type. Three readings: an IAM denial whose message the client dropped (most common), a Bedrock API key "
        "used outside the Region that issued it, or a proxy, firewall or VPC endpoint that refused the call."
    )
    fixes = (
        "Find the full message: the client's debug output, or the errorMessage of the call's CloudTrail event "
        "(then run explain on it).",
        "With a Bedrock API key, check that the Region called is the key's Region.",
    )
    return Explanation("runtime-forbidden", cause, fixes, ("api-key-setting",))


def _with_paste_notes(p: ParsedError, explanation: Explanation) -> Explanation:
    """What the paste itself adds: other errors it holds (and which one is the root), a cut-off end."""
    cause = explanation.cause
    fixes = list(explanation.fixes)
    if p.other_causes and p.non_iam_cause is not None:
        others = ", ".join(p.other_causes)
        if not CAUSE_BY_CODE[p.non_iam_cause].reaches_aws:
            cause += (
                f" The paste also shows other errors ({others}); they follow from this one, so fix this first: "
                "no request reached AWS."
            )
        else:
            cause += f" The paste also shows other errors ({others}); this one comes first."
    if p.truncated:
        fixes.append(
            "The paste seems cut off: copy the whole message (the client's debug log, or the errorMessage "
            "of the call's CloudTrail event) to narrow this down."
        )
    return Explanation(explanation.code, cause, tuple(fixes), explanation.advice)


def _known(value: str | None) -> str | None:
    """A value read from the paste, unless the user redacted it."""
    return None if value is None or is_redacted(value) else value


def explain_parsed(parsed: ParsedError, destinations_of: DestinationsOf | None = None) -> Explanation:
    """The cause of a parsed error in plain words, and what to do.

    ``destinations_of`` lets the explanation name the inference profiles that make a Region a
    destination (see :data:`DestinationsOf`); without it, a denied foundation model in a Region is
    explained with both readings (direct call, or destination of a profile).
    """
    if parsed.non_iam_cause is not None:
        return _with_paste_notes(parsed, _non_iam(parsed, parsed.non_iam_cause))
    if parsed.is_iam_denial:
        explanation = _iam(parsed, destinations_of)
        extra = tuple(_references(parsed))
        return _with_paste_notes(
            parsed,
            Explanation(explanation.code, explanation.cause, explanation.fixes + extra, explanation.advice),
        )
    if parsed.kind == "access-denied" and parsed.operation == "CountTokens":
        return _with_paste_notes(parsed, _count_tokens_forbidden(parsed))
    if parsed.kind == "access-denied" and parsed.endpoint_region is not None and parsed.http_status == 403:
        return _with_paste_notes(parsed, _runtime_forbidden(parsed))
    if parsed.kind == "access-denied":
        return Explanation(
            "access-denied-unparsed",
            "The request was denied, but the text does not include AWS's sentence naming the action, the "
            "resource and the policy type that decided.",
            (
                "Find the full message: the client's debug output, or the errorMessage of the call's CloudTrail event.",
            ),
        )
    if parsed.kind == "validation":
        return Explanation(
            "validation-unparsed",
            "Bedrock rejected the request as invalid before authorizing it; this is not an IAM problem.",
            ("Read the message for the field it names (model id, request body, parameters).",),
        )
    return Explanation(
        "unrecognized",
        "The text does not contain an AWS error this tool recognises.",
        ("Paste the whole error, including the message returned by AWS.",),
    )
