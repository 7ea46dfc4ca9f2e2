"""Seeded generator of policy sets and requests in the oracle's JSON-lines input format.

Every case is a pure function of ``(seed, index)``: :func:`generate_case` builds it from its own
``random.Random`` instance, so one case can be regenerated on its own when a disagreement has to be
minimised, and :func:`generate` always yields the same lines for the same seed.

Two kinds of lines come out:

* untagged lines, drawn at random from Bedrock-flavoured and general (s3, ec2, dynamodb, sqs)
  scenarios. They stay clear of the oracle's known gaps (shared/oracle/README.md, "What the
  simulator does NOT model"): every policy has Version 2012-10-17, principals are ordinary users,
  roles and role sessions of member accounts, RCPs appear only for services that support them, dates
  are compared in the same format, resource patterns never carry a wildcard before the resource
  type, ARN segments are lower case, variables never resolve to the empty string, multivalued keys
  are always lists and single-valued keys never are, and service context keys are only sent with the
  actions iam-data lists them for.
  Untagged lines also avoid what AWS leaves undocumented and the two implementations answer
  differently (tests/differential/FINDINGS.md, "Undocumented").
* gap lines, carrying ``"gap": N`` (the README's gap number, or ``"X1"`` ... ``"X7"`` for the
  oracle limitations this test found that the README does not list) and ``"awsExpected"``: the
  decision AWS documents, derived by construction in the builder (from
  shared/domain/iam-evaluation.md, and from the AWS pages it cites where the two differ).
  ``"why"`` says which rule decides.

Lines that exercise an engine deviation from the AWS documentation that is not fixed yet also carry
``"knownEngineBug"`` (see :data:`KNOWN_ENGINE_BUGS` and tests/differential/FINDINGS.md).
"""

from __future__ import annotations

import random
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any, Literal

import orjson

Json = dict[str, Any]
Decision = Literal["Allowed", "ImplicitlyDenied", "ExplicitlyDenied"]
GapId = int | str

V2012 = "2012-10-17"
V2008 = "2008-10-17"
ACCOUNT = "111122223333"
OTHER_ACCOUNT = "444455556666"
ORG_ID = "o-abc123example"
ROOT_ID = "r-ab12"
OU_ID = "ou-ab12-workloads"

REGIONS = ("us-east-1", "us-east-2", "us-west-2", "eu-west-1", "eu-central-1", "ap-northeast-1")
GEO_OF = {
    "us-east-1": "us",
    "us-east-2": "us",
    "us-west-2": "us",
    "eu-west-1": "eu",
    "eu-central-1": "eu",
    "ap-northeast-1": "apac",
}
REGIONS_OF_GEO = {geo: tuple(r for r in REGIONS if GEO_OF[r] == geo) for geo in ("us", "eu", "apac")}
MODELS = (
    "anthropic.claude-3-haiku-20240307-v1:0",
    "anthropic.claude-3-5-sonnet-20240620-v1:0",
    "anthropic.claude-sonnet-4-5-20250929-v1:0",
    "meta.llama3-8b-instruct-v1:0",
    "amazon.nova-pro-v1:0",
    "amazon.titan-text-express-v1",
    "mistral.mistral-large-2402-v1:0",
)
USERS = ("alice", "bob", "carol")
ROLES = (("BedrockRole", "/"), ("DataScientist", "/team/ml/"), ("AppRunner", "/service/"))
TEAMS = ("ml", "data", "platform", "research")
TAG_KEYS = ("project", "team", "cost-center", "owner", "env")
BUCKETS = ("data-lake-prod", "ml-artifacts", "team-share")
OBJECT_KEYS = (
    "home/{user}/notes.txt",
    "home/{user}/2025/report.csv",
    "public/readme.md",
    "reports/q1/summary.pdf",
    "models/weights.bin",
)
TABLES = ("Orders", "UserProfiles", "ml-features")
QUEUES = ("orders-queue", "ml-jobs", "audit-events")
INSTANCES = ("i-0abc1234def567890", "i-0fedcba9876543210")
IPV4_ADDRESSES = ("203.0.113.10", "203.0.113.200", "198.51.100.7", "10.1.2.3", "192.0.2.44")
IPV6_ADDRESSES = ("2001:db8:1234:5678::10", "2001:db8:abcd::1", "2600:1f18:1234::7", "fd00::5")
IPV4_BLOCKS = ("203.0.113.0/24", "198.51.100.0/24", "10.0.0.0/8", "192.0.2.44", "203.0.113.128/25")
IPV6_BLOCKS = ("2001:DB8:1234:5678::/64", "2001:db8::/32", "2600:1f18::/32", "fd00::/8", "2001:db8:abcd::1")
TIMES = (
    "2024-11-30T23:59:59Z",
    "2025-01-01T00:00:00Z",
    "2025-06-01T12:00:00Z",
    "2025-12-31T12:00:00Z",
    "2026-03-15T08:30:00Z",
)
GLOBAL_NOT_ACTIONS = ("iam:*", "organizations:*", "sts:*", "support:*", "cloudfront:*", "route53:*")

BEDROCK_ACTIONS = (
    "bedrock:InvokeModel",
    "bedrock:InvokeModelWithResponseStream",
    "bedrock:GetFoundationModel",
    "bedrock:ListFoundationModels",
    "bedrock:GetInferenceProfile",
    "bedrock:CreateInferenceProfile",
    "bedrock:DeleteInferenceProfile",
    "bedrock:ApplyGuardrail",
)
SERVICE_ACTIONS: dict[str, tuple[str, ...]] = {
    "bedrock": BEDROCK_ACTIONS,
    "s3": ("s3:GetObject", "s3:PutObject", "s3:DeleteObject", "s3:ListBucket", "s3:GetBucketPolicy"),
    "ec2": ("ec2:StartInstances", "ec2:StopInstances", "ec2:TerminateInstances", "ec2:DescribeInstances"),
    "dynamodb": ("dynamodb:GetItem", "dynamodb:PutItem", "dynamodb:Query", "dynamodb:DeleteItem"),
    "sqs": ("sqs:SendMessage", "sqs:ReceiveMessage", "sqs:DeleteMessage"),
}
# Services whose resource-based policies the generator writes, and that support RCPs (iam-data's list
# and AWS's: s3, sqs and dynamodb are on both).
RESOURCE_POLICY_SERVICES = ("s3", "sqs", "dynamodb")


def _fm_arn(region: str, model: str) -> str:
    return f"arn:aws:bedrock:{region}::foundation-model/{model}"


def _profile_arn(region: str, account: str, geo: str, model: str) -> str:
    return f"arn:aws:bedrock:{region}:{account}:inference-profile/{geo}.{model}"


def _app_profile_arn(region: str, account: str, name: str) -> str:
    return f"arn:aws:bedrock:{region}:{account}:application-inference-profile/{name}"


def _doc(statements: list[Json], version: str | None = V2012) -> Json:
    doc: Json = {"Statement": statements}
    if version is not None:
        doc = {"Version": version, "Statement": statements}
    return doc


def _named(name: str, statements: list[Json], version: str | None = V2012) -> Json:
    return {"name": name, "policy": _doc(statements, version)}


FULL_AWS_ACCESS = _named("FullAWSAccess", [{"Effect": "Allow", "Action": "*", "Resource": "*"}])


# ---------------------------------------------------------------------------------------------------
# The request
# ---------------------------------------------------------------------------------------------------


@dataclass
class Principal:
    arn: str
    kind: Literal["user", "role", "session"]
    account: str
    name: str  # user name, role name
    role_arn: str | None = None  # the role ARN for roles and sessions (with path)


@dataclass
class Req:
    principal: Principal
    action: str  # canonical spelling
    service: str
    resource: str
    resource_account: str | None  # given explicitly as resource.accountId when not None
    region: str
    ctx: Json = field(default_factory=dict)
    wildcard_only: bool = False
    # Resources of the same type the request does NOT target (for non-matching patterns).
    decoys: tuple[str, ...] = ()

    @property
    def owner(self) -> str:
        arn_account = self.resource.split(":")[4] if self.resource.count(":") >= 5 else ""
        return self.resource_account or arn_account or self.principal.account


def _case(rng: random.Random, text: str) -> str:
    """Random letter case, for names that AWS compares without regard to case."""
    roll = rng.random()
    if roll < 0.6:
        return text
    if roll < 0.75:
        return text.lower()
    if roll < 0.85:
        return text.upper()
    return "".join(c.upper() if rng.random() < 0.5 else c.lower() for c in text)


def _key(rng: random.Random, key: str) -> str:
    """A condition-key name in random case (key names are case-insensitive)."""
    return _case(rng, key) if rng.random() < 0.3 else key


def _principal(rng: random.Random, account: str) -> Principal:
    roll = rng.random()
    if roll < 0.5:
        user = rng.choice(USERS)
        return Principal(f"arn:aws:iam::{account}:user/{user}", "user", account, user)
    role, path = rng.choice(ROLES)
    role_arn = f"arn:aws:iam::{account}:role{path}{role}"
    if roll < 0.9:
        session = rng.choice(USERS) + "-session"
        return Principal(
            f"arn:aws:sts::{account}:assumed-role/{role}/{session}", "session", account, role, role_arn
        )
    return Principal(role_arn, "role", account, role, role_arn)


def _base_context(rng: random.Random, p: Principal, region: str) -> Json:
    """Global keys, supplied by hand: the oracle derives nothing from the principal (gap 7)."""
    ctx: Json = {}
    if rng.random() < 0.93:
        ctx["aws:RequestedRegion"] = region
    if rng.random() < 0.85:
        ctx["aws:PrincipalArn"] = p.role_arn or p.arn
    if rng.random() < 0.7:
        ctx["aws:PrincipalAccount"] = p.account
    if rng.random() < 0.5:
        ctx["aws:PrincipalOrgID"] = ORG_ID if p.account == ACCOUNT or rng.random() < 0.5 else "o-other999"
    if p.kind == "user" and rng.random() < 0.9:
        ctx["aws:username"] = p.name
    if rng.random() < 0.6:
        ctx["aws:PrincipalTag/team"] = (
            rng.choice(TEAMS) if rng.random() < 0.95 else rng.choice(("proj*", "ml?"))
        )
    if rng.random() < 0.75:
        if rng.random() < 0.7:
            ctx["aws:SourceIp"] = rng.choice(IPV4_ADDRESSES)
        else:
            ctx["aws:SourceIp"] = rng.choice(IPV6_ADDRESSES)
        if rng.random() < 0.6:
            ctx["aws:ViaAWSService"] = "false"
    elif rng.random() < 0.6:
        ctx["aws:ViaAWSService"] = rng.choice(("true", "false"))
    if rng.random() < 0.5:
        ctx["aws:SecureTransport"] = rng.choice(("true", "true", "false"))
    if rng.random() < 0.4:
        present = rng.random() < 0.6
        ctx["aws:MultiFactorAuthPresent"] = "true" if present else "false"
        if present:
            ctx["aws:MultiFactorAuthAge"] = str(rng.choice((30, 300, 3599, 3600, 7200, 86400)))
    if rng.random() < 0.6:
        ctx["aws:CurrentTime"] = rng.choice(TIMES)
    elif rng.random() < 0.5:
        ctx["aws:EpochTime"] = str(int(datetime.fromisoformat(rng.choice(TIMES)).timestamp()))
    return ctx


def _bedrock_request(rng: random.Random, p: Principal) -> Req:
    region = rng.choice(REGIONS)
    model = rng.choice(MODELS)
    acct = p.account
    roll = rng.random()
    decoys: tuple[str, ...] = (
        _fm_arn(rng.choice([r for r in REGIONS if r != region]), model),
        _fm_arn(region, rng.choice([m for m in MODELS if m != model])),
        _profile_arn(region, OTHER_ACCOUNT if acct == ACCOUNT else ACCOUNT, GEO_OF[region], model),
    )
    if roll < 0.62:
        action = rng.choice(
            ("bedrock:InvokeModel", "bedrock:InvokeModel", "bedrock:InvokeModelWithResponseStream")
        )
        kind = rng.random()
        ctx_extra: Json = {}
        if kind < 0.3:  # direct call to a foundation model in its Region
            resource = _fm_arn(region, model)
        elif kind < 0.5:  # the inference-profile check in the source Region
            geo = GEO_OF[region] if rng.random() < 0.85 else "global"
            resource = _profile_arn(region, acct, geo, model)
        elif kind < 0.85:  # the foundation-model check in a destination Region, through a profile
            geo = rng.choice(("us", "us", "eu", "apac", "global"))
            source = rng.choice(REGIONS_OF_GEO[geo] if geo != "global" else REGIONS)
            destination = rng.choice(REGIONS_OF_GEO[geo] if geo != "global" else REGIONS)
            region = destination
            resource = _fm_arn(destination, model)
            if rng.random() < 0.9:
                ctx_extra["bedrock:InferenceProfileArn"] = _profile_arn(source, acct, geo, model)
        else:  # an application inference profile
            name = rng.choice(("chat", "alice-chat", "bob-batch", "ml-chat", "shared-summarise"))
            resource = _app_profile_arn(region, acct, name)
            decoys = (*decoys, _app_profile_arn(region, acct, "other-app"))
        req = Req(p, action, "bedrock", resource, None, region, decoys=decoys)
        req.ctx = _base_context(rng, p, region)
        req.ctx.update(ctx_extra)
        if resource.split(":")[5].startswith("application-inference-profile") and rng.random() < 0.6:
            req.ctx["aws:ResourceTag/team"] = rng.choice(TEAMS)
        return req
    action = rng.choice(BEDROCK_ACTIONS[2:])
    wildcard_only = action == "bedrock:ListFoundationModels"
    if wildcard_only:
        resource = "*"
    elif action == "bedrock:GetFoundationModel":
        resource = _fm_arn(region, model)
    elif action == "bedrock:GetInferenceProfile":
        resource = _profile_arn(region, acct, GEO_OF[region], model)
    elif action == "bedrock:ApplyGuardrail":
        resource = f"arn:aws:bedrock:{region}:{acct}:guardrail/gr{rng.randint(1, 3)}abcdef"
    else:
        resource = _app_profile_arn(region, acct, rng.choice(("chat", "ml-chat", "alice-chat")))
    req = Req(p, action, "bedrock", resource, None, region, wildcard_only=wildcard_only, decoys=decoys)
    req.ctx = _base_context(rng, p, region)
    if action == "bedrock:CreateInferenceProfile" and rng.random() < 0.85:
        keys = rng.sample(TAG_KEYS, rng.choice((0, 1, 1, 2, 3)))
        req.ctx["aws:TagKeys"] = keys
        for key in keys:
            if rng.random() < 0.5:
                req.ctx[f"aws:RequestTag/{key}"] = rng.choice(TEAMS)
    return req


def _s3_request(rng: random.Random, p: Principal, owner: str) -> Req:
    bucket = rng.choice(BUCKETS)
    region = rng.choice(REGIONS[:4])
    action = rng.choice(SERVICE_ACTIONS["s3"])
    user = p.name if p.kind == "user" else rng.choice(USERS)
    if action in ("s3:ListBucket", "s3:GetBucketPolicy"):
        resource = f"arn:aws:s3:::{bucket}"
        decoys: tuple[str, ...] = (f"arn:aws:s3:::{rng.choice([b for b in BUCKETS if b != bucket])}",)
    else:
        key = rng.choice(OBJECT_KEYS).format(user=user)
        resource = f"arn:aws:s3:::{bucket}/{key}"
        decoys = (f"arn:aws:s3:::{rng.choice([b for b in BUCKETS if b != bucket])}/{key}",)
    req = Req(p, action, "s3", resource, owner, region, decoys=decoys)
    req.ctx = _base_context(rng, p, region)
    if action == "s3:ListBucket":
        if rng.random() < 0.8:
            req.ctx["s3:prefix"] = rng.choice((f"home/{user}/", "home/", "public/", f"{user}/", "reports/"))
        if rng.random() < 0.3:
            req.ctx["s3:max-keys"] = str(rng.choice((10, 100, 1000)))
    return req


def _ec2_request(rng: random.Random, p: Principal) -> Req:
    region = rng.choice(REGIONS)
    action = rng.choice(SERVICE_ACTIONS["ec2"])
    if action == "ec2:DescribeInstances":
        req = Req(p, action, "ec2", "*", None, region, wildcard_only=True)
    else:
        instance = rng.choice(INSTANCES)
        resource = f"arn:aws:ec2:{region}:{p.account}:instance/{instance}"
        decoy = (
            f"arn:aws:ec2:{region}:{p.account}:instance/{rng.choice([i for i in INSTANCES if i != instance])}"
        )
        req = Req(p, action, "ec2", resource, None, region, decoys=(decoy,))
    req.ctx = _base_context(rng, p, region)
    if not req.wildcard_only and rng.random() < 0.6:
        req.ctx["aws:ResourceTag/team"] = rng.choice(TEAMS)
    return req


def _dynamodb_request(rng: random.Random, p: Principal, owner: str) -> Req:
    region = rng.choice(REGIONS[:4])
    table = rng.choice(TABLES)
    action = rng.choice(SERVICE_ACTIONS["dynamodb"])
    resource = f"arn:aws:dynamodb:{region}:{owner}:table/{table}"
    decoy = f"arn:aws:dynamodb:{region}:{owner}:table/{rng.choice([t for t in TABLES if t != table])}"
    req = Req(p, action, "dynamodb", resource, None, region, decoys=(decoy,))
    req.ctx = _base_context(rng, p, region)
    if rng.random() < 0.5:
        names = [p.name if p.kind == "user" else "alice", *rng.sample(USERS, rng.choice((0, 0, 1)))]
        req.ctx["dynamodb:LeadingKeys"] = sorted(set(names))
    if rng.random() < 0.4:
        req.ctx["aws:ResourceTag/team"] = rng.choice(TEAMS)
    return req


def _sqs_request(rng: random.Random, p: Principal, owner: str) -> Req:
    region = rng.choice(REGIONS[:4])
    queue = rng.choice(QUEUES)
    action = rng.choice(SERVICE_ACTIONS["sqs"])
    resource = f"arn:aws:sqs:{region}:{owner}:{queue}"
    decoy = f"arn:aws:sqs:{region}:{owner}:{rng.choice([q for q in QUEUES if q != queue])}"
    req = Req(p, action, "sqs", resource, None, region, decoys=(decoy,))
    req.ctx = _base_context(rng, p, region)
    return req


# ---------------------------------------------------------------------------------------------------
# Policy pieces
# ---------------------------------------------------------------------------------------------------


def _action_patterns(rng: random.Random, req: Req, matching: bool) -> list[str]:
    """An Action list that covers the request's action (``matching``) or does not."""
    action = req.action
    service, _, name = action.partition(":")
    others = [a for a in SERVICE_ACTIONS[service] if a != action]
    if matching:
        roll = rng.random()
        if roll < 0.35:
            pattern = _case(rng, action)
        elif roll < 0.5:
            pattern = f"{service}:*"
        elif roll < 0.68:
            cut = rng.randint(1, len(name) - 1)
            pattern = f"{service}:{name[:cut]}*"
        elif roll < 0.78:
            i = rng.randrange(len(name))
            pattern = f"{service}:{name[:i]}?{name[i + 1 :]}"
        elif roll < 0.86:
            pattern = "*"
        else:
            cut = rng.randint(1, len(name) - 1)
            pattern = _case(rng, f"{service}:*{name[cut:]}")
        patterns = [pattern, *rng.sample(others, rng.choice((0, 0, 1, 2)))]
        rng.shuffle(patterns)
        return patterns
    non_matching = [
        *others,
        "sqs:SendMessage",
        "s3:GetObject",
        "ec2:DescribeInstances",
        "bedrock:ListCustomModels",
    ]
    picks = rng.sample([a for a in non_matching if a.lower() != action.lower()], rng.choice((1, 1, 2)))
    if rng.random() < 0.2:
        # Prefix patterns that stop short of the action (Invoke* does not cover GetFoundationModel).
        picks.append(f"{service}:{'Zz' if name[0] != 'Z' else 'Yy'}*")
    return [_case(rng, a) if rng.random() < 0.3 else a for a in picks]


def _wild_resource_segment(rng: random.Random, resource: str) -> str:
    """Wildcards only after the resource type: before its first ``/`` or ``:`` they are gap 10."""
    cut = min((i for i in (resource.find("/"), resource.find(":")) if i >= 0), default=-1)
    if cut < 0:  # no resource type (sqs queue names, s3 bucket names): the whole segment is the name
        head, tail = "", resource
    else:
        head, tail = resource[: cut + 1], resource[cut + 1 :]
    if not tail:
        return resource
    roll = rng.random()
    if roll < 0.4:
        return head + tail[: rng.randint(0, len(tail) - 1)] + "*"
    if roll < 0.65:
        i = rng.randrange(len(tail))
        return head + tail[:i] + "?" + tail[i + 1 :]
    if roll < 0.8 and len(tail) > 3:
        i = rng.randint(1, len(tail) - 2)
        return head + "*" + tail[i:]
    return head + "*" if head else resource


def _resource_patterns(rng: random.Random, req: Req, matching: bool) -> list[str]:
    """A Resource list that covers the request's resource (``matching``) or does not."""
    if req.wildcard_only:
        if matching:
            return ["*"]
        return [f"arn:aws:{req.service}:*:*:nothing/*"]
    parts = req.resource.split(":", 5)
    if matching:
        roll = rng.random()
        if roll < 0.25:
            pattern = req.resource
        elif roll < 0.35:
            pattern = "*"
        elif roll < 0.45:
            pattern = f"arn:aws:{parts[2]}:*"
        else:
            region = parts[3]
            account = parts[4]
            if region and rng.random() < 0.5:
                region = rng.choice(("*", region[:3] + "*", region[:-1] + "?"))
            if rng.random() < 0.4:
                account = "*" if account or rng.random() < 0.5 else ""
            resource = parts[5]
            if rng.random() < 0.7:
                resource = _wild_resource_segment(rng, resource)
            pattern = ":".join(["arn", "aws", parts[2], region, account, resource])
        out = [pattern]
        if rng.random() < 0.3 and req.decoys:
            out.append(rng.choice(req.decoys))
        rng.shuffle(out)
        return out
    out = []
    if req.decoys:
        out.append(rng.choice(req.decoys))
    if parts[2] == "bedrock" and parts[5].startswith("foundation-model/") and rng.random() < 0.5:
        # The region-less global ARN pattern does not cover a regional foundation model.
        out.append(f"arn:aws:bedrock:::foundation-model/{parts[5].split('/', 1)[1]}")
    if not out or rng.random() < 0.2:
        out.append(f"arn:aws:{parts[2]}:{rng.choice(REGIONS)}:{OTHER_ACCOUNT}:nothing/*")
    return out


def _variable_resource(rng: random.Random, req: Req) -> str | None:
    """A Resource pattern with policy variables that the request may or may not satisfy."""
    if req.wildcard_only:
        return None
    parts = req.resource.split(":", 5)
    if req.service == "s3" and "/home/" in req.resource:
        bucket = parts[5].split("/", 1)[0]
        return rng.choice(
            (
                f"arn:aws:s3:::{bucket}/home/${{aws:username}}/*",
                f"arn:aws:s3:::{bucket}/home/${{aws:PrincipalTag/team, 'alice'}}/*",
                f"arn:aws:s3:::{bucket}/home/${{aws:userName}}/*",
            )
        )
    if parts[5].startswith("application-inference-profile/"):
        return ":".join(
            [
                *parts[:5],
                rng.choice(
                    (
                        "application-inference-profile/${aws:username}-*",
                        "application-inference-profile/${aws:PrincipalTag/team, 'shared'}-*",
                        "application-inference-profile/${aws:PrincipalTag/team}-chat",
                    )
                ),
            ]
        )
    if req.service == "dynamodb":
        return ":".join([*parts[:5], "table/${aws:PrincipalTag/team, 'Orders'}"])
    return None


# Condition builders: each returns (operator, key, values) for one condition clause.
Clause = tuple[str, str, str | list[str]]


def _values(rng: random.Random, pool: tuple[str, ...] | list[str], include: str | None, n: int) -> list[str]:
    picked = rng.sample(list(pool), min(n, len(pool)))
    if include is not None and include not in picked and rng.random() < 0.55:
        picked[rng.randrange(len(picked))] = include
    return picked


def _maybe_scalar(rng: random.Random, values: list[str]) -> str | list[str]:
    return values[0] if len(values) == 1 and rng.random() < 0.5 else values


def _cond_region(rng: random.Random, req: Req) -> Clause:
    value = req.ctx.get("aws:RequestedRegion")
    roll = rng.random()
    if roll < 0.55:
        op = rng.choice(
            (
                "StringEquals",
                "StringNotEquals",
                "StringEqualsIfExists",
                "StringNotEqualsIfExists",
                "StringNotEquals",
            )
        )
        vals = _values(rng, (*REGIONS, "unspecified"), value, rng.randint(1, 3))
    elif roll < 0.75:
        op = rng.choice(("StringLike", "StringNotLike", "StringLikeIfExists"))
        vals = rng.sample(("us-*", "eu-*", "*-west-?", "ap-*", "us-east-?", "*"), rng.randint(1, 2))
    elif roll < 0.9:
        op = rng.choice(("StringEqualsIgnoreCase", "StringNotEqualsIgnoreCase"))
        vals = [
            v.upper() if rng.random() < 0.5 else v for v in _values(rng, REGIONS, value, rng.randint(1, 2))
        ]
    else:
        op = rng.choice(("ForAnyValue:StringEquals", "ForAllValues:StringEquals", "ForAnyValue:StringLike"))
        vals = _values(rng, (*REGIONS, "us-*"), value, rng.randint(1, 2))
    return op, _key(rng, "aws:RequestedRegion"), _maybe_scalar(rng, vals)


def _profile_patterns(rng: random.Random, req: Req) -> list[str]:
    acct = req.principal.account
    pool = [
        "arn:aws:bedrock:*:*:inference-profile/us.*",
        f"arn:aws:bedrock:*:{acct}:inference-profile/us.*",
        f"arn:aws:bedrock:*:{acct}:inference-profile/eu.*",
        "arn:aws:bedrock:*:*:inference-profile/apac.*",
        "arn:aws:bedrock:*:*:inference-profile/global.*",
        "arn:aws:bedrock:us-*:*:inference-profile/*",
        f"arn:aws:bedrock:*:{OTHER_ACCOUNT}:inference-profile/*",
    ]
    current = req.ctx.get("bedrock:InferenceProfileArn")
    vals = rng.sample(pool, rng.randint(1, 2))
    if isinstance(current, str) and rng.random() < 0.25:
        vals.append(current)
    return vals


def _cond_profile(rng: random.Random, req: Req) -> Clause:
    key = _key(rng, "bedrock:InferenceProfileArn")
    if rng.random() < 0.12:
        return "Null", key, rng.choice(("true", "false"))
    op = rng.choice(
        (
            "ArnLike",
            "ArnNotLike",
            "ArnNotLike",
            "ArnEquals",
            "ArnNotEquals",
            "ArnLikeIfExists",
            "ArnNotLikeIfExists",
            "StringLike",
        )
    )
    return op, key, _maybe_scalar(rng, _profile_patterns(rng, req))


def _ip_version(text: str) -> int:
    return 6 if ":" in text else 4


def _cond_ip(rng: random.Random, req: Req) -> Clause:
    op = rng.choice(
        ("IpAddress", "NotIpAddress", "NotIpAddress", "IpAddressIfExists", "NotIpAddressIfExists")
    )
    pool = [*IPV4_BLOCKS, *IPV6_BLOCKS]
    source = req.ctx.get("aws:SourceIp")
    if op.startswith("Not") and isinstance(source, str):
        # The oracle compares a bare address (no /prefix) only with an address of its own IP version and
        # makes NotIpAddress false otherwise (finding X4): keep such pairs to the gap builder.
        pool = [b for b in pool if "/" in b or _ip_version(b) == _ip_version(source)]
    return op, _key(rng, "aws:SourceIp"), _maybe_scalar(rng, rng.sample(pool, rng.randint(1, 3)))


def _cond_bool(rng: random.Random, req: Req) -> Clause:
    key = rng.choice(("aws:ViaAWSService", "aws:SecureTransport", "aws:MultiFactorAuthPresent"))
    op = rng.choice(("Bool", "Bool", "BoolIfExists"))
    value: str | list[str] = rng.choice(("true", "false", "True", "FALSE"))
    if rng.random() < 0.2:
        return "Null", _key(rng, key), rng.choice(("true", "false"))
    return op, _key(rng, key), value


def _cond_numeric(rng: random.Random, req: Req) -> Clause:
    op = rng.choice(
        (
            "NumericLessThan",
            "NumericLessThanEquals",
            "NumericGreaterThan",
            "NumericGreaterThanEquals",
            "NumericEquals",
            "NumericNotEquals",
            "NumericLessThanIfExists",
        )
    )
    if req.action == "s3:ListBucket" and rng.random() < 0.5:
        return op, _key(rng, "s3:max-keys"), rng.choice(("100", "1000", "10"))
    return (
        op,
        _key(rng, "aws:MultiFactorAuthAge"),
        _maybe_scalar(rng, rng.sample(["300", "3600", "7200.5", "60"], rng.randint(1, 2))),
    )


def _cond_date(rng: random.Random, req: Req) -> Clause:
    op = rng.choice(
        (
            "DateLessThan",
            "DateLessThanEquals",
            "DateGreaterThan",
            "DateGreaterThanEquals",
            "DateEquals",
            "DateNotEquals",
            "DateGreaterThanIfExists",
        )
    )
    # Same format on both sides (gap 5): ISO 8601 for aws:CurrentTime, epoch seconds for aws:EpochTime.
    if "aws:EpochTime" in req.ctx and rng.random() < 0.7:
        values = [
            str(int(datetime.fromisoformat(t).timestamp())) for t in rng.sample(TIMES, rng.randint(1, 2))
        ]
        return op, _key(rng, "aws:EpochTime"), _maybe_scalar(rng, values)
    return op, _key(rng, "aws:CurrentTime"), _maybe_scalar(rng, rng.sample(TIMES, rng.randint(1, 2)))


def _cond_principal_tag(rng: random.Random, req: Req) -> Clause:
    key = _key(rng, "aws:PrincipalTag/team")
    roll = rng.random()
    if roll < 0.12:
        return "Null", key, rng.choice(("true", "false"))
    if roll < 0.3:
        # Policy variables in condition values; they resolve to non-empty values or not at all.
        value = rng.choice(("${aws:username}", "${aws:PrincipalTag/dept, 'ml'}", "${aws:ResourceTag/team}"))
        return rng.choice(("StringEquals", "StringNotEquals", "StringLike")), key, value
    if roll < 0.4:
        return "StringLike", key, rng.choice(("m?", "*a*", "proj${*}", "r*ch", "ml${?}"))
    op = rng.choice(
        (
            "StringEquals",
            "StringNotEquals",
            "StringEqualsIgnoreCase",
            "StringEqualsIfExists",
            "StringNotEqualsIgnoreCase",
        )
    )
    vals = _values(rng, TEAMS, req.ctx.get("aws:PrincipalTag/team"), rng.randint(1, 2))
    if "IgnoreCase" in op:
        vals = [v.upper() if rng.random() < 0.5 else v for v in vals]
    return op, key, _maybe_scalar(rng, vals)


def _cond_resource_tag(rng: random.Random, req: Req) -> Clause:
    key = _key(rng, "aws:ResourceTag/team")
    if rng.random() < 0.5:
        return rng.choice(("StringEquals", "StringNotEquals")), key, "${aws:PrincipalTag/team}"
    op = rng.choice(("StringEquals", "StringNotEqualsIfExists", "StringLike"))
    return (
        op,
        key,
        _maybe_scalar(rng, _values(rng, TEAMS, req.ctx.get("aws:ResourceTag/team"), rng.randint(1, 2))),
    )


def _cond_tag_keys(rng: random.Random, req: Req) -> Clause:
    key = _key(rng, "aws:TagKeys")
    op = rng.choice(
        (
            "ForAllValues:StringEquals",
            "ForAnyValue:StringEquals",
            "ForAllValues:StringLike",
            "ForAnyValue:StringLike",
            "ForAnyValue:StringNotEquals",
            "ForAllValues:StringNotEquals",
            "ForAllValues:StringEqualsIgnoreCase",
        )
    )
    pool = [*TAG_KEYS, "c*", "PROJECT", "t?am"] if "Like" in op or "IgnoreCase" in op else list(TAG_KEYS)
    return op, key, rng.sample(pool, rng.randint(1, 3))


def _cond_request_tag(rng: random.Random, req: Req) -> Clause:
    tag = rng.choice(TAG_KEYS)
    op = rng.choice(("StringEquals", "StringLike", "StringNotEquals", "StringEqualsIfExists"))
    return (
        op,
        _key(rng, f"aws:RequestTag/{tag}"),
        _maybe_scalar(rng, rng.sample([*TEAMS, "m*"], rng.randint(1, 2))),
    )


def _cond_principal(rng: random.Random, req: Req) -> Clause:
    roll = rng.random()
    if roll < 0.3:
        op = rng.choice(("StringEquals", "StringNotEquals"))
        return (
            op,
            _key(rng, "aws:PrincipalAccount"),
            _values(rng, (ACCOUNT, OTHER_ACCOUNT), req.principal.account, 1),
        )
    if roll < 0.5:
        op = rng.choice(("StringEquals", "StringNotEquals", "StringNotEqualsIfExists"))
        return op, _key(rng, "aws:PrincipalOrgID"), ORG_ID
    if roll < 0.8:
        op = rng.choice(("ArnLike", "ArnNotLike", "ArnEquals", "StringLike"))
        pool = (
            "arn:aws:iam::*:role/Bedrock*",
            f"arn:aws:iam::{ACCOUNT}:user/*",
            f"arn:aws:iam::{req.principal.account}:role/team/*",
            "arn:aws:iam::*:role/*",
            "arn:aws:iam::*:user/${aws:username}",
            req.principal.role_arn or req.principal.arn,
        )
        return op, _key(rng, "aws:PrincipalArn"), _maybe_scalar(rng, rng.sample(pool, rng.randint(1, 2)))
    op = rng.choice(("StringEquals", "StringLike", "StringNotEquals"))
    return (
        op,
        _key(rng, "aws:username"),
        _maybe_scalar(rng, rng.sample(["alice", "bob", "a*", "?ob"], rng.randint(1, 2))),
    )


def _cond_s3_prefix(rng: random.Random, req: Req) -> Clause:
    op = rng.choice(("StringLike", "StringEquals", "StringNotLike", "StringLikeIfExists"))
    pool = ["home/${aws:username}/*", "${aws:username}/*", "public/*", "home/", "reports/*"]
    return op, _key(rng, "s3:prefix"), _maybe_scalar(rng, rng.sample(pool, rng.randint(1, 2)))


def _cond_leading_keys(rng: random.Random, req: Req) -> Clause:
    op = rng.choice(("ForAllValues:StringEquals", "ForAnyValue:StringEquals", "ForAllValues:StringLike"))
    pool = ["${aws:username}", "alice", "b*", "${aws:PrincipalTag/team, 'carol'}"]
    return op, _key(rng, "dynamodb:LeadingKeys"), rng.sample(pool, rng.randint(1, 2))


CondBuilder = Callable[[random.Random, Req], Clause]


def _condition_builders(req: Req) -> list[tuple[CondBuilder, float]]:
    builders: list[tuple[CondBuilder, float]] = [
        (_cond_region, 3.0),
        (_cond_ip, 2.0),
        (_cond_bool, 1.5),
        (_cond_numeric, 0.7),
        (_cond_date, 1.0),
        (_cond_principal_tag, 1.5),
        (_cond_principal, 1.2),
        (_cond_tag_keys, 0.8 if req.action == "bedrock:CreateInferenceProfile" else 0.2),
        (_cond_request_tag, 0.5 if req.action == "bedrock:CreateInferenceProfile" else 0.1),
    ]
    if req.service == "bedrock":
        builders.append((_cond_profile, 2.5 if req.action.startswith("bedrock:InvokeModel") else 0.5))
    if req.service != "s3":  # iam-data drops aws:ResourceTag for S3 unless bucket ABAC is enabled (gap 6)
        builders.append((_cond_resource_tag, 0.8 if "aws:ResourceTag/team" in req.ctx else 0.2))
    if req.action == "s3:ListBucket":
        builders.append((_cond_s3_prefix, 2.0))
    if req.service == "dynamodb" and req.action != "dynamodb:DeleteItem":
        builders.append((_cond_leading_keys, 1.0))
    return builders


def _conditions(rng: random.Random, req: Req, count: int) -> Json:
    builders = _condition_builders(req)
    block: Json = {}
    for _ in range(count):
        build = rng.choices([b for b, _ in builders], weights=[w for _, w in builders])[0]
        op, key, values = build(rng, req)
        block.setdefault(op, {})
        if any(k.lower() == key.lower() for k in block[op]):
            continue  # duplicate keys under one operator would be invalid JSON for IAM
        block[op][key] = values
    return block


def _statement(
    rng: random.Random,
    req: Req,
    effect: str,
    *,
    p_match: float = 0.75,
    p_cond: float = 0.35,
    p_not_action: float = 0.1,
    p_not_resource: float = 0.06,
    p_variables: float = 0.08,
    sid: str | None = None,
) -> Json:
    stmt: Json = {}
    if sid is not None:
        stmt["Sid"] = sid
    stmt["Effect"] = effect
    action_match = rng.random() < p_match
    if rng.random() < p_not_action:
        # NotAction covers the request when the list does NOT match it.
        actions = _action_patterns(rng, req, not action_match)
        stmt["NotAction"] = _maybe_scalar(rng, actions)
    else:
        stmt["Action"] = _maybe_scalar(rng, _action_patterns(rng, req, action_match))
    resource_match = rng.random() < p_match + 0.1
    variable_pattern = _variable_resource(rng, req) if rng.random() < p_variables else None
    if rng.random() < p_not_resource and not req.wildcard_only:
        stmt["NotResource"] = _maybe_scalar(rng, _resource_patterns(rng, req, not resource_match))
    elif variable_pattern is not None:
        stmt["Resource"] = variable_pattern
    else:
        stmt["Resource"] = _maybe_scalar(rng, _resource_patterns(rng, req, resource_match))
    if rng.random() < p_cond:
        block = _conditions(rng, req, rng.choice((1, 1, 1, 2, 2, 3)))
        if block:
            stmt["Condition"] = block
    return stmt


def _policy(rng: random.Random, req: Req, name: str, *, p_deny: float, max_statements: int = 3) -> Json:
    statements = []
    for i in range(rng.randint(1, max_statements)):
        effect = "Deny" if rng.random() < p_deny else "Allow"
        statements.append(_statement(rng, req, effect, sid=f"S{i + 1}" if rng.random() < 0.6 else None))
    return _named(name, statements)


def _region_deny_scp(rng: random.Random, req: Req) -> Json:
    approved = rng.sample(REGIONS, rng.randint(1, 3))
    if rng.random() < 0.2:
        approved.append("unspecified")
    not_actions = rng.sample(GLOBAL_NOT_ACTIONS, rng.randint(2, 5))
    if rng.random() < 0.12:
        not_actions.append(rng.choice(("bedrock:*", "BEDROCK:invokemodel*", "bedrock:Get*")))
    op = "StringNotEqualsIfExists" if rng.random() < 0.15 else "StringNotEquals"
    condition: Json = {op: {_key(rng, "aws:RequestedRegion"): approved}}
    if rng.random() < 0.55:
        patterns = rng.sample(
            [
                "arn:aws:bedrock:*:*:inference-profile/us.*",
                f"arn:aws:bedrock:*:{req.principal.account}:inference-profile/*",
                "arn:aws:bedrock:*:*:inference-profile/eu.*",
                "arn:aws:bedrock:*:*:inference-profile/global.*",
            ],
            rng.randint(1, 2),
        )
        condition[rng.choice(("ArnNotLike", "ArnNotLike", "ArnNotLikeIfExists"))] = {
            _key(rng, "bedrock:InferenceProfileArn"): _maybe_scalar(rng, patterns)
        }
    stmt = {
        "Sid": "DenyOutsideApprovedRegions",
        "Effect": "Deny",
        "NotAction": not_actions,
        "Resource": "*",
        "Condition": condition,
    }
    return _named("RegionDeny", [stmt])


def _service_allow_list_scp(rng: random.Random, req: Req) -> Json:
    services = rng.sample(("bedrock", "s3", "ec2", "dynamodb", "sqs", "kms", "logs"), rng.randint(1, 4))
    return _named("AllowList", [{"Effect": "Allow", "Action": [f"{s}:*" for s in services], "Resource": "*"}])


def _scp_levels(rng: random.Random, req: Req) -> list[Json]:
    count = rng.choice((1, 2, 2, 3, 3))
    identifiers = (
        [ROOT_ID, OU_ID, req.principal.account][:count]
        if count < 3
        else [ROOT_ID, OU_ID, req.principal.account]
    )
    if count == 2 and rng.random() < 0.5:
        identifiers = [ROOT_ID, req.principal.account]
    levels: list[Json] = []
    for identifier in identifiers:
        policies: list[Json] = []
        roll = rng.random()
        if roll < 0.86:
            policies.append(FULL_AWS_ACCESS)
        elif roll < 0.95:
            policies.append(_service_allow_list_scp(rng, req))
        levels.append({"orgIdentifier": identifier, "policies": policies})
    if rng.random() < 0.5:
        rng.choice(levels)["policies"].append(_region_deny_scp(rng, req))
    if rng.random() < 0.2:
        extra = _statement(rng, req, "Deny", p_match=0.6, p_cond=0.7, sid="GuardrailDeny")
        extra.pop("NotResource", None)
        extra["Resource"] = extra.get("Resource", "*")
        rng.choice(levels)["policies"].append(_named("Guardrail", [extra]))
    return levels


def _principal_element(
    rng: random.Random,
    req: Req,
    *,
    matching: bool,
    avoid_session_arn: bool = False,
    avoid_wildcard: bool = False,
) -> Json | str:
    """A Principal element naming the caller (``matching``) or someone else.

    ``avoid_session_arn``: a grant to the role-session ARN is not limited by the session policy, which the
    oracle does not model (finding X3); the gap builder covers it. ``avoid_wildcard``: whether a ``*``
    grant escapes an implicit deny in a boundary or session policy is not documented for roles and role
    sessions, so such lines are left out.
    """
    p = req.principal
    if matching:
        choices = ["arn", "role", "account", "root", "star", "aws-star"]
        weights = [25, 20, 20, 15, 10, 10]
        if avoid_session_arn and p.kind == "session":
            weights[0] = 0
        if avoid_wildcard:
            weights[4] = weights[5] = 0
        if p.role_arn is None:
            weights[1] = 0
        pick = rng.choices(choices, weights=weights)[0]
        value: str | list[str]
        if pick == "arn":
            value = p.arn
        elif pick == "role":
            value = p.role_arn or p.arn
        elif pick == "account":
            value = p.account
        elif pick == "root":
            value = f"arn:aws:iam::{p.account}:root"
        elif pick == "star":
            return "*"
        else:
            value = "*"
        if rng.random() < 0.3:
            value = [value, f"arn:aws:iam::{OTHER_ACCOUNT if p.account == ACCOUNT else ACCOUNT}:user/mallory"]
        return {"AWS": value}
    return {
        "AWS": rng.choice(
            (
                f"arn:aws:iam::{p.account}:user/mallory",
                f"arn:aws:iam::{p.account}:role/SomeOtherRole",
                "999988887777",
                f"arn:aws:iam::{OTHER_ACCOUNT if p.account == ACCOUNT else ACCOUNT}:root",
            )
        )
    }


def _not_principal(req: Req, *, exempt_caller: bool) -> Json:
    """NotPrincipal in the form the NotPrincipal page recommends: the principal, its role, its account.

    Partial lists (a session without its role, a user without its account) "might" deny (AWS's word), so
    they are not generated.
    """
    p = req.principal
    if exempt_caller:
        names = [p.arn]
        if p.kind == "session" and p.role_arn is not None:
            names.append(p.role_arn)
        names.append(f"arn:aws:iam::{p.account}:root")
        return {"AWS": names}
    other = "999988887777"
    return {"AWS": [f"arn:aws:iam::{other}:user/mallory", f"arn:aws:iam::{other}:root"]}


def _resource_policy(rng: random.Random, req: Req, *, session_policy: bool, boundary: bool) -> Json:
    statements = []
    for i in range(rng.randint(1, 3)):
        effect = "Deny" if rng.random() < 0.15 else "Allow"
        stmt = _statement(rng, req, effect, p_match=0.8, p_cond=0.3, p_not_action=0.05, p_not_resource=0.0)
        principal_matches = rng.random() < 0.75
        if effect == "Deny" and rng.random() < 0.15:
            stmt = {
                "Sid": f"R{i + 1}",
                **stmt,
                "NotPrincipal": _not_principal(req, exempt_caller=not principal_matches),
            }
        else:
            principal = _principal_element(
                rng,
                req,
                matching=principal_matches,
                avoid_session_arn=session_policy,
                avoid_wildcard=req.principal.kind != "user" and (session_policy or boundary),
            )
            stmt = {"Sid": f"R{i + 1}", **stmt, "Principal": principal}
        statements.append(stmt)
    return _doc(statements)


def _rcp_levels(rng: random.Random, req: Req) -> list[Json]:
    deny: Json = {
        "Sid": "Perimeter",
        "Effect": "Deny",
        "Principal": "*",
        "Action": rng.choice((f"{req.service}:*", req.action)),  # RCPs may not use "*"
        "Resource": "*",
    }
    roll = rng.random()
    if roll < 0.4:
        deny["Condition"] = {"StringNotEqualsIfExists": {"aws:PrincipalOrgID": ORG_ID}}
    elif roll < 0.7:
        deny["Condition"] = {"Bool": {"aws:SecureTransport": "false"}}
    else:
        deny["Condition"] = _conditions(rng, req, 1) or {"Null": {"aws:SourceIp": "true"}}
    levels: list[Json] = [{"orgIdentifier": ROOT_ID, "policies": []}]
    if rng.random() < 0.6:
        levels.append({"orgIdentifier": req.owner, "policies": []})
    rng.choice(levels)["policies"].append(_named("DataPerimeter", [deny]))
    return levels


def _request_json(req: Req) -> Json:
    resource: str | Json = req.resource
    if req.resource_account is not None:
        resource = {"resource": req.resource, "accountId": req.resource_account}
    ctx: Json = {}
    for key, value in req.ctx.items():
        ctx[key] = value
    return {
        "principal": req.principal.arn,
        "action": req.action,
        "resource": resource,
        "contextVariables": ctx,
    }


def _scramble_context_keys(rng: random.Random, ctx: Json) -> Json:
    if rng.random() >= 0.15:
        return ctx
    return {(_case(rng, k) if rng.random() < 0.4 else k): v for k, v in ctx.items()}


def _untagged_case(rng: random.Random, case_id: str) -> Json:
    roll = rng.random()
    cross = False
    if roll < 0.55:
        service = "bedrock"
    else:
        service = rng.choice(("s3", "s3", "ec2", "dynamodb", "sqs", "sqs"))
        cross = service in RESOURCE_POLICY_SERVICES and rng.random() < 0.35
    principal_account = OTHER_ACCOUNT if cross else ACCOUNT
    p = _principal(rng, principal_account)
    owner = ACCOUNT
    if service == "bedrock":
        req = _bedrock_request(rng, p)
    elif service == "s3":
        req = _s3_request(rng, p, owner)
    elif service == "ec2":
        req = _ec2_request(rng, p)
    elif service == "dynamodb":
        req = _dynamodb_request(rng, p, owner)
    else:
        req = _sqs_request(rng, p, owner)

    line: Json = {"id": case_id}
    identity = [
        _policy(rng, req, f"Identity{i + 1}", p_deny=0.14) for i in range(rng.choice((0, 1, 1, 1, 2, 2, 3)))
    ]
    if rng.random() < 0.12:
        identity.append(_named("NetworkPerimeter", [_ip_perimeter_deny(rng, req)]))
    known_bug = None
    roll = rng.random()
    if roll < 0.03:
        identity.append(_named("ShortArn", [_incomplete_arn_statement(rng, req)]))
        known_bug = "E1"
    elif roll < 0.05 and not req.wildcard_only and req.resource.split(":")[3]:
        identity.append(_named("EarlyVariable", [_early_variable_statement(rng, req)]))
    if identity or rng.random() < 0.5:
        line["identityPolicies"] = identity
    if rng.random() < 0.5:
        line["serviceControlPolicies"] = _scp_levels(rng, req)
    if rng.random() < 0.22:
        line["permissionBoundaryPolicies"] = [_policy(rng, req, "Boundary", p_deny=0.1, max_statements=2)]
    if p.kind == "session" and rng.random() < 0.4:
        line["sessionPolicy"] = _policy(rng, req, "Session", p_deny=0.1, max_statements=2)["policy"]
    if (
        service in RESOURCE_POLICY_SERVICES
        and (cross or rng.random() < 0.55)
        and not (cross and rng.random() < 0.12)
    ):
        line["resourcePolicy"] = _resource_policy(
            rng,
            req,
            session_policy="sessionPolicy" in line,
            boundary="permissionBoundaryPolicies" in line,
        )
    if service in RESOURCE_POLICY_SERVICES and rng.random() < 0.12:
        line["resourceControlPolicies"] = _rcp_levels(rng, req)
    if rng.random() < 0.05:
        line["vpcEndpointPolicies"] = [_endpoint_policy(rng, req)]
    request = _request_json(req)
    request["contextVariables"] = _scramble_context_keys(rng, request["contextVariables"])
    if rng.random() < 0.1:
        request["action"] = _case(rng, req.action)
    line["request"] = request
    if rng.random() < 0.15:
        _vary_input_shape(rng, line)
    if known_bug is not None:
        line["knownEngineBug"] = known_bug
    return line


def _incomplete_arn_statement(rng: random.Random, req: Req) -> Json:
    """An identity-policy Resource with fewer than six fields: AWS completes it with ``*`` fields
    ("specifying arn:aws:sqs is equivalent to arn:aws:sqs:*:*:*", reference-arns.html). Known engine
    bug E1: the engine compares such a pattern as a whole string."""
    parts = req.resource.split(":") if not req.wildcard_only else ["arn", "aws", req.service, req.region]
    fields = rng.choice((3, 3, 4, 5))
    pattern = ":".join(parts[:fields])
    if fields >= 4 and rng.random() < 0.3:
        pattern = ":".join([*parts[:3], rng.choice([r for r in REGIONS if r != req.region])][:fields])
    effect = "Deny" if rng.random() < 0.4 else "Allow"
    return {"Sid": "ShortArn", "Effect": effect, "Action": f"{req.service}:*", "Resource": pattern}


def _early_variable_statement(rng: random.Random, req: Req) -> Json:
    """A Resource with a variable before the fifth colon, where AWS says variables cannot stand
    ("only in the resource portion of the ARN", reference_policies_variables.html): ``${...}`` there is
    literal text and the pattern names nothing real (finding E3, fixed in the engine)."""
    parts = req.resource.split(":", 5)
    parts[3] = "${aws:RequestedRegion}"
    if parts[4] and rng.random() < 0.5:
        parts[4] = "${aws:PrincipalAccount}"
    effect = "Deny" if rng.random() < 0.4 else "Allow"
    return {"Sid": "EarlyVariable", "Effect": effect, "Action": req.action, "Resource": ":".join(parts)}


def _endpoint_policy(rng: random.Random, req: Req) -> Json:
    """A VPC endpoint policy: statements with ``Principal: "*"`` (the endpoint limits, it never grants)."""
    statements = []
    for _ in range(rng.randint(1, 2)):
        stmt = _statement(
            rng, req, "Deny" if rng.random() < 0.2 else "Allow", p_match=0.8, p_cond=0.2, p_not_resource=0.0
        )
        statements.append({**stmt, "Principal": "*"})
    return _named("Endpoint", statements)


def _ip_perimeter_deny(rng: random.Random, req: Req) -> Json:
    """The usual network perimeter: deny calls from outside known ranges unless an AWS service calls."""
    blocks = rng.sample([b for b in (*IPV4_BLOCKS, *IPV6_BLOCKS) if "/" in b], rng.randint(1, 3))
    condition: Json = {
        rng.choice(("NotIpAddress", "NotIpAddressIfExists")): {_key(rng, "aws:SourceIp"): blocks}
    }
    if rng.random() < 0.8:
        condition[rng.choice(("Bool", "BoolIfExists"))] = {_key(rng, "aws:ViaAWSService"): "false"}
    return {
        "Sid": "DenyOutsideNetwork",
        "Effect": "Deny",
        "Action": "*",
        "Resource": "*",
        "Condition": condition,
    }


def _vary_input_shape(rng: random.Random, line: Json) -> None:
    """The oracle's input conveniences (README "Conveniences"), which our batch reader accepts too."""
    identity = line.get("identityPolicies")
    if identity:
        roll = rng.random()
        if roll < 0.3 and len({p["name"] for p in identity}) == len(identity):
            line["identityPolicies"] = {p["name"]: p["policy"] for p in identity}
        elif roll < 0.6:
            line["identityPolicies"] = [
                {"name": p["name"], "policy": orjson.dumps(p["policy"]).decode()} for p in identity
            ]
    boundary = line.get("permissionBoundaryPolicies")
    if boundary and rng.random() < 0.5:
        line["permissionBoundary"] = line.pop("permissionBoundaryPolicies")[0]["policy"]
    request = line["request"]
    if rng.random() < 0.5:
        request["context"] = request.pop("contextVariables")
    context = request.get("context", request.get("contextVariables", {}))
    for key, value in list(context.items()):
        if value in ("true", "false") and rng.random() < 0.5:
            context[key] = value == "true"
        elif isinstance(value, str) and value.isdigit() and len(value) < 6 and rng.random() < 0.5:
            context[key] = int(value)


# ---------------------------------------------------------------------------------------------------
# Gap lines: the AWS-documented decision is derived by construction
# ---------------------------------------------------------------------------------------------------


@dataclass
class _Layers:
    """The simple layers around a gap construct, and what AWS decides from them."""

    identity_allows: bool
    identity_denies: bool

    def decide(
        self, *, extra_deny: bool = False, extra_allow: bool = False, guard_ok: bool = True
    ) -> Decision:
        if self.identity_denies or extra_deny:
            return "ExplicitlyDenied"
        if (self.identity_allows or extra_allow) and guard_ok:
            return "Allowed"
        return "ImplicitlyDenied"


def _simple_identity(rng: random.Random, action: str, resource: str, layers: _Layers) -> list[Json]:
    statements: list[Json] = []
    if layers.identity_allows:
        statements.append({"Sid": "AllowIt", "Effect": "Allow", "Action": action, "Resource": resource})
    else:
        statements.append(
            {"Sid": "AllowOther", "Effect": "Allow", "Action": "sqs:SendMessage", "Resource": "*"}
        )
    if layers.identity_denies:
        statements.append({"Sid": "DenyIt", "Effect": "Deny", "Action": action, "Resource": "*"})
    return [_named("Identity", statements)]


def _layers(rng: random.Random, p_allow: float = 0.75, p_deny: float = 0.12) -> _Layers:
    return _Layers(identity_allows=rng.random() < p_allow, identity_denies=rng.random() < p_deny)


def _user(name: str = "alice", account: str = ACCOUNT) -> str:
    return f"arn:aws:iam::{account}:user/{name}"


def _gap1_version(rng: random.Random, case_id: str) -> Json:
    """Version 2008-10-17 or no Version: ``${...}`` is literal text (VARS, VERSION)."""
    version = rng.choice((V2008, None))
    user = rng.choice(USERS)
    region = rng.choice(REGIONS)
    variant = rng.randrange(4)
    ctx: Json = {"aws:username": user, "aws:RequestedRegion": region}
    if variant == 0:
        resource = _app_profile_arn(region, ACCOUNT, f"{user}-chat")
        also_2012 = rng.random() < 0.3
        identity = [
            _named(
                "Old",
                [
                    {
                        "Effect": "Allow",
                        "Action": "bedrock:InvokeModel",
                        "Resource": _app_profile_arn("*", ACCOUNT, "${aws:username}-*"),
                    }
                ],
                version,
            )
        ]
        if also_2012:
            identity.append(
                _named("New", [{"Effect": "Allow", "Action": "bedrock:InvokeModel", "Resource": resource}])
            )
        expected: Decision = "Allowed" if also_2012 else "ImplicitlyDenied"
        why = "the 2008 pattern ${aws:username}-* is literal and does not match " + f"{user}-chat"
        action = "bedrock:InvokeModel"
    elif variant == 1:
        resource = _fm_arn(region, rng.choice(MODELS))
        team_present = rng.random() < 0.8
        if team_present:
            ctx["aws:PrincipalTag/team"] = user
        identity = [
            _named("Allow", [{"Effect": "Allow", "Action": "bedrock:InvokeModel", "Resource": "*"}]),
            _named(
                "OldDeny",
                [
                    {
                        "Effect": "Deny",
                        "Action": "bedrock:*",
                        "Resource": "*",
                        "Condition": {"StringNotEquals": {"aws:PrincipalTag/team": "${aws:username}"}},
                    }
                ],
                version,
            ),
        ]
        expected = "ExplicitlyDenied"
        why = "StringNotEquals against the literal '${aws:username}' is true, so the Deny applies"
        action = "bedrock:InvokeModel"
    elif variant == 2:
        bucket = rng.choice(BUCKETS)
        literal_key = rng.random() < 0.5
        key = "${aws:username}/notes.txt" if literal_key else f"{user}/notes.txt"
        resource = f"arn:aws:s3:::{bucket}/{key}"
        identity = [
            _named(
                "Old",
                [
                    {
                        "Effect": "Allow",
                        "Action": "s3:GetObject",
                        "Resource": f"arn:aws:s3:::{bucket}/${{aws:username}}/*",
                    }
                ],
                version,
            )
        ]
        expected = "Allowed" if literal_key else "ImplicitlyDenied"
        why = "the pattern's ${aws:username} is literal text: it matches only an object key that contains it"
        action = "s3:GetObject"
    else:
        bucket = rng.choice(BUCKETS)
        resource = f"arn:aws:s3:::{bucket}"
        ctx["s3:prefix"] = f"{user}/"
        identity = [
            _named(
                "Old",
                [
                    {
                        "Effect": "Allow",
                        "Action": "s3:ListBucket",
                        "Resource": resource,
                        "Condition": {"StringLike": {"s3:prefix": "${aws:username}/*"}},
                    }
                ],
                version,
            )
        ]
        expected = "ImplicitlyDenied"
        why = "StringLike against the literal '${aws:username}/*' does not match the prefix"
        action = "s3:ListBucket"
    request: Json = {
        "principal": _user(user),
        "action": action,
        "resource": resource,
        "contextVariables": ctx,
    }
    return {
        "id": case_id,
        "gap": 1,
        "awsExpected": expected,
        "why": why,
        "identityPolicies": identity,
        "request": request,
    }


def _region_deny_only(approved: list[str]) -> Json:
    return _named(
        "RegionDeny",
        [
            {
                "Effect": "Deny",
                "NotAction": ["iam:*", "sts:*"],
                "Resource": "*",
                "Condition": {"StringNotEquals": {"aws:RequestedRegion": approved}},
            }
        ],
    )


def _denying_scps(rng: random.Random, account: str) -> list[Json]:
    """SCPs that block the request: a Region deny, or a level without any Allow."""
    if rng.random() < 0.5:
        return [
            {"orgIdentifier": ROOT_ID, "policies": [FULL_AWS_ACCESS]},
            {"orgIdentifier": OU_ID, "policies": [FULL_AWS_ACCESS, _region_deny_only(["us-west-2"])]},
        ]
    return [
        {"orgIdentifier": ROOT_ID, "policies": [FULL_AWS_ACCESS]},
        {"orgIdentifier": account, "policies": []},
    ]


def _gap2_service_linked_role(rng: random.Random, case_id: str) -> Json:
    """Service-linked roles are not restricted by SCPs (SCP, SLR)."""
    role = "AWSServiceRoleForAmazonBedrock"
    role_arn = f"arn:aws:iam::{ACCOUNT}:role/aws-service-role/bedrock.amazonaws.com/{role}"
    region = rng.choice(("eu-west-1", "us-east-1"))
    resource = _fm_arn(region, rng.choice(MODELS))
    layers = _layers(rng)
    ctx: Json = {"aws:RequestedRegion": region, "aws:PrincipalArn": role_arn}
    principal = (
        role_arn if rng.random() < 0.5 else f"arn:aws:sts::{ACCOUNT}:assumed-role/{role}/bedrock-session"
    )
    return {
        "id": case_id,
        "gap": 2,
        "awsExpected": layers.decide(),
        "why": "SCPs do not apply to service-linked roles; identity policies decide",
        "identityPolicies": _simple_identity(rng, "bedrock:InvokeModel", "*", layers),
        "serviceControlPolicies": _denying_scps(rng, ACCOUNT),
        "request": {
            "principal": principal,
            "action": "bedrock:InvokeModel",
            "resource": resource,
            "contextVariables": ctx,
        },
    }


def _gap3_management_account(rng: random.Random, case_id: str) -> Json:
    """The management account is not restricted by SCPs, its resources not by RCPs (SCP, RCP)."""
    layers = _layers(rng)
    user = rng.choice(USERS)
    if rng.random() < 0.6:
        region = rng.choice(("eu-west-1", "ap-northeast-1"))
        action = "bedrock:InvokeModel"
        resource: str | Json = _fm_arn(region, rng.choice(MODELS))
        line: Json = {"serviceControlPolicies": _denying_scps(rng, ACCOUNT)}
    else:
        region = "us-west-2"
        action = "s3:GetObject"
        resource = {"resource": f"arn:aws:s3:::{rng.choice(BUCKETS)}/public/readme.md", "accountId": ACCOUNT}
        rcp = _named(
            "DenyInsecure",
            [
                {
                    "Effect": "Deny",
                    "Principal": "*",
                    "Action": "s3:*",
                    "Resource": "*",
                    "Condition": {"Bool": {"aws:SecureTransport": "false"}},
                }
            ],
        )
        line = {"resourceControlPolicies": [{"orgIdentifier": ROOT_ID, "policies": [rcp]}]}
        if rng.random() < 0.5:
            line["serviceControlPolicies"] = _denying_scps(rng, ACCOUNT)
    ctx: Json = {"aws:RequestedRegion": region, "aws:SecureTransport": "false", "aws:username": user}
    return {
        "id": case_id,
        "gap": 3,
        "awsExpected": layers.decide(),
        "why": "SCPs and RCPs do not restrict the management account; identity policies decide",
        "managementAccountId": ACCOUNT,
        "identityPolicies": _simple_identity(rng, action, "*", layers),
        **line,
        "request": {
            "principal": _user(user),
            "action": action,
            "resource": resource,
            "contextVariables": ctx,
        },
    }


def _gap4_rcp_unsupported_service(rng: random.Random, case_id: str) -> Json:
    """RCPs apply only to services that support them; bedrock and ec2 do not (RCP)."""
    layers = _layers(rng)
    region = rng.choice(REGIONS)
    if rng.random() < 0.6:
        action, resource, service = "bedrock:InvokeModel", _fm_arn(region, rng.choice(MODELS)), "bedrock"
    else:
        action, resource, service = (
            "ec2:StopInstances",
            f"arn:aws:ec2:{region}:{ACCOUNT}:instance/{rng.choice(INSTANCES)}",
            "ec2",
        )
    rcp = _named("DenyAll", [{"Effect": "Deny", "Principal": "*", "Action": f"{service}:*", "Resource": "*"}])
    return {
        "id": case_id,
        "gap": 4,
        "awsExpected": layers.decide(),
        "why": f"{service} is not on the list of services that support RCPs; the RCP does not apply",
        "identityPolicies": _simple_identity(rng, action, "*", layers),
        "resourceControlPolicies": [{"orgIdentifier": ROOT_ID, "policies": [rcp]}],
        "request": {
            "principal": _user(),
            "action": action,
            "resource": resource,
            "contextVariables": {"aws:RequestedRegion": region},
        },
    }


_DATE_OPS: dict[str, Callable[[float, float], bool]] = {
    "DateLessThan": lambda a, b: a < b,
    "DateLessThanEquals": lambda a, b: a <= b,
    "DateGreaterThan": lambda a, b: a > b,
    "DateGreaterThanEquals": lambda a, b: a >= b,
}


def _epoch(text: str) -> int:
    return int(datetime.fromisoformat(text.replace("Z", "+00:00")).astimezone(UTC).timestamp())


def _gap5_epoch_vs_iso(rng: random.Random, case_id: str) -> Json:
    """Date operators normalise epoch seconds and ISO 8601 to one instant (OPS, Date)."""
    op = rng.choice(list(_DATE_OPS))
    policy_time = rng.choice(TIMES)
    request_time = rng.choice(TIMES)
    effect = "Allow" if rng.random() < 0.7 else "Deny"
    if rng.random() < 0.6:
        key, policy_value, ctx_value = "aws:CurrentTime", str(_epoch(policy_time)), request_time
    else:
        key, policy_value, ctx_value = "aws:EpochTime", policy_time, str(_epoch(request_time))
    holds = _DATE_OPS[op](_epoch(request_time), _epoch(policy_time))
    statements: list[Json] = [
        {
            "Effect": effect,
            "Action": "bedrock:InvokeModel",
            "Resource": "*",
            "Condition": {op: {key: policy_value}},
        }
    ]
    if effect == "Deny":
        statements.append({"Effect": "Allow", "Action": "bedrock:InvokeModel", "Resource": "*"})
        expected: Decision = "ExplicitlyDenied" if holds else "Allowed"
    else:
        expected = "Allowed" if holds else "ImplicitlyDenied"
    region = rng.choice(REGIONS)
    return {
        "id": case_id,
        "gap": 5,
        "awsExpected": expected,
        "why": f"{op} {key}: request {request_time} vs policy {policy_time} compared as instants",
        "identityPolicies": [_named("Dated", statements)],
        "request": {
            "principal": _user(),
            "action": "bedrock:InvokeModel",
            "resource": _fm_arn(region, rng.choice(MODELS)),
            "contextVariables": {key: ctx_value, "aws:RequestedRegion": region},
        },
    }


def _gap9_empty_variable(rng: random.Random, case_id: str) -> Json:
    """A present key whose value is the empty string substitutes "" (VARS); so does a default ''."""
    region = rng.choice(REGIONS)
    variant = rng.randrange(3)
    ctx: Json = {"aws:RequestedRegion": region}
    if variant == 0:
        ctx["aws:PrincipalTag/team"] = ""
        pattern = _app_profile_arn(region, ACCOUNT, "${aws:PrincipalTag/team}chat")
        statement: Json = {"Effect": "Allow", "Action": "bedrock:InvokeModel", "Resource": pattern}
        why = "aws:PrincipalTag/team is present with value '': the pattern becomes .../chat"
    elif variant == 1:
        pattern = _app_profile_arn(region, ACCOUNT, "${aws:PrincipalTag/team, ''}chat")
        statement = {"Effect": "Allow", "Action": "bedrock:InvokeModel", "Resource": pattern}
        why = "the key is absent and the default is '': the pattern becomes .../chat (empty default undocumented)"
    else:
        ctx["aws:PrincipalTag/team"] = ""
        ctx["aws:PrincipalTag/dept"] = ""
        statement = {
            "Effect": "Allow",
            "Action": "bedrock:InvokeModel",
            "Resource": "*",
            "Condition": {"StringEquals": {"aws:PrincipalTag/dept": "${aws:PrincipalTag/team}"}},
        }
        why = "both tags are present and empty: '' equals ''"
    return {
        "id": case_id,
        "gap": 9,
        "awsExpected": "Allowed",
        "why": why,
        "identityPolicies": [_named("EmptyVar", [statement])],
        "request": {
            "principal": _user(),
            "action": "bedrock:InvokeModel",
            "resource": _app_profile_arn(region, ACCOUNT, "chat"),
            "contextVariables": ctx,
        },
    }


def _gap10_wildcard_before_type(rng: random.Random, case_id: str) -> Json:
    """A wildcard inside the resource-type part of a Resource ARN (``*/anthropic.*``, ``foundation-mode?/``).

    The oracle README lists this as its gap 10 (it matches nothing) and iam-evaluation.md 2.2 leans to
    "matches", but AWS's ARN reference decides: "You cannot use a wildcard in the portion of the ARN that
    specifies the resource type ... not valid" (reference-arns.html). A pattern that is not valid names
    nothing, so the statement does not apply. Our engine matches it: known engine bug E2.
    """
    region = rng.choice(REGIONS)
    model = rng.choice(MODELS)
    vendor = model.split(".", 1)[0]
    pattern = rng.choice(
        (
            f"arn:aws:bedrock:*:*:*/{vendor}.*",
            f"arn:aws:bedrock:*::*-model/{vendor}.*",
            f"arn:aws:bedrock:{region}::foundation-mode?/*",
            f"arn:aws:bedrock:*::*/{model}",
        )
    )
    resource = _fm_arn(region, model)
    if rng.random() < 0.6:
        statements: list[Json] = [{"Effect": "Allow", "Action": "bedrock:InvokeModel", "Resource": pattern}]
        expected: Decision = "ImplicitlyDenied"
    else:
        statements = [
            {"Effect": "Allow", "Action": "bedrock:*", "Resource": "*"},
            {"Effect": "Deny", "Action": "bedrock:InvokeModel", "Resource": pattern},
        ]
        expected = "Allowed"
    return {
        "id": case_id,
        "gap": 10,
        "knownEngineBug": "E2",
        "awsExpected": expected,
        "why": f"{pattern} has a wildcard in the resource type, which AWS calls not valid: it names nothing",
        "identityPolicies": [_named("Wild", statements)],
        "request": {
            "principal": _user(),
            "action": "bedrock:InvokeModel",
            "resource": resource,
            "contextVariables": {"aws:RequestedRegion": region},
        },
    }


def _gap11_upper_case_segments(rng: random.Random, case_id: str) -> Json:
    """Upper-case partition/Region segments: AWS does not document it; we match case-sensitively."""
    region = rng.choice(REGIONS)
    model = rng.choice(MODELS)
    pattern = rng.choice(
        (
            f"arn:aws:bedrock:{region.upper()}::foundation-model/*",
            f"arn:AWS:bedrock:{region}::foundation-model/*",
            f"arn:aws:bedrock:{region.upper()}::foundation-model/{model}",
        )
    )
    if rng.random() < 0.5:
        statements: list[Json] = [{"Effect": "Allow", "Action": "bedrock:InvokeModel", "Resource": pattern}]
        expected: Decision = "ImplicitlyDenied"
    else:
        statements = [
            {"Effect": "Allow", "Action": "bedrock:InvokeModel", "Resource": "*"},
            {"Effect": "Deny", "Action": "bedrock:InvokeModel", "Resource": pattern},
        ]
        expected = "Allowed"
    return {
        "id": case_id,
        "gap": 11,
        "awsExpected": expected,
        "why": f"{pattern} compared case-sensitively (iam-evaluation.md 2.2 recommendation) does not match",
        "identityPolicies": [_named("Upper", statements)],
        "request": {
            "principal": _user(),
            "action": "bedrock:InvokeModel",
            "resource": _fm_arn(region, model),
            "contextVariables": {"aws:RequestedRegion": region},
        },
    }


def _gapx1_global_foundation_model(rng: random.Random, case_id: str) -> Json:
    """The region-less foundation-model ARN of global cross-Region inference (BEDROCK-CRIS).

    The oracle rejects it as a request resource (no resource type of InvokeModel matches an empty
    Region), so these lines only check our engine against the documented decision.
    """
    model = rng.choice(MODELS)
    destination = rng.choice(REGIONS)
    source = rng.choice(REGIONS)
    profile = _profile_arn(source, ACCOUNT, "global", model)
    pattern, covers = rng.choice(
        (
            ("arn:aws:bedrock:::foundation-model/*", True),
            ("arn:aws:bedrock:*::foundation-model/*", True),
            ("arn:aws:bedrock:*", True),
            (f"arn:aws:bedrock:::foundation-model/{model}", True),
            (f"arn:aws:bedrock:{destination}::foundation-model/*", False),
        )
    )
    layers = _Layers(identity_allows=covers, identity_denies=False)
    identity = [_named("Global", [{"Effect": "Allow", "Action": "bedrock:InvokeModel", "Resource": pattern}])]
    line: Json = {}
    scp_denies = False
    if rng.random() < 0.6:
        exemption = rng.choice(
            (
                "arn:aws:bedrock:*:*:inference-profile/global.*",
                "arn:aws:bedrock:*:*:inference-profile/us.*",
                None,
            )
        )
        approved = rng.sample(REGIONS, 2)
        condition: Json = {"StringNotEquals": {"aws:RequestedRegion": approved}}
        if exemption is not None:
            condition["ArnNotLike"] = {"bedrock:InferenceProfileArn": exemption}
        deny = {"Effect": "Deny", "NotAction": ["iam:*", "sts:*"], "Resource": "*", "Condition": condition}
        line["serviceControlPolicies"] = [
            {"orgIdentifier": ROOT_ID, "policies": [FULL_AWS_ACCESS]},
            {"orgIdentifier": OU_ID, "policies": [FULL_AWS_ACCESS, _named("RegionDeny", [deny])]},
        ]
        scp_denies = destination not in approved and (exemption is None or "/us." in exemption)
    return {
        "id": case_id,
        "gap": "X1",
        "awsExpected": layers.decide(extra_deny=scp_denies),
        "why": f"{pattern} {'covers' if covers else 'does not cover'} the region-less global foundation-model ARN",
        "identityPolicies": identity,
        **line,
        "request": {
            "principal": _user(),
            "action": "bedrock:InvokeModel",
            "resource": f"arn:aws:bedrock:::foundation-model/{model}",
            "contextVariables": {"aws:RequestedRegion": destination, "bedrock:InferenceProfileArn": profile},
        },
    }


def _gapx2_root_user(rng: random.Random, case_id: str) -> Json:
    """The account root user has full access unless an SCP or an explicit deny stops it (DENYALLOW)."""
    region = rng.choice(REGIONS)
    line: Json = {}
    guard_ok = True
    scp_denies = False
    roll = rng.random()
    if roll < 0.4:
        line["serviceControlPolicies"] = [{"orgIdentifier": ROOT_ID, "policies": [FULL_AWS_ACCESS]}]
    elif roll < 0.7:
        approved = rng.sample(REGIONS, 2)
        line["serviceControlPolicies"] = [
            {"orgIdentifier": ROOT_ID, "policies": [FULL_AWS_ACCESS, _region_deny_only(approved)]}
        ]
        scp_denies = region not in approved
    elif roll < 0.85:
        line["serviceControlPolicies"] = [
            {"orgIdentifier": ROOT_ID, "policies": [FULL_AWS_ACCESS]},
            {"orgIdentifier": ACCOUNT, "policies": []},
        ]
        guard_ok = False
    expected = _Layers(identity_allows=True, identity_denies=False).decide(
        extra_deny=scp_denies, guard_ok=guard_ok
    )
    return {
        "id": case_id,
        "gap": "X2",
        "awsExpected": expected,
        "why": "the root user needs no identity policy; SCPs still restrict it in a member account",
        **line,
        "request": {
            "principal": f"arn:aws:iam::{ACCOUNT}:root",
            "action": "bedrock:InvokeModel",
            "resource": _fm_arn(region, rng.choice(MODELS)),
            "contextVariables": {"aws:RequestedRegion": region, "aws:PrincipalAccount": ACCOUNT},
        },
    }


def _gapx3_session_arn_grant(rng: random.Random, case_id: str) -> Json:
    """A resource-policy grant naming the role-session ARN is not limited by the session policy.

    IAM User Guide, access_policies.html#policies_session: "The resource-based policy permissions are not
    limited by the session policy." A grant naming the role ARN is limited (the control variant).
    """
    role, path = rng.choice(ROLES)
    role_arn = f"arn:aws:iam::{ACCOUNT}:role{path}{role}"
    session_arn = f"arn:aws:sts::{ACCOUNT}:assumed-role/{role}/{rng.choice(USERS)}-session"
    service = rng.choice(("s3", "sqs", "dynamodb"))
    region = rng.choice(REGIONS[:4])
    if service == "s3":
        action, resource = "s3:GetObject", f"arn:aws:s3:::{rng.choice(BUCKETS)}/public/readme.md"
    elif service == "sqs":
        action, resource = "sqs:SendMessage", f"arn:aws:sqs:{region}:{ACCOUNT}:{rng.choice(QUEUES)}"
    else:
        action, resource = (
            "dynamodb:GetItem",
            f"arn:aws:dynamodb:{region}:{ACCOUNT}:table/{rng.choice(TABLES)}",
        )
    names_session = rng.random() < 0.75
    identity_allows = rng.random() < 0.5
    resource_deny = rng.random() < 0.1
    statements: list[Json] = [
        {
            "Sid": "Grant",
            "Effect": "Allow",
            "Principal": {"AWS": session_arn if names_session else role_arn},
            "Action": action,
            "Resource": resource,
        }
    ]
    if resource_deny:
        statements.append(
            {"Sid": "DenyAll", "Effect": "Deny", "Principal": "*", "Action": action, "Resource": resource}
        )
    line: Json = {
        "identityPolicies": [
            _named(
                "RolePolicy",
                [
                    {
                        "Effect": "Allow",
                        "Action": action if identity_allows else "sqs:ListQueues",
                        "Resource": "*",
                    }
                ],
            )
        ],
        "sessionPolicy": _doc([{"Effect": "Allow", "Action": "ec2:DescribeInstances", "Resource": "*"}]),
        "resourcePolicy": _doc(statements),
    }
    if resource_deny:
        expected: Decision = "ExplicitlyDenied"
    elif names_session:
        expected = "Allowed"
    else:
        expected = "ImplicitlyDenied"
    return {
        "id": case_id,
        "gap": "X3",
        "awsExpected": expected,
        "why": "a grant to the session ARN is not limited by the session policy; a grant to the role ARN is",
        **line,
        "request": {
            "principal": session_arn,
            "action": action,
            "resource": {"resource": resource, "accountId": ACCOUNT},
            "contextVariables": {"aws:PrincipalArn": role_arn, "aws:RequestedRegion": region},
        },
    }


def _gapx4_bare_ip_address(rng: random.Random, case_id: str) -> Json:
    """A bare address in IpAddress/NotIpAddress is a /32 (IPv4) or /128 (IPv6) block (OPS, IP address).

    An address of one IP version never falls in a block of the other, whatever the notation, and an IPv6
    address matches however it is written (case, ``::`` compression).
    """
    variant = rng.randrange(3)
    if variant == 0:
        policy_value, source = rng.choice(("192.0.2.44", "203.0.113.10")), rng.choice(IPV6_ADDRESSES)
        op, holds = "NotIpAddress", True
    elif variant == 1:
        policy_value, source = "2001:db8:abcd::1", rng.choice(IPV4_ADDRESSES)
        op, holds = "NotIpAddress", True
    else:
        policy_value = rng.choice(("2001:DB8:ABCD::1", "2001:db8:abcd:0:0:0:0:1"))
        source = "2001:db8:abcd::1"
        op = rng.choice(("IpAddress", "NotIpAddress"))
        holds = op == "IpAddress"
    effect = rng.choice(("Allow", "Deny"))
    statements: list[Json] = [
        {
            "Effect": effect,
            "Action": "bedrock:InvokeModel",
            "Resource": "*",
            "Condition": {op: {"aws:SourceIp": policy_value}},
        }
    ]
    if effect == "Deny":
        statements.append({"Effect": "Allow", "Action": "bedrock:*", "Resource": "*"})
        expected: Decision = "ExplicitlyDenied" if holds else "Allowed"
    else:
        expected = "Allowed" if holds else "ImplicitlyDenied"
    region = rng.choice(REGIONS)
    return {
        "id": case_id,
        "gap": "X4",
        "awsExpected": expected,
        "why": f"{op} {policy_value} with aws:SourceIp {source}: the condition is {'true' if holds else 'false'}",
        "identityPolicies": [_named("SourceIp", statements)],
        "request": {
            "principal": _user(),
            "action": "bedrock:InvokeModel",
            "resource": _fm_arn(region, rng.choice(MODELS)),
            "contextVariables": {"aws:SourceIp": source, "aws:RequestedRegion": region},
        },
    }


def _gapx5_federated_user_without_session_policy(rng: random.Random, case_id: str) -> Json:
    """A federated-user session (GetFederationToken) without a session policy has no permissions.

    GetFederationToken API reference: "if you do not pass any session policies, then the resulting
    federated user session has no permissions"; a resource policy naming the federated-user session
    still grants (DENYALLOW, session policies step).
    """
    user = rng.choice(USERS)
    federated = f"arn:aws:sts::{ACCOUNT}:federated-user/{user}"
    region = rng.choice(REGIONS[:4])
    queue = f"arn:aws:sqs:{region}:{ACCOUNT}:{rng.choice(QUEUES)}"
    variant = rng.randrange(3)
    line: Json = {
        "identityPolicies": [_named("UserPolicy", [{"Effect": "Allow", "Action": "sqs:*", "Resource": "*"}])]
    }
    if variant == 0:
        expected: Decision = "ImplicitlyDenied"
        why = "no session policy was passed: the federated session has no permissions"
    elif variant == 1:
        line["sessionPolicy"] = _doc([{"Effect": "Allow", "Action": "sqs:SendMessage", "Resource": "*"}])
        expected = "Allowed"
        why = "the session policy and the user's policy both allow"
    else:
        line["resourcePolicy"] = _doc(
            [
                {
                    "Effect": "Allow",
                    "Principal": {"AWS": federated},
                    "Action": "sqs:SendMessage",
                    "Resource": queue,
                }
            ]
        )
        expected = "Allowed"
        why = "the queue policy names the federated-user session"
    return {
        "id": case_id,
        "gap": "X5",
        "awsExpected": expected,
        "why": why,
        **line,
        "request": {
            "principal": federated,
            "action": "sqs:SendMessage",
            "resource": queue,
            "contextVariables": {"aws:RequestedRegion": region},
        },
    }


def _gapx6_arn_variable_before_resource(rng: random.Random, case_id: str) -> Json:
    """ARN operators take policy variables anywhere in the value (VARS, "Condition element").

    ``${aws:PrincipalAccount}`` in the account field of an ArnLike value is substituted like any other
    variable; only the Resource element restricts variables to the resource part.
    """
    role, path = rng.choice(ROLES)
    account = rng.choice((ACCOUNT, OTHER_ACCOUNT))
    role_arn = f"arn:aws:iam::{account}:role{path}{role}"
    session = f"arn:aws:sts::{account}:assumed-role/{role}/{rng.choice(USERS)}-session"
    pattern, matches = rng.choice(
        (
            ("arn:aws:iam::${aws:PrincipalAccount}:role/*", True),
            (f"arn:aws:iam::${{aws:PrincipalAccount}}:role{path}{role}", True),
            ("arn:aws:iam::${aws:PrincipalAccount}:role/other/*", False),
            ("arn:${aws:PrincipalTag/partition, 'aws'}:iam::*:role/*", True),
            ("arn:aws:iam::${aws:PrincipalTag/home-account}:role/*", False),
        )
    )
    op = rng.choice(("ArnLike", "ArnEquals", "ArnNotLike"))
    holds = matches if op != "ArnNotLike" else not matches
    statements: list[Json] = [
        {
            "Effect": "Allow",
            "Action": "bedrock:InvokeModel",
            "Resource": "*",
            "Condition": {op: {"aws:PrincipalArn": pattern}},
        }
    ]
    region = rng.choice(REGIONS)
    return {
        "id": case_id,
        "gap": "X6",
        "awsExpected": "Allowed" if holds else "ImplicitlyDenied",
        "why": f"{op} {pattern} with aws:PrincipalArn {role_arn} (variables substituted in every ARN field)",
        "identityPolicies": [_named("ArnVariable", statements)],
        "request": {
            "principal": session,
            "action": "bedrock:InvokeModel",
            "resource": _fm_arn(region, rng.choice(MODELS)),
            "contextVariables": {
                "aws:PrincipalArn": role_arn,
                "aws:PrincipalAccount": account,
                "aws:PrincipalTag/home-account": "999988887777",
                "aws:RequestedRegion": region,
            },
        },
    }


def _gapx7_special_character_variables(rng: random.Random, case_id: str) -> Json:
    """``${*}``, ``${?}`` and ``${$}`` stand for the literal character "in any string where you can use
    regular policy variables" (VARS, "Special characters"), so also in StringEquals and ArnEquals."""
    escape, char = rng.choice((("${*}", "*"), ("${?}", "?"), ("${$}", "$")))
    literal = rng.random() < 0.6
    value = f"cost{char}center" if literal else "cost-center"
    op = rng.choice(("StringEquals", "StringEqualsIgnoreCase", "StringNotEquals"))
    equal = literal
    holds = equal if op != "StringNotEquals" else not equal
    statements: list[Json] = [
        {
            "Effect": "Allow",
            "Action": "bedrock:InvokeModel",
            "Resource": "*",
            "Condition": {op: {"aws:PrincipalTag/project": f"cost{escape}center"}},
        }
    ]
    region = rng.choice(REGIONS)
    return {
        "id": case_id,
        "gap": "X7",
        "awsExpected": "Allowed" if holds else "ImplicitlyDenied",
        "why": f"{op} cost{escape}center means the literal text cost{char}center; the tag is {value}",
        "identityPolicies": [_named("SpecialCharacters", statements)],
        "request": {
            "principal": _user(),
            "action": "bedrock:InvokeModel",
            "resource": _fm_arn(region, rng.choice(MODELS)),
            "contextVariables": {"aws:PrincipalTag/project": value, "aws:RequestedRegion": region},
        },
    }


# Engine deviations from the AWS documentation that the differential run found and that are not fixed
# yet (tests/differential/FINDINGS.md). Lines exercising them carry "knownEngineBug"; the comparison
# keeps them apart, and a strict xfail test per entry turns red once the engine is fixed.
KNOWN_ENGINE_BUGS: dict[str, str] = {}

GAP_BUILDERS: dict[GapId, Callable[[random.Random, str], Json]] = {
    1: _gap1_version,
    2: _gap2_service_linked_role,
    3: _gap3_management_account,
    4: _gap4_rcp_unsupported_service,
    5: _gap5_epoch_vs_iso,
    9: _gap9_empty_variable,
    10: _gap10_wildcard_before_type,
    11: _gap11_upper_case_segments,
    "X1": _gapx1_global_foundation_model,
    "X2": _gapx2_root_user,
    "X3": _gapx3_session_arn_grant,
    "X4": _gapx4_bare_ip_address,
    "X5": _gapx5_federated_user_without_session_policy,
    "X6": _gapx6_arn_variable_before_resource,
    "X7": _gapx7_special_character_variables,
}


# ---------------------------------------------------------------------------------------------------
# Public entry points
# ---------------------------------------------------------------------------------------------------


def generate_case(seed: int, index: int) -> Json:
    """The untagged case number ``index`` of ``seed``."""
    rng = random.Random(f"bedrock-access-diff:{seed}:{index}")
    return _untagged_case(rng, f"s{seed}-{index}")


def generate_gap_case(seed: int, gap: GapId, index: int) -> Json:
    rng = random.Random(f"bedrock-access-diff-gap:{seed}:{gap}:{index}")
    return GAP_BUILDERS[gap](rng, f"s{seed}-gap{gap}-{index}")


def generate(seed: int, cases: int, gap_cases_per_gap: int = 0) -> Iterator[Json]:
    """``cases`` untagged lines, then ``gap_cases_per_gap`` lines for every known gap."""
    for i in range(cases):
        yield generate_case(seed, i)
    for gap in GAP_BUILDERS:
        for i in range(gap_cases_per_gap):
            yield generate_gap_case(seed, gap, i)
