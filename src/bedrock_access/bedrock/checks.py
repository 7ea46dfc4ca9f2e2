"""One invocation fanned out into the authorization checks AWS makes, one per resource and Region hop.

The rules (docs/bedrock-model.md, from shared/domain/bedrock-authorization.md section 2):
- a foundation model id or ARN: one check on the model in the source Region;
- a geographic profile: the profile in the source Region (without ``bedrock:InferenceProfileArn``),
  then the model in the source Region and in every destination Region the profile lists for that
  source (each with ``aws:RequestedRegion`` = that Region and ``bedrock:InferenceProfileArn`` set);
- a global profile: the profile and the model in the source Region, then the Region-less model ARN
  ``arn:aws:bedrock:::foundation-model/ID`` with ``aws:RequestedRegion`` = ``unspecified``;
- an application profile: itself, then what the profile it was copied from would check;
- provisioned, custom-deployment and imported models: one check on their ARN;
- a bearer-token call first needs ``bedrock:CallWithBearerToken`` on ``*``.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from typing import Literal

from bedrock_access.bedrock.findings import Finding
from bedrock_access.bedrock.identifiers import Identifier, IdentifierError, parse_identifier
from bedrock_access.bedrock.invocation import Invocation
from bedrock_access.catalog.model import Catalog
from bedrock_access.errors import quote_excerpt
from bedrock_access.iam.variables import ContextValue

UNSPECIFIED = "unspecified"

Purpose = Literal[
    "bearer-token",
    "inference-profile",
    "application-profile",
    "source-model",
    "destination-model",
    "global-model",
    "target",
]

_ACTIONS = {
    "InvokeModel": "bedrock:InvokeModel",
    "Converse": "bedrock:InvokeModel",
    "InvokeModelWithResponseStream": "bedrock:InvokeModelWithResponseStream",
    "ConverseStream": "bedrock:InvokeModelWithResponseStream",
    "CountTokens": "bedrock:CountTokens",
}

NETWORK_HOP_NOTE = (
    "AWS does not document which network keys (aws:SourceIp, VPC keys) a cross-Region hop carries; "
    "modelled as the original request's"
)
VPCE_HOP_NOTE = "AWS does not document whether the VPC endpoint policy is applied to cross-Region hops; modelled as applied"
APP_PROFILE_NOTE = (
    "AWS does not document the checks behind an application inference profile; modelled as the copied "
    "model or profile's checks, with bedrock:InferenceProfileArn set to the application profile ARN"
)
COUNT_TOKENS_NOTE = "AWS lists CountTokens on foundation-model resources only; the profile hops are modelled as for InvokeModel"


_VPCE_ID = re.compile(r"\b(vpce-[0-9a-f]{8,17})\b")


def vpc_endpoint_of(endpoint: str) -> str | None:
    """The VPC endpoint id in an endpoint URL (``https://vpce-0abc...bedrock-runtime...vpce.amazonaws.com``)."""
    match = _VPCE_ID.search(endpoint[:2048])
    return match.group(1) if match else None


def action_for(operation: str) -> str:
    return _ACTIONS[operation]


@dataclass(frozen=True, slots=True)
class CallerIdentity:
    """Who calls, as the request context sees them.

    ``principal`` is the ARN AWS prints in errors (an assumed-role session for roles);
    ``principal_arn`` is ``aws:PrincipalArn`` (the role ARN for a session).
    """

    principal: str
    principal_arn: str
    account: str
    partition: str
    principal_type: Literal["User", "AssumedRole", "Account", "FederatedUser"]
    username: str | None = None
    org_id: str | None = None


@dataclass(frozen=True, slots=True)
class Network:
    source_ip: str | None = None
    vpc_endpoint: str | None = None
    vpc_source_ip: str | None = None
    vpc: str | None = None

    @property
    def through_endpoint(self) -> bool:
        return self.vpc_endpoint is not None


@dataclass(frozen=True, slots=True)
class AuthorizationCheck:
    purpose: Purpose
    hop: str  # a few words for people: "inference profile in us-east-1", "model in us-east-2"
    action: str
    resource: str
    requested_region: str
    inference_profile_arn: str | None
    region: str  # the Region this hop is authorized in ("unspecified" for the global model)
    context: Mapping[str, ContextValue] = field(hash=False)
    notes: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class Expansion:
    invocation: Invocation
    identifier: Identifier | None
    action: str
    checks: tuple[AuthorizationCheck, ...]
    findings: tuple[Finding, ...]
    destinations: tuple[str, ...]  # Regions the model may be served in (empty when unknown)


@dataclass(frozen=True, slots=True)
class Environment:
    """Everything besides the invocation that shapes the checks."""

    caller: CallerIdentity
    network: Network = Network()
    extra_context: Mapping[str, ContextValue] = field(default_factory=dict, hash=False)
    application_profiles: Mapping[str, str] = field(default_factory=dict, hash=False)  # ARN -> copied id/ARN
    now: str | None = None  # ISO 8601 time for aws:CurrentTime; None leaves the key out


def base_context(env: Environment) -> dict[str, ContextValue]:
    caller = env.caller
    ctx: dict[str, ContextValue] = {
        "aws:PrincipalArn": caller.principal_arn,
        "aws:PrincipalAccount": caller.account,
        "aws:PrincipalType": caller.principal_type,
        "aws:PrincipalIsAWSService": "false",
        "aws:ViaAWSService": "false",
        "aws:SecureTransport": "true",
    }
    if caller.username:
        ctx["aws:username"] = caller.username
    if caller.org_id:
        ctx["aws:PrincipalOrgID"] = caller.org_id
    net = env.network
    if net.vpc_endpoint:
        ctx["aws:SourceVpce"] = net.vpc_endpoint
        if net.vpc_source_ip:
            ctx["aws:VpcSourceIp"] = net.vpc_source_ip
        if net.vpc:
            ctx["aws:SourceVpc"] = net.vpc
    elif net.source_ip:
        ctx["aws:SourceIp"] = net.source_ip
    if env.now:
        ctx["aws:CurrentTime"] = env.now
    ctx.update(env.extra_context)
    return ctx


class _Builder:
    def __init__(self, invocation: Invocation, env: Environment, catalog: Catalog, action: str) -> None:
        self.invocation = invocation
        self.env = env
        self.catalog = catalog
        self.action = action
        self.partition = catalog.partition_of(invocation.region) or env.caller.partition
        self.base = base_context(env)
        self.checks: list[AuthorizationCheck] = []
        self.findings: list[Finding] = []
        self.seen: set[tuple[str, str, str | None]] = set()
        self.common_notes: tuple[str, ...] = ()

    def add(
        self,
        purpose: Purpose,
        hop: str,
        resource: str,
        region: str,
        profile_arn: str | None,
        *,
        action: str | None = None,
        extra: Mapping[str, ContextValue] | None = None,
        notes: tuple[str, ...] = (),
    ) -> None:
        key = (action or self.action, resource, profile_arn)
        if key in self.seen:
            return
        self.seen.add(key)
        ctx = dict(self.base)
        ctx["aws:RequestedRegion"] = region
        if profile_arn is not None:
            ctx["bedrock:InferenceProfileArn"] = profile_arn
        if extra:
            ctx.update(extra)
        self.checks.append(
            AuthorizationCheck(
                purpose=purpose,
                hop=hop,
                action=action or self.action,
                resource=resource,
                requested_region=region,
                inference_profile_arn=profile_arn,
                region=region,
                context=ctx,
                notes=(*self.common_notes, *notes),
            )
        )

    def model_hops(
        self,
        model_id: str,
        destinations: tuple[str, ...],
        is_global: bool,
        profile_arn: str,
        notes: tuple[str, ...],
    ) -> tuple[str, ...]:
        """The model checks behind a profile: the source Region, then every destination (or, for a
        global profile, the Region-less ARN with aws:RequestedRegion "unspecified")."""
        region = self.invocation.region
        self.add(
            "source-model",
            f"model in {region}",
            self.fm_arn(region, model_id),
            region,
            profile_arn,
            notes=notes,
        )
        if is_global:
            self.add(
                "global-model",
                "model in any commercial Region (Region-less ARN)",
                self.fm_arn("", model_id),
                UNSPECIFIED,
                profile_arn,
                notes=notes,
            )
            return (UNSPECIFIED,)
        for destination in destinations:
            self.add(
                "destination-model",
                f"model in {destination}",
                self.fm_arn(destination, model_id),
                destination,
                profile_arn,
                notes=notes,
            )
        return destinations

    # ARNs ----------------------------------------------------------------------------------------

    def fm_arn(self, region: str, model_id: str) -> str:
        return f"arn:{self.partition}:bedrock:{region}::foundation-model/{model_id}"

    def profile_arn(self, region: str, profile_id: str) -> str:
        return (
            f"arn:{self.partition}:bedrock:{region}:{self.env.caller.account}:inference-profile/{profile_id}"
        )


def expand(invocation: Invocation, env: Environment, catalog: Catalog) -> Expansion:
    """The ordered checks for one invocation, and what else the caller will meet."""
    action = action_for(invocation.operation)
    endpoint_vpce = vpc_endpoint_of(invocation.endpoint) if invocation.endpoint else None
    if endpoint_vpce is not None and env.network.vpc_endpoint != endpoint_vpce:
        # The client sends this call through an interface endpoint: AWS then leaves aws:SourceIp out
        # and sets the VPC keys, whatever the scenario says of the caller's public address.
        env = replace(
            env, network=Network(vpc_endpoint=endpoint_vpce, vpc_source_ip=env.network.vpc_source_ip)
        )
    b = _Builder(invocation, env, catalog, action)
    if endpoint_vpce is not None:
        b.findings.append(
            Finding(
                "through-vpc-endpoint",
                "info",
                f"the client calls through VPC endpoint {endpoint_vpce}: the request carries aws:SourceVpce, "
                "not aws:SourceIp",
                None,
            )
        )
    region = invocation.region
    destinations: tuple[str, ...] = ()

    region_info = catalog.region(region)
    if region_info is None:
        near = catalog.closest_regions(region)
        b.findings.append(
            Finding(
                "unknown-region",
                "error",
                f"{quote_excerpt(region)} is not an AWS Region the catalog knows",
                f"did you mean {', '.join(near)}?" if near else None,
            )
        )
        return Expansion(invocation, None, action, (), tuple(b.findings), ())
    if region_info is not None and not region_info.bedrock_runtime:
        b.findings.append(
            Finding(
                "no-bedrock-in-region",
                "error",
                f"{region} ({region_info.name}) has no Amazon Bedrock runtime endpoint; the client cannot connect",
                "call Bedrock from a Region that offers it (`bedrock-access catalog regions`)",
            )
        )
        return Expansion(invocation, None, action, (), tuple(b.findings), ())
    if b.partition != env.caller.partition:
        b.findings.append(
            Finding(
                "partition-mismatch",
                "error",
                f"the caller is in partition {env.caller.partition} but {region} is in {b.partition}; "
                "credentials do not work across partitions",
                "use credentials from the Region's partition",
            )
        )

    if invocation.auth != "sigv4":
        token_type = "SHORT_TERM" if invocation.auth == "bearer-short-term" else "LONG_TERM"
        b.add(
            "bearer-token",
            f"API key ({token_type.lower().replace('_', '-')}) in {region}",
            "*",
            region,
            None,
            action="bedrock:CallWithBearerToken",
            extra={"bedrock:BearerTokenType": token_type},
        )

    try:
        identifier = parse_identifier(invocation.model)
    except IdentifierError as exc:
        b.findings.append(Finding("unknown-model", "error", str(exc), None))
        return Expansion(invocation, None, action, tuple(b.checks), tuple(b.findings), ())

    if identifier.arn is not None:
        arn = identifier.arn
        if arn.region and arn.region != region:
            b.findings.append(
                Finding(
                    "arn-region-mismatch",
                    "error",
                    f"the model ARN is in {arn.region} but the call goes to the {region} endpoint",
                    f"call the {arn.region} endpoint, or use an ARN from {region}",
                )
            )
        if arn.account and arn.account != env.caller.account and identifier.kind != "foundation-model":
            b.findings.append(
                Finding(
                    "cross-account-model",
                    "warning",
                    f"the ARN belongs to account {arn.account}, not the caller's account {env.caller.account}",
                    None,
                )
            )

    if identifier.kind == "foundation-model":
        destinations = _foundation_model(b, identifier)
    elif identifier.is_profile:
        destinations = _system_profile(b, identifier)
    elif identifier.kind == "application-profile":
        destinations = _application_profile(b, identifier)
    else:
        assert identifier.arn is not None or identifier.kind == "other"
        target = identifier.raw
        b.add("target", f"{identifier.kind} in {region}", target, region, None)
        destinations = (region,)
        if identifier.kind in ("custom-model", "other"):
            b.findings.append(
                Finding(
                    "unmodelled-target",
                    "warning",
                    f"{identifier.kind} ARNs as a modelId are not modelled in detail; one check on the ARN is assumed",
                    None,
                )
            )

    if invocation.operation == "CountTokens" and identifier.kind != "foundation-model":
        b.checks = [replace(c, notes=(*c.notes, COUNT_TOKENS_NOTE)) for c in b.checks]
    if env.network.source_ip or env.network.through_endpoint:
        hop_notes = (NETWORK_HOP_NOTE, *((VPCE_HOP_NOTE,) if env.network.through_endpoint else ()))
        b.checks = [replace(c, notes=(*c.notes, *hop_notes)) if c.region != region else c for c in b.checks]
    return Expansion(invocation, identifier, action, tuple(b.checks), tuple(b.findings), destinations)


def _legacy(b: _Builder, model_id: str) -> None:
    model = b.catalog.model(model_id)
    if model is not None and model.status == "legacy":
        b.findings.append(
            Finding(
                "legacy-model",
                "warning",
                f"{model_id} is marked Legacy: AWS refuses it to accounts that have not used it recently",
                "move to a current model (`bedrock-access catalog model`)",
            )
        )


def _unknown_model(b: _Builder, text: str) -> None:
    near = b.catalog.closest_ids(text)
    b.findings.append(
        Finding(
            "unknown-model",
            "error",
            f"{quote_excerpt(text)[1:-1] if len(text) <= 80 else quote_excerpt(text)} is not a model or inference profile id the catalog (snapshot {b.catalog.snapshot_date}) knows",
            f"did you mean {', '.join(near)}?" if near else None,
        )
    )


def _offered_profiles_hint(b: _Builder, model_id: str) -> str | None:
    offered = [p.id for p in b.catalog.profiles_for_model(model_id, b.invocation.region)]
    if offered:
        return f"from {b.invocation.region} use {' or '.join(offered)}"
    return None


def _foundation_model(b: _Builder, identifier: Identifier) -> tuple[str, ...]:
    assert identifier.model_id is not None
    region = b.invocation.region
    model_id = identifier.model_id
    resource = identifier.raw if identifier.arn is not None else b.fm_arn(region, model_id)
    b.add("source-model", f"model in {region}", resource, region, None)
    model = b.catalog.model(model_id)
    if model is None:
        _unknown_model(b, model_id)
        return (region,)
    _legacy(b, model_id)
    on_demand = model.on_demand_in(region)
    if on_demand is False:
        offered = b.catalog.profiles_for_model(model_id, region)
        if offered or model.requires_profile:
            b.findings.append(
                Finding(
                    "on-demand-not-supported",
                    "error",
                    f"{model_id} has no on-demand throughput in {region}; it is served only through an inference profile",
                    _offered_profiles_hint(b, model_id)
                    or "use an inference profile that contains this model",
                )
            )
        else:
            b.findings.append(
                Finding(
                    "model-not-in-region",
                    "error",
                    f"{model_id} is not offered in {region}",
                    f"Regions serving it on demand: {', '.join(model.in_region_on_demand or ()) or 'none known'}",
                )
            )
    elif on_demand is None:
        b.findings.append(
            Finding(
                "on-demand-uncertain",
                "warning",
                f"the catalog cannot tell whether bedrock-runtime serves {model_id} on demand in {region}",
                None,
            )
        )
    return (region,)


def _system_profile(b: _Builder, identifier: Identifier) -> tuple[str, ...]:
    assert identifier.profile_id is not None and identifier.model_id is not None
    region = b.invocation.region
    profile_id = identifier.profile_id
    model_id = identifier.model_id
    profile_arn = b.profile_arn(region, profile_id)
    b.add(
        "inference-profile",
        f"inference profile in {region}",
        identifier.raw if identifier.arn else profile_arn,
        region,
        None,
    )
    profile = b.catalog.profile(profile_id)
    if profile is None:
        if b.catalog.is_unverified_profile(profile_id):
            b.findings.append(
                Finding(
                    "profile-unverified",
                    "warning",
                    f"{profile_id} is known only from third-party data; AWS's scans have never listed it",
                    _offered_profiles_hint(b, model_id),
                )
            )
        else:
            _unknown_model(b, profile_id)
        return ()
    _legacy(b, model_id)
    destinations = profile.destinations(region)
    notes = profile.caveats
    if notes:
        b.findings.append(Finding("profile-uncertain", "info", f"{profile_id}: " + "; ".join(notes), None))
    if destinations is None:
        home = b.catalog.scope_geography(profile.scope)
        mismatch = region not in home.regions and profile.scope != "global"
        b.findings.append(
            Finding(
                "profile-not-offered-in-region",
                "error",
                f"{profile_id} is not offered from {region}"
                + (f" (a {profile.scope}. profile called outside its geography)" if mismatch else "")
                + f"; it is offered from {', '.join(profile.source_regions) or 'no known Region'}",
                _offered_profiles_hint(b, model_id),
            )
        )
        if mismatch:
            b.findings.append(
                Finding(
                    "prefix-geography-mismatch",
                    "warning",
                    f"the {profile.scope}. prefix does not belong to {region}'s geography",
                    _offered_profiles_hint(b, model_id),
                )
            )
        return ()
    return b.model_hops(model_id, destinations, identifier.kind == "global-profile", profile_arn, notes)


def _application_profile(b: _Builder, identifier: Identifier) -> tuple[str, ...]:
    assert identifier.arn is not None
    region = b.invocation.region
    app_arn = identifier.raw
    b.add("application-profile", f"application inference profile in {region}", app_arn, region, None)
    copied = b.env.application_profiles.get(app_arn)
    if copied is None:
        b.findings.append(
            Finding(
                "application-profile-source-unknown",
                "warning",
                "the scenario does not say which model or profile this application inference profile copies, "
                "so its model checks cannot be predicted",
                "add it under application_inference_profiles",
            )
        )
        return ()
    try:
        source = parse_identifier(copied)
    except IdentifierError as exc:
        b.findings.append(Finding("unknown-model", "error", f"application profile source: {exc}", None))
        return ()
    notes = (APP_PROFILE_NOTE,)
    if source.kind == "foundation-model":
        assert source.model_id is not None
        if b.catalog.model(source.model_id) is None:
            _unknown_model(b, source.model_id)
        b.add(
            "source-model",
            f"model in {region}",
            b.fm_arn(region, source.model_id),
            region,
            app_arn,
            notes=notes,
        )
        return (region,)
    if not source.is_profile:
        b.findings.append(
            Finding(
                "unmodelled-target",
                "warning",
                f"application profile copies {copied}, which is not modelled",
                None,
            )
        )
        return ()
    assert source.profile_id is not None and source.model_id is not None
    profile = b.catalog.profile(source.profile_id)
    if profile is None:
        _unknown_model(b, source.profile_id)
        return ()
    destinations = profile.destinations(region)
    if destinations is None:
        b.findings.append(
            Finding(
                "profile-not-offered-in-region",
                "error",
                f"the application profile copies {source.profile_id}, which is not offered from {region}",
                _offered_profiles_hint(b, source.model_id),
            )
        )
        return ()
    return b.model_hops(source.model_id, destinations, source.kind == "global-profile", app_arn, notes)
