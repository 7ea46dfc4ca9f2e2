"""The client-misconfiguration examples (examples/client-*.yaml), checked end to end through the CLI.

Each example is one misconfiguration of shared/domain/clients.md ("§n") that ends in a 403 or a 400 (or, for
LiteLLM's client-side parser bugs, in an exception before any request). The expected values below were
decided from clients.md and the AWS rules first, then compared with ``bedrock-access check --format json``:

- the resolved (role, model, source Region, operation) of every call follows the client's section of §1–§10;
- a system profile called from a Region outside its geography, or an id the endpoint does not know, is a
  400 ValidationException "The provided model identifier is invalid." before any IAM decision (§0, S6);
- a bare id of an inference-profile-only model is the on-demand 400 (§0, S5);
- a global. profile is authorized on the Region-less arn:aws:bedrock:::foundation-model/MODEL with
  aws:RequestedRegion "unspecified", which a Region allow-list denies (§0, S2/S3);
- Converse* calls are authorized as InvokeModel* (bedrock-authorization.md §1); an AccessDenied message reads
  "User: P is not authorized to perform: A on resource: R with an explicit deny in <a/an> <policy type>";
- a short-term API key works only in the Region it was generated in (§0), and calls through a VPC endpoint carry
  no aws:SourceIp (S19).

The end of this file pins the behaviours that were src bugs when these examples were written.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest
from ruamel.yaml import YAML

from bedrock_access.cli import main

ROOT = Path(__file__).resolve().parents[2]
EXAMPLES = ROOT / "examples"
ACCOUNT = "111122223333"

# Every client-misconfiguration example this file owns; tests/bedrock/test_examples.py lists them in
# CLIENT_EXAMPLES and leaves their assertions to this file.
CLIENT_EXAMPLE_FILES = (
    "client-anthropic-sdk-profile-region-ignored.yaml",
    "client-boto3-aws-region-ignored.yaml",
    "client-claude-code-aws-config-region-ignored.yaml",
    "client-claude-code-bare-model-id.yaml",
    "client-claude-code-global-default-region-deny.yaml",
    "client-claude-code-short-term-key-other-region.yaml",
    "client-claude-code-small-fast-region-outside-eu.yaml",
    "client-claude-code-subagent-geo-bug.yaml",
    "client-claude-code-vpc-endpoint-ip-allow-list.yaml",
    "client-cline-custom-arn-other-region.yaml",
    "client-cline-global-toggle-eu-scp.yaml",
    "client-cline-govcloud-us-prefix.yaml",
    "client-continue-embed-region-defaulted.yaml",
    "client-litellm-app-profile-needs-converse.yaml",
    "client-litellm-prefix-unknown-provider.yaml",
    "client-litellm-region-name-overrides-prefix.yaml",
    "client-roo-code-custom-arn-moves-region.yaml",
    "client-roo-code-seoul-jp-prefix.yaml",
)

STREAM = "bedrock:InvokeModelWithResponseStream"
INVOKE = "bedrock:InvokeModel"
INVALID_ID = "The provided model identifier is invalid."
# The on-demand message with the typographic apostrophe AWS sends (see tests/bedrock/test_examples.py).
ON_DEMAND = (
    "Invocation of model ID {model} with on-demand throughput isn\u2019t supported. "
    "Retry your request with the ID or ARN of an inference profile that contains this model."
)
EXPLICIT = {"scp": "a service control policy", "identity": "an identity-based policy"}

SONNET_46 = "anthropic.claude-sonnet-4-6"
SONNET_45 = "anthropic.claude-sonnet-4-5-20250929-v1:0"
HAIKU_45 = "anthropic.claude-haiku-4-5-20251001-v1:0"
# Sids of the shared policies the examples use: scp-eu-regions-with-eu-cris-exemption.json,
# scp-us-regions-without-unspecified.json and ip-allow-list-deny.json.
EU_SCP_SID = "DenyBedrockInferenceOutsideEuExceptEuCris"
US_SCP_SID = "DenyAllOutsideApprovedRegions"
IP_SID = "DenyOutsideCorporateNetwork"
VPCE_URL = "https://vpce-0a1b2c3d4e5f67890-k2v9x7qe.bedrock-runtime.us-east-1.vpce.amazonaws.com"
ROO_ARN = f"arn:aws:bedrock:us-east-1:{ACCOUNT}:application-inference-profile/p7q2m9x4k1ze"
LITELLM_ARN = f"arn:aws:bedrock:us-east-1:{ACCOUNT}:application-inference-profile/r5t8w2y6u9ia"


def profile_arn(region: str, profile_id: str) -> str:
    return f"arn:aws:bedrock:{region}:{ACCOUNT}:inference-profile/{profile_id}"


def global_fm(model: str) -> str:
    return f"arn:aws:bedrock:::foundation-model/{model}"


@dataclass(frozen=True)
class Deny:
    """The first check AWS refuses: its resource, the deciding layer and statement."""

    resource: str
    layer: str  # "scp" | "identity"
    sid: str


@dataclass(frozen=True)
class Call:
    role: str
    model: str
    region: str
    operation: str
    verdict: str | None  # None: decided in a dedicated test below
    codes: frozenset[str] = frozenset()  # finding codes that must be on this invocation
    absent: frozenset[str] = frozenset()  # finding codes that must not be on it
    deny: Deny | None = None  # for 403s
    error: str | None = None  # predicted 400 message
    endpoint: str | None = None
    auth: str = "sigv4"


@dataclass(frozen=True)
class Example:
    principal: str
    kind: str
    version: str
    region: str  # the client's session Region
    exit_code: int
    verdict: str | None
    calls: tuple[Call, ...]
    client_codes: frozenset[str] = frozenset()
    client_absent: frozenset[str] = frozenset()
    extra: dict[str, Any] = field(default_factory=dict)  # other client fields to compare


def cc(role: str, model: str, region: str, verdict: str | None, **kw: Any) -> Call:
    """A Claude Code call: every role streams (§1.1; docs/clients.md step 9)."""
    return Call(role, model, region, "InvokeModelWithResponseStream", verdict, **kw)


def codes(*names: str) -> frozenset[str]:
    return frozenset(names)


EU_SSO = f"arn:aws:sts::{ACCOUNT}:assumed-role/AWSReservedSSO_EUDevelopers_89abcdef01234567"

EXPECTED: dict[str, Example] = {
    # §1.3/§1.7 #4: before 2.1.172 R = AWS_REGION ‖ AWS_DEFAULT_REGION ‖ us-east-1 (~/.aws never read), so the
    # eu-central-1 of [profile eu-sso] is ignored. §1.4/§1.5: 2.1.141–2.1.206 default = Sonnet 4.5 with the
    # Region prefix (us.), background = main, subagents inherit, Explore runs on Haiku before 2.1.198. The EU
    # SCP denies the profile hop in us-east-1 (no eu. InferenceProfileArn to exempt it).
    "client-claude-code-aws-config-region-ignored.yaml": Example(
        principal=f"arn:aws:sts::{ACCOUNT}:assumed-role/AWSReservedSSO_BedrockUsers_0123456789abcdef/alice@example.com",
        kind="claude-code",
        version="2.1.150",
        region="us-east-1",
        exit_code=1,
        verdict="denied",
        client_codes=codes("CC_AWS_CONFIG_REGION_IGNORED", "CC_BUILTIN_DEFAULT", "CC_EXPLORE_USES_HAIKU"),
        client_absent=codes("REGION_INVALID_IGNORED", "PROFILE_GEO_MISMATCH"),
        extra={
            "principal_hints": {"aws_profile": "eu-sso", "account": ACCOUNT, "sso_role_name": "BedrockUsers"}
        },
        calls=tuple(
            cc(
                role,
                model,
                "us-east-1",
                "denied",
                deny=Deny(profile_arn("us-east-1", model), "scp", EU_SCP_SID),
            )
            for role, model in (
                ("main", f"us.{SONNET_45}"),
                ("background", f"us.{SONNET_45}"),
                ("subagent", f"us.{SONNET_45}"),
                ("explore", f"us.{HAIKU_45}"),
            )
        ),
    ),
    # §1.3/§1.5/§1.7 #1 (2.1.330 rules): ANTHROPIC_DEFAULT_HAIKU_MODEL pins the small/fast model (verbatim, no
    # rewrite); the Region override applies because Haiku is pinned and differs from the main model, to every
    # request whose model is the small/fast model (background and the pinned 'haiku' alias). us-east-1 is
    # outside the EU SCP: explicit deny on the us. profile ARN. Main and subagents stay eu. in eu-west-1.
    "client-claude-code-small-fast-region-outside-eu.yaml": Example(
        principal=f"{EU_SSO}/bruno@example.com",
        kind="claude-code",
        version="2.1.250",
        region="eu-west-1",
        exit_code=1,
        verdict="denied",
        client_codes=codes("ROLE_REGION_DIFFERS", "MIXED_GEOGRAPHIES"),
        client_absent=codes("CC_SMALL_FAST_REGION_NO_EFFECT", "PROFILE_GEO_MISMATCH"),
        calls=(
            cc("main", f"eu.{SONNET_46}", "eu-west-1", "allowed"),
            cc(
                "background",
                f"us.{HAIKU_45}",
                "us-east-1",
                "denied",
                codes=codes("ROLE_REGION_DIFFERS"),
                deny=Deny(profile_arn("us-east-1", f"us.{HAIKU_45}"), "scp", EU_SCP_SID),
            ),
            cc("subagent", f"eu.{SONNET_46}", "eu-west-1", "allowed"),
            cc(
                "haiku",
                f"us.{HAIKU_45}",
                "us-east-1",
                "denied",
                deny=Deny(profile_arn("us-east-1", f"us.{HAIKU_45}"), "scp", EU_SCP_SID),
            ),
        ),
    ),
    # §1.6 (v2.1.0 fix): subagents of earlier versions do not inherit an eu. main model and call us.… from R.
    # Everything pinnable is eu.: background and Explore use the Haiku pin, the 'haiku' alias role too. The us.
    # profile from eu-central-1 is a 400 before IAM (§0).
    "client-claude-code-subagent-geo-bug.yaml": Example(
        principal=f"arn:aws:sts::{ACCOUNT}:assumed-role/ClaudeCodeEU/carla@example.com",
        kind="claude-code",
        version="2.0.60",
        region="eu-central-1",
        exit_code=1,
        verdict="invalid",
        client_codes=codes("CC_SUBAGENT_GEO_BUG", "PROFILE_GEO_MISMATCH", "MIXED_GEOGRAPHIES"),
        calls=(
            cc("main", f"eu.{SONNET_45}", "eu-central-1", "allowed"),
            cc("background", f"eu.{HAIKU_45}", "eu-central-1", "allowed"),
            cc(
                "subagent",
                f"us.{SONNET_45}",
                "eu-central-1",
                "invalid",
                codes=codes("CC_SUBAGENT_GEO_BUG", "PROFILE_GEO_MISMATCH", "profile-not-offered-in-region"),
                error=INVALID_ID,
            ),
            cc("explore", f"eu.{HAIKU_45}", "eu-central-1", "allowed", codes=codes("CC_EXPLORE_USES_HAIKU")),
            cc("haiku", f"eu.{HAIKU_45}", "eu-central-1", "allowed"),
        ),
    ),
    # §1.4 (docs table, v2.0.8 → ~2.1.127): the unpinned main default is global. Sonnet 4.5; background and
    # Explore use the built-in us. Haiku 3.5 (< 2.0.31). §1.7 #5 / S2: the Region-less global hop carries
    # aws:RequestedRegion "unspecified", not in the SCP's US allow-list: explicit SCP deny on
    # arn:aws:bedrock:::foundation-model/…; the us. Haiku stays inside the allow-list.
    "client-claude-code-global-default-region-deny.yaml": Example(
        principal=f"arn:aws:sts::{ACCOUNT}:assumed-role/AWSReservedSSO_Developer_0123456789abcdef/dana@example.com",
        kind="claude-code",
        version="2.0.20",
        region="us-east-1",
        exit_code=1,
        verdict="denied",
        client_codes=codes("CC_LEGACY_BUILTIN_PREFIX", "CC_BUILTIN_DEFAULT", "MIXED_GEOGRAPHIES"),
        calls=(
            cc(
                "main",
                f"global.{SONNET_45}",
                "us-east-1",
                "denied",
                codes=codes("CC_LEGACY_BUILTIN_PREFIX", "global-hop-denied"),
                deny=Deny(global_fm(SONNET_45), "scp", US_SCP_SID),
            ),
            cc("background", "us.anthropic.claude-3-5-haiku-20241022-v1:0", "us-east-1", "allowed"),
            cc(
                "subagent",
                f"global.{SONNET_45}",
                "us-east-1",
                "denied",
                codes=codes("global-hop-denied"),
                deny=Deny(global_fm(SONNET_45), "scp", US_SCP_SID),
            ),
            cc("explore", "us.anthropic.claude-3-5-haiku-20241022-v1:0", "us-east-1", "allowed"),
        ),
    ),
    # §0 + §1.7 #3: the bearer token beats the credential chain; the Haiku pin plus
    # ANTHROPIC_SMALL_FAST_MODEL_AWS_REGION send background (and the 'haiku' alias) to us-west-2, where the
    # us-east-1 short-term key is refused (403). IAM allows everything, so only those calls fail. The verdicts
    # of the us-west-2 calls are asserted in test_bug_client_403_findings_do_not_change_the_verdict.
    "client-claude-code-short-term-key-other-region.yaml": Example(
        principal=f"arn:aws:sts::{ACCOUNT}:assumed-role/BedrockDevelopers/erin@example.com",
        kind="claude-code",
        version="2.1.250",
        region="us-east-1",
        exit_code=1,
        verdict=None,
        client_codes=codes("BEARER_REGION_MISMATCH", "ROLE_REGION_DIFFERS"),
        extra={"auth": "bearer-short-term"},
        calls=(
            cc(
                "main",
                f"us.{SONNET_46}",
                "us-east-1",
                "allowed",
                auth="bearer-short-term",
                absent=codes("BEARER_REGION_MISMATCH"),
            ),
            cc(
                "background",
                f"us.{HAIKU_45}",
                "us-west-2",
                None,
                auth="bearer-short-term",
                codes=codes("BEARER_REGION_MISMATCH"),
            ),
            cc(
                "subagent",
                f"us.{SONNET_46}",
                "us-east-1",
                "allowed",
                auth="bearer-short-term",
                absent=codes("BEARER_REGION_MISMATCH"),
            ),
            cc(
                "haiku",
                f"us.{HAIKU_45}",
                "us-west-2",
                None,
                auth="bearer-short-term",
                codes=codes("BEARER_REGION_MISMATCH"),
            ),
        ),
    ),
    # §1.1 (ANTHROPIC_BEDROCK_BASE_URL is the inference endpoint) + S19: through an interface endpoint the
    # request has aws:SourceVpce and no aws:SourceIp, so "Deny NotIpAddress aws:SourceIp" matches: explicit
    # identity deny at the first hop. 2.1.207+: an explicit main model is also the background model.
    "client-claude-code-vpc-endpoint-ip-allow-list.yaml": Example(
        principal=f"arn:aws:sts::{ACCOUNT}:assumed-role/ClaudeCodeBuild/i-0abc123def4567890",
        kind="claude-code",
        version="2.1.250",
        region="us-east-1",
        exit_code=1,
        verdict="denied",
        client_codes=codes("VPC_ENDPOINT"),
        client_absent=codes("ENDPOINT_REGION_MISMATCH", "CUSTOM_ENDPOINT"),
        extra={"endpoint": VPCE_URL},
        calls=tuple(
            cc(
                role,
                f"us.{SONNET_46}",
                "us-east-1",
                "denied",
                codes=codes("VPC_ENDPOINT"),
                endpoint=VPCE_URL,
                deny=Deny(profile_arn("us-east-1", f"us.{SONNET_46}"), "identity", IP_SID),
            )
            for role in ("main", "background", "subagent")
        ),
    ),
    # §1.4 (provider ids are never rewritten) + §1.7 #8 / S5: Opus 4.5 has no on-demand throughput.
    "client-claude-code-bare-model-id.yaml": Example(
        principal=f"arn:aws:sts::{ACCOUNT}:assumed-role/AWSReservedSSO_Developer_0123456789abcdef/luis@example.com",
        kind="claude-code",
        version="2.1.250",
        region="us-west-2",
        exit_code=1,
        verdict="invalid",
        client_codes=codes("BARE_MODEL_ID"),
        calls=tuple(
            cc(
                role,
                "anthropic.claude-opus-4-5-20251101-v1:0",
                "us-west-2",
                "invalid",
                codes=codes("BARE_MODEL_ID", "on-demand-not-supported"),
                error=ON_DEMAND.format(model="anthropic.claude-opus-4-5-20251101-v1:0"),
            )
            for role in ("main", "background", "subagent")
        ),
    ),
    # §2.2 legacy getModelId: awsRegion[0:3] == "us-" → us., GovCloud included (§2.3 #4); the us. profile is
    # not offered from us-gov-west-1 → 400. Plan and Act share the Region and the flags; ConverseStream.
    "client-cline-govcloud-us-prefix.yaml": Example(
        principal=f"arn:aws-us-gov:iam::{ACCOUNT}:user/gov-developer",
        kind="cline",
        version="4.0.12",
        region="us-gov-west-1",
        exit_code=1,
        verdict="invalid",
        client_codes=codes("PROFILE_GEO_MISMATCH", "MODEL_ID_REWRITTEN"),
        calls=tuple(
            Call(
                mode,
                f"us.{SONNET_45}",
                "us-gov-west-1",
                "ConverseStream",
                "invalid",
                codes=codes("PROFILE_GEO_MISMATCH", "profile-not-offered-in-region"),
                error=INVALID_ID,
            )
            for mode in ("act", "plan")
        ),
    ),
    # §2.2/§2.3 #5: global on (with cross-Region on) and Sonnet 4.6 supports it → global.; the Region-less hop
    # ("unspecified") is outside the EU SCP and its eu. exemption: explicit SCP deny (S2/S3).
    "client-cline-global-toggle-eu-scp.yaml": Example(
        principal=f"{EU_SSO}/gustav@example.com",
        kind="cline",
        version="4.0.12",
        region="eu-central-1",
        exit_code=1,
        verdict="denied",
        client_codes=codes("MODEL_ID_REWRITTEN"),
        client_absent=codes("CLINE_GLOBAL_NEEDS_CROSS_REGION"),
        calls=tuple(
            Call(
                mode,
                f"global.{SONNET_46}",
                "eu-central-1",
                "ConverseStream",
                "denied",
                codes=codes("global-hop-denied"),
                deny=Deny(global_fm(SONNET_46), "scp", EU_SCP_SID),
            )
            for mode in ("act", "plan")
        ),
    ),
    # §2.1 (custom model: verbatim) + §2.3 #7: the request still goes to awsRegion; the ARN's Region does not
    # move the endpoint → 400. Plan mode uses the catalog model with the eu. prefix (§2.2) and works.
    "client-cline-custom-arn-other-region.yaml": Example(
        principal=f"arn:aws:sts::{ACCOUNT}:assumed-role/ClineDevelopers/hana@example.com",
        kind="cline",
        version="4.0.12",
        region="eu-west-1",
        exit_code=1,
        verdict="invalid",
        client_codes=codes("ARN_REGION_MISMATCH"),
        calls=(
            Call(
                "act",
                ROO_ARN,
                "eu-west-1",
                "ConverseStream",
                "invalid",
                codes=codes("ARN_REGION_MISMATCH", "arn-region-mismatch"),
                error=INVALID_ID,
            ),
            Call("plan", f"eu.{SONNET_46}", "eu-west-1", "ConverseStream", "allowed"),
        ),
    ),
    # §3.1: the custom ARN's Region overrides awsRegion; the call goes to us-east-1 where the EU SCP denies the
    # application-profile hop (no eu. InferenceProfileArn): explicit SCP deny.
    "client-roo-code-custom-arn-moves-region.yaml": Example(
        principal=f"{EU_SSO}/ines@example.com",
        kind="roo-code",
        version="3.50.0",
        region="us-east-1",
        exit_code=1,
        verdict="denied",
        client_codes=codes("ROO_ARN_REGION_OVERRIDE"),
        client_absent=codes("ARN_REGION_MISMATCH"),
        calls=(
            Call(
                "main",
                ROO_ARN,
                "us-east-1",
                "ConverseStream",
                "denied",
                deny=Deny(ROO_ARN, "scp", EU_SCP_SID),
            ),
        ),
    ),
    # §3.1 AWS_INFERENCE_PROFILE_MAPPING: "ap-northeast-" → jp. for Seoul too (Roo #1); Sonnet 4 has no jp.
    # profile at all → 400 (legacy Cline would send apac., which Seoul offers).
    "client-roo-code-seoul-jp-prefix.yaml": Example(
        principal=f"arn:aws:sts::{ACCOUNT}:assumed-role/RooDevelopers/jisoo@example.com",
        kind="roo-code",
        version="3.50.0",
        region="ap-northeast-2",
        exit_code=1,
        verdict="invalid",
        client_codes=codes("PROFILE_GEO_MISMATCH", "MODEL_ID_REWRITTEN"),
        calls=(
            Call(
                "main",
                "jp.anthropic.claude-sonnet-4-20250514-v1:0",
                "ap-northeast-2",
                "ConverseStream",
                "invalid",
                codes=codes("PROFILE_GEO_MISMATCH", "unknown-model"),
                error=INVALID_ID,
            ),
        ),
    ),
    # §5.1 + S16: the id is sent verbatim; releases before the fix route it to invoke and raise
    # "Unknown provider=eu" client-side. Bedrock and IAM allow the call, so check reports a warning only.
    "client-litellm-prefix-unknown-provider.yaml": Example(
        principal=f"arn:aws:sts::{ACCOUNT}:assumed-role/litellm-proxy-task/7f3c9a1e2b4d4c6e8a0b1c2d3e4f5a6b",
        kind="litellm",
        version="1.60.0",
        region="eu-west-1",
        exit_code=0,
        verdict="allowed",
        client_codes=codes("LITELLM_PREFIX_PROVIDER_BUG"),
        calls=(
            Call(
                "claude-3-7-sonnet",
                "eu.anthropic.claude-3-7-sonnet-20250219-v1:0",
                "eu-west-1",
                "InvokeModelWithResponseStream",
                "allowed",
                codes=codes("LITELLM_PREFIX_PROVIDER_BUG"),
            ),
        ),
    ),
    # §5.1 Region order: aws_region_name beats AWS_REGION; misconfiguration #3: a us. entry with
    # aws_region_name eu-west-1 → 400. The eu. entry is fine. bedrock/converse/ → ConverseStream (proxy).
    "client-litellm-region-name-overrides-prefix.yaml": Example(
        principal=f"arn:aws:sts::{ACCOUNT}:assumed-role/litellm-proxy-task/7f3c9a1e2b4d4c6e8a0b1c2d3e4f5a6b",
        kind="litellm",
        version="1.109.1",
        region="eu-west-1",
        exit_code=1,
        verdict="invalid",
        client_codes=codes("PROFILE_GEO_MISMATCH", "MIXED_GEOGRAPHIES"),
        calls=(
            Call("claude-sonnet", f"eu.{SONNET_46}", "eu-west-1", "ConverseStream", "allowed"),
            Call(
                "claude-haiku",
                f"us.{HAIKU_45}",
                "eu-west-1",
                "ConverseStream",
                "invalid",
                codes=codes("PROFILE_GEO_MISMATCH", "profile-not-offered-in-region"),
                error=INVALID_ID,
            ),
        ),
    ),
    # §5.1: the Region comes from the ARN; releases before ARNs were forced onto Converse use the invoke route
    # (S15, #18258) and fail client-side; an SDK call does not stream. IAM allows the call.
    "client-litellm-app-profile-needs-converse.yaml": Example(
        principal=f"arn:aws:sts::{ACCOUNT}:assumed-role/reporting-batch/i-0fedcba9876543210",
        kind="litellm",
        version="1.74.0",
        region="us-east-1",
        exit_code=0,
        verdict="allowed",
        client_codes=codes("LITELLM_ARN_NEEDS_CONVERSE"),
        calls=(
            Call(
                "main",
                LITELLM_ARN,
                "us-east-1",
                "InvokeModel",
                "allowed",
                codes=codes("LITELLM_ARN_NEEDS_CONVERSE"),
            ),
        ),
    ),
    # §9: botocore reads AWS_DEFAULT_REGION and ignores AWS_REGION → us-east-1; eu. from us-east-1 → 400.
    "client-boto3-aws-region-ignored.yaml": Example(
        principal=f"arn:aws:sts::{ACCOUNT}:assumed-role/ml-ci-runner/GitLabRunner-42",
        kind="boto3",
        version="1.44.5",
        region="us-east-1",
        exit_code=1,
        verdict="invalid",
        client_codes=codes("BOTO3_AWS_REGION_IGNORED", "PROFILE_GEO_MISMATCH"),
        calls=(
            Call(
                "main",
                f"eu.{SONNET_46}",
                "us-east-1",
                "Converse",
                "invalid",
                codes=codes("profile-not-offered-in-region"),
                error=INVALID_ID,
            ),
        ),
    ),
    # §10 (≤ 0.125): AWS_REGION ‖ boto3.Session() of the *default* profile (us-east-1) ‖ us-east-1; aws_profile
    # only picks the credentials ([dev] temporary keys) → eu. from us-east-1 → 400.
    "client-anthropic-sdk-profile-region-ignored.yaml": Example(
        principal=f"arn:aws:sts::{ACCOUNT}:assumed-role/support-summarizer/botocore-session-1763630100",
        kind="anthropic-sdk",
        version="0.125.0",
        region="us-east-1",
        exit_code=1,
        verdict="invalid",
        client_codes=codes("ANTHROPIC_SDK_PROFILE_REGION_IGNORED", "PROFILE_GEO_MISMATCH"),
        extra={"principal_hints": {"aws_profile": "dev"}},
        calls=(
            Call(
                "main",
                f"eu.{SONNET_46}",
                "us-east-1",
                "InvokeModel",
                "invalid",
                codes=codes("profile-not-offered-in-region"),
                error=INVALID_ID,
            ),
        ),
    ),
    # §4: each entry stands alone; no env.region → us-east-1 (#1). Embeddings use InvokeModel without apiBase
    # (so no "undefined" endpoint); the direct model call in us-east-1 is denied by the EU SCP.
    "client-continue-embed-region-defaulted.yaml": Example(
        principal=f"{EU_SSO}/karl@example.com",
        kind="continue",
        version="1.2.0",
        region="eu-west-1",
        exit_code=1,
        verdict="denied",
        client_codes=codes("REGION_DEFAULTED", "ROLE_REGION_DIFFERS"),
        client_absent=codes("CONTINUE_UNDEFINED_ENDPOINT"),
        calls=(
            Call("chat,edit,apply", f"eu.{SONNET_46}", "eu-west-1", "ConverseStream", "allowed"),
            Call(
                "embed",
                "amazon.titan-embed-text-v2:0",
                "us-east-1",
                "InvokeModel",
                "denied",
                codes=codes("REGION_DEFAULTED"),
                deny=Deny(
                    "arn:aws:bedrock:us-east-1::foundation-model/amazon.titan-embed-text-v2:0",
                    "scp",
                    EU_SCP_SID,
                ),
            ),
        ),
    ),
}


def run_check(capsys: pytest.CaptureFixture[str], path: Path, fmt: str = "json") -> tuple[int, str]:
    code = main(["check", str(path), "--format", fmt])
    out = capsys.readouterr()
    assert "Traceback" not in out.err
    return code, out.out + out.err


def check_json(capsys: pytest.CaptureFixture[str], path: Path) -> tuple[int, dict[str, Any]]:
    code, text = run_check(capsys, path)
    return code, json.loads(text)


def action_for(operation: str) -> str:
    return STREAM if operation in ("InvokeModelWithResponseStream", "ConverseStream") else INVOKE


# --------------------------------------------------------------------------------------------------
# The list of examples


def test_every_client_example_is_listed_and_exists() -> None:
    on_disk = sorted(p.name for p in EXAMPLES.glob("client-*.yaml"))
    assert on_disk == sorted(CLIENT_EXAMPLE_FILES)
    assert set(EXPECTED) == set(CLIENT_EXAMPLE_FILES)


@pytest.mark.parametrize("name", CLIENT_EXAMPLE_FILES)
def test_example_header_tells_the_story_and_cites_sources(name: str) -> None:
    lines = (EXAMPLES / name).read_text(encoding="utf-8").splitlines()
    header = []
    for line in lines:
        if not line.startswith("#"):
            break
        header.append(line)
    assert 2 <= len(header) <= 4, header
    text = " ".join(header)
    assert "clients.md" in text
    assert re.search(r"#\d+|S\d+|docs", text), "cite a public issue, a failure-catalogue scenario or a doc"


# --------------------------------------------------------------------------------------------------
# Each example through `check --format json`


@pytest.mark.parametrize("name", CLIENT_EXAMPLE_FILES)
def test_client_example_through_check(name: str, capsys: pytest.CaptureFixture[str]) -> None:
    want = EXPECTED[name]
    code, doc = check_json(capsys, EXAMPLES / name)
    assert code == want.exit_code
    if want.verdict is not None:
        assert doc["verdict"] == want.verdict
    assert doc["principal"] == want.principal
    assert doc["policies_known"] is True

    [client] = doc["clients"]
    assert client["kind"] == want.kind
    assert client["version"] == want.version
    assert client["region"] == want.region
    client_codes = {f["code"] for f in client["findings"]}
    assert want.client_codes <= client_codes, want.client_codes - client_codes
    assert not (want.client_absent & client_codes), want.client_absent & client_codes
    for key, value in want.extra.items():
        if isinstance(value, dict):
            assert {k: client[key].get(k) for k in value} == value
        else:
            assert client[key] == value

    assert [(i["role"], i["model"], i["source_region"]) for i in doc["invocations"]] == [
        (c.role, c.model, c.region) for c in want.calls
    ]
    for got, call in zip(doc["invocations"], want.calls, strict=True):
        label = got["label"]
        assert got["operation"] == call.operation, label
        assert got["action"] == action_for(call.operation), label
        assert got["auth"] == call.auth, label
        assert got["endpoint"] == call.endpoint, label
        if call.verdict is not None:
            assert got["verdict"] == call.verdict, label
        got_codes = {f["code"] for f in got["findings"]}
        assert call.codes <= got_codes, (label, call.codes - got_codes)
        assert not (call.absent & got_codes), (label, call.absent & got_codes)
        error = got["predicted_error"]
        if call.verdict == "allowed":
            assert error is None, label
            assert got["denied_regions"] == [], label
        if call.error is not None:
            assert call.verdict == "invalid"
            assert error["code"] == "ValidationException" and error["http_status"] == 400, label
            assert error["message"] == call.error, label
            assert error["client_text"] == (
                f"An error occurred (ValidationException) when calling the {call.operation} operation: "
                f"{call.error}"
            ), label
        if call.deny is not None:
            assert call.verdict == "denied"
            blocking = next(c for c in got["checks"] if c["decision"] != "Allowed")
            assert blocking["resource"] == call.deny.resource, label
            assert blocking["decision"] == "ExplicitlyDenied", label
            [decider] = blocking["decided_by"]
            assert (decider["type"], decider["sid"], decider["effect"]) == (
                call.deny.layer,
                call.deny.sid,
                "Deny",
            )
            assert error["code"] == "AccessDeniedException" and error["http_status"] == 403, label
            assert error["message"] == (
                f"User: {want.principal} is not authorized to perform: {action_for(call.operation)} on resource: "
                f"{call.deny.resource} with an explicit deny in {EXPLICIT[call.deny.layer]}"
            ), label


@pytest.mark.parametrize("name", CLIENT_EXAMPLE_FILES)
def test_client_example_text_output(name: str, capsys: pytest.CaptureFixture[str]) -> None:
    want = EXPECTED[name]
    code, text = run_check(capsys, EXAMPLES / name, "text")
    assert code == want.exit_code
    assert f"Client {want.kind} {want.version}" in text
    for call in want.calls:
        assert call.model in text
    for finding in want.client_codes:
        assert f"[{finding}]" in text
    if want.verdict is not None:
        assert f"Verdict: {want.verdict}" in text


def test_origins_name_the_misconfigured_setting(capsys: pytest.CaptureFixture[str]) -> None:
    # The report must point at the setting to change, not just at the symptom.
    _, doc = check_json(capsys, EXAMPLES / "client-claude-code-small-fast-region-outside-eu.yaml")
    background = next(i for i in doc["invocations"] if i["role"] == "background")
    assert "client.env ANTHROPIC_SMALL_FAST_MODEL_AWS_REGION" in background["origin"]["region"]
    assert "client.env ANTHROPIC_DEFAULT_HAIKU_MODEL" in background["origin"]["model"]
    _, doc = check_json(capsys, EXAMPLES / "client-roo-code-custom-arn-moves-region.yaml")
    assert "Region parsed from the ARN" in doc["invocations"][0]["origin"]["region"]
    _, doc = check_json(capsys, EXAMPLES / "client-claude-code-aws-config-region-ignored.yaml")
    [client] = doc["clients"]
    ignored = next(f for f in client["findings"] if f["code"] == "CC_AWS_CONFIG_REGION_IGNORED")
    assert "[profile eu-sso] region" in ignored["origin"] and "eu-central-1" in ignored["message"]


# --------------------------------------------------------------------------------------------------
# Secrets


_KEY_LIKE = re.compile(r"^(AKIA|ASIA|ABSK|bedrock-api-key-)|^[A-Za-z0-9/+=]{40,}$")


def _secrets_of(path: Path) -> set[str]:
    """Key-like values in an example's client env and settings, and the keys of its credentials file."""
    doc = YAML(typ="safe").load(path.read_text(encoding="utf-8"))
    client = doc.get("client") or {}
    found: set[str] = set()

    def walk(value: Any) -> None:
        if isinstance(value, str) and _KEY_LIKE.search(value.strip()):
            found.add(value.strip())
        elif isinstance(value, dict):
            for item in value.values():
                walk(item)
        elif isinstance(value, list):
            for item in value:
                walk(item)

    walk(client.get("env") or {})
    walk(client.get("settings") or {})
    credentials = client.get("aws_credentials")
    if credentials:
        for line in (path.parent / credentials).read_text(encoding="utf-8").splitlines():
            key, sep, value = line.partition("=")
            if sep and key.strip() in ("aws_access_key_id", "aws_secret_access_key", "aws_session_token"):
                found.add(value.strip())
    return found


def test_no_example_secret_reaches_text_or_json(capsys: pytest.CaptureFixture[str]) -> None:
    with_secrets = {name: _secrets_of(EXAMPLES / name) for name in CLIENT_EXAMPLE_FILES}
    with_secrets = {name: secrets for name, secrets in with_secrets.items() if secrets}
    # The short-term API key in client.env and the [dev]/[default] keys of the credentials stand-in.
    assert "client-claude-code-short-term-key-other-region.yaml" in with_secrets
    assert "client-anthropic-sdk-profile-region-ignored.yaml" in with_secrets
    for name, secrets in with_secrets.items():
        for fmt in ("text", "json"):
            _, out = run_check(capsys, EXAMPLES / name, fmt)
            assert out.strip()
            for secret in secrets:
                body = secret.removeprefix("bedrock-api-key-")  # the prefix alone is no secret
                assert secret not in out, (name, fmt)
                assert body[:12] not in out and body[-12:] not in out, (name, fmt)


def test_short_term_key_is_described_not_shown(capsys: pytest.CaptureFixture[str]) -> None:
    _, doc = check_json(capsys, EXAMPLES / "client-claude-code-short-term-key-other-region.yaml")
    [client] = doc["clients"]
    assert client["credential_source"].startswith("short-term Bedrock API key, generated for us-east-1 from ")
    assert client["principal_hints"]["credential_kind"] == "bedrock-api-key (short-term)"


# --------------------------------------------------------------------------------------------------
# Behaviours that were src bugs when the examples were written (each fixed; the test keeps them fixed)


def _scenario(tmp_path: Path, body: str) -> Path:
    path = tmp_path / "scenario.yaml"
    path.write_text(body.replace("POLICIES/", f"{EXAMPLES / 'policies'}/"), encoding="utf-8")
    return path


_ENDPOINT_OTHER_REGION = """\
principal: arn:aws:sts::111122223333:assumed-role/ml-ci-runner/GitLabRunner-42
identity_policies:
  - {name: BedrockInvokeAnthropic, file: POLICIES/bedrock-invoke-anthropic.json}
client:
  kind: boto3
  version: "1.44.5"
  env:
    AWS_DEFAULT_REGION: eu-west-1
    AWS_ENDPOINT_URL_BEDROCK_RUNTIME: https://vpce-0a1b2c3d4e5f67890-k2v9x7qe.bedrock-runtime.us-east-1.vpce.amazonaws.com
  settings:
    model: eu.anthropic.claude-sonnet-4-6
"""

_SKIP_AUTH_WITHOUT_GATEWAY = """\
principal: arn:aws:sts::111122223333:assumed-role/ClaudeCodeDeveloper/ivan@example.com
identity_policies:
  - {name: BedrockInvokeAnthropic, file: POLICIES/bedrock-invoke-anthropic.json}
client:
  kind: claude-code
  version: "2.1.250"
  env:
    CLAUDE_CODE_USE_BEDROCK: "1"
    AWS_REGION: us-east-1
    ANTHROPIC_MODEL: us.anthropic.claude-sonnet-4-6
    CLAUDE_CODE_SKIP_BEDROCK_AUTH: "1"
"""


@pytest.mark.parametrize(
    ("source", "code", "roles"),
    [
        (
            "client-claude-code-short-term-key-other-region.yaml",
            "BEARER_REGION_MISMATCH",
            {"background", "haiku"},
        ),
        (_ENDPOINT_OTHER_REGION, "ENDPOINT_REGION_MISMATCH", {"main"}),
        (_SKIP_AUTH_WITHOUT_GATEWAY, "CC_SKIP_AUTH_WITHOUT_GATEWAY", {"main", "background", "subagent"}),
    ],
    ids=[
        "short-term-key-other-region",
        "boto3-vpce-endpoint-other-region",
        "claude-code-skip-auth-no-gateway",
    ],
)
def test_client_403_findings_decide_the_verdict(
    source: str, code: str, roles: set[str], tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    # §0: a short-term key works only in its Region; §9 #4: SigV4 scoped to another Region than the endpoint's;
    # §1.1: unsigned requests straight to AWS. AWS refuses each of these calls with a 403.
    path = EXAMPLES / source if source.endswith(".yaml") else _scenario(tmp_path, source)
    exit_code, doc = check_json(capsys, path)
    assert exit_code == 1
    [client] = doc["clients"]
    assert code in {f["code"] for f in client["findings"] if f["severity"] == "error"}
    assert roles <= {i["role"] for i in doc["invocations"]}
    assert doc["verdict"] == "denied"
    for inv in doc["invocations"]:
        if inv["role"] in roles:
            assert inv["verdict"] == "denied", inv["label"]
            assert inv["predicted_error"] is not None and inv["predicted_error"]["http_status"] == 403


def test_vpc_endpoint_client_is_evaluated_without_source_ip(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    body = (EXAMPLES / "client-claude-code-vpc-endpoint-ip-allow-list.yaml").read_text(encoding="utf-8")
    body = body.replace("file: policies/", "file: POLICIES/")
    body = body.replace(
        "  vpc_endpoint: vpce-0a1b2c3d4e5f67890\n  vpc_source_ip: 10.20.30.40\n",
        "  source_ip: 203.0.113.10\n",
    )
    assert "source_ip: 203.0.113.10" in body
    _, doc = check_json(capsys, _scenario(tmp_path, body))
    [client] = doc["clients"]
    assert "VPC_ENDPOINT" in {f["code"] for f in client["findings"]}
    # Through the endpoint AWS leaves aws:SourceIp out (S19), whatever the office address is: denied, or an
    # input error for the contradictory network section.
    assert {i["verdict"] for i in doc["invocations"]} == {"denied"}


def run_fix(capsys: pytest.CaptureFixture[str], path: Path) -> tuple[int, dict[str, Any]]:
    code = main(["fix", str(path), "--format", "json"])
    out = capsys.readouterr()
    assert "Traceback" not in out.err
    return code, json.loads(out.out)


def test_fix_client_model_proof_passes_or_names_the_client_errors(capsys: pytest.CaptureFixture[str]) -> None:
    _, report = run_fix(capsys, EXAMPLES / "client-boto3-aws-region-ignored.yaml")
    alt = next(a for a in report["alternatives"] if a["name"] == "client-model")
    fixed = alt["proof"]["fixed"]
    assert fixed["fixed"] == fixed["targets"] == 1 and fixed["regressions"] == []
    assert fixed["passed"] or fixed.get("client_errors"), fixed


def test_fix_client_settings_use_the_clients_own_vocabulary(capsys: pytest.CaptureFixture[str]) -> None:
    _, report = run_fix(capsys, EXAMPLES / "client-boto3-aws-region-ignored.yaml")
    alt = next(a for a in report["alternatives"] if a["name"] == "client-model")
    assert alt["client_settings"]["pins"][0]["label"] == "boto3 main"
    assert "claude_code" not in alt["client_settings"]


def test_fix_approving_unspecified_shows_the_widening(capsys: pytest.CaptureFixture[str]) -> None:
    _, report = run_fix(capsys, EXAMPLES / "client-cline-global-toggle-eu-scp.yaml")
    alt = next(a for a in report["alternatives"] if a["name"] == "approve-regions")
    assert alt["widens_by_design"] is True
    assert alt["proof"]["unchanged"]["widened"], "a change that widens by design must show it in the proof"


def test_fix_written_client_model_scenario_passes_check(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    out = tmp_path / "out"
    assert main(["fix", str(EXAMPLES / "client-cline-global-toggle-eu-scp.yaml"), "--out", str(out)]) == 0
    report = json.loads((out / "fix.json").read_text(encoding="utf-8"))
    alt = next(a for a in report["alternatives"] if a["name"] == "client-model")
    assert alt["status"] == "proven"
    capsys.readouterr()
    assert main(["check", str(out / "client-model" / "scenario.yaml")]) == 0
