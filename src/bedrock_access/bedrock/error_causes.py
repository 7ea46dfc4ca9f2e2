"""The one table of errors that are not (only) an IAM decision: how to recognise each, and what it means.

Each :class:`Cause` row holds everything about one cause, written once: its code, its kind, the
lower-case texts (markers) that identify it in a paste, the exception that alone carries it, the HTTP
statuses that mean it when nothing else does, its explanation and its fixes, and the topics on which
clients have advice of their own (see :data:`ADVICE_TOPICS`; the advice itself lives in
:mod:`bedrock_access.clients.advice`, because this package knows nothing of clients).

:mod:`bedrock_access.bedrock.error_scan` reads the recognition columns,
:mod:`bedrock_access.bedrock.error_explain` the explanation columns. Row order is the scanning order:
the first cause whose marker is in the text wins, so more specific causes come first.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from types import MappingProxyType
from typing import Literal

from bedrock_access.bedrock.errors import ACCESS_DENIED, VALIDATION

Kind = Literal["access-denied", "validation", "throttling", "credentials", "model-access", "other"]

NonIamCause = str
"""A cause code: the ``code`` of one row of :data:`CAUSES`."""

ADVICE_TOPICS: Mapping[str, str] = MappingProxyType(
    {
        "refresh-credentials": "how a client refreshes expired temporary credentials by itself",
        "api-key-setting": "where a client takes an API key from, and when it must not get one",
        "prompt-caching-off": "how to turn off a client's prompt caching",
        "profile-arn-route": "how a client must call inference profile ARNs",
        "pin-geographic-profile": "how to pin a client's model ids to geographic profiles",
        "background-models": "which model ids a client uses besides the main one, and where to pin them",
        "region-setting": "where a client takes its AWS Region from",
    }
)
"""Topics on which a client may have advice of its own, joined to explanations above this package."""


@dataclass(frozen=True, slots=True)
class Cause:
    """One non-IAM cause.

    ``cause`` and ``fixes`` are :meth:`str.format` templates with the fields ``model`` (the model id, or
    "the model" when the paste does not show it), ``Model`` (the same, for the start of a sentence),
    ``profile_examples`` (`` e.g. us.ID, eu.ID or global.ID`` or empty), ``region_called`` (the
    Region of the endpoint, or "the Region called"), ``endpoint_of`` (`` of REGION`` or empty), ``prefix_note`` (a sentence about the
    id's profile prefix, or empty) and ``caller`` (a sentence naming the caller, or empty).
    ``error_code`` is filled in as the exception when the text names none (only for messages a single
    exception carries); ``statuses`` are HTTP statuses that mean this cause when no marker is found.
    """

    code: NonIamCause
    kind: Kind
    markers: tuple[str, ...]
    cause: str
    fixes: tuple[str, ...]
    error_code: str | None = None
    statuses: tuple[int, ...] = ()
    advice: tuple[str, ...] = ()
    reaches_aws: bool = (
        True  # False: no request reached AWS, so this is the root of other errors pasted with it
    )


CAUSES: tuple[Cause, ...] = (
    Cause(
        "marketplace-agreement-pending",
        "model-access",
        (
            "mpagreementbeingcreated",
            "subscription for this model is still being processed",
            "marketplace agreement pending",
        ),
        "The AWS Marketplace subscription for this model is still being set up (this can take up to about "
        "15 minutes); if it failed instead, the account's payment method or location blocked it.",
        (
            "Wait a few minutes and retry.",
            "If it does not clear, check the account's payment method and the model's Marketplace agreement.",
        ),
    ),
    Cause(
        "marketplace-subscription",
        "model-access",
        (
            "required aws marketplace actions",
            "aws-marketplace:",
            "marketplace agreement failed",
            "model access is denied due to",
        ),
        "The first call to this third-party model in the account triggers an AWS Marketplace subscription "
        "made with the caller's permissions, and the caller may not subscribe (aws-marketplace:Subscribe "
        "and ViewSubscriptions), or an SCP denies aws-marketplace actions. Until the model is enabled once, "
        "every call fails this way.{caller}",
        (
            "Have an administrator enable the model once (console, or one call by a role that may "
            "subscribe); after that every role in the account can invoke it.",
            "Do not give runtime roles Marketplace permissions; if unavoidable, restrict them with "
            "aws:CalledViaLast = bedrock.amazonaws.com.",
            "Check SCPs for denies on aws-marketplace:*.",
        ),
        error_code=ACCESS_DENIED,
    ),
    Cause(
        "use-case-form",
        "model-access",
        ("ftuformnotfilled", "use case details", "use-case details", "use case form", "use-case form"),
        "Anthropic models need a one-time use-case submission for the account (or once in the "
        "organization's management account, inherited by member accounts); it has not been made.",
        (
            "Submit the Anthropic use-case details in the Amazon Bedrock console (or with "
            "PutUseCaseForModelAccess), then retry.",
        ),
    ),
    Cause(
        "legacy-model",
        "model-access",
        ("marked by provider as legacy",),
        "The provider has marked the model Legacy, and accounts that have not used it in the last 15 days "
        "lose access. This is not an IAM problem.",
        ("Move to a current model version and pin it in the client's settings.",),
    ),
    Cause(
        "no-model-access",
        "model-access",
        (
            "don't have access to the model",
            "don\u2019t have access to the model",
            "do not have access to the model",
        ),
        "The account cannot use {model} in {region_called}: the model is not offered there, or access to "
        "it has not been enabled for the account (Marketplace subscription, use-case form).",
        (
            "Check that the model is offered in that Region (aws bedrock list-foundation-models).",
            "Enable the model for the account, in every Region a profile can route it to.",
            "A model blocked by IAM or an SCP stays blocked after enabling: check those too.",
            "If the same credentials work elsewhere, check which model id and Region this client really "
            "sends: clients call background models besides the main one and read the Region from their own "
            "settings.",
        ),
        error_code=ACCESS_DENIED,
        advice=("background-models", "region-setting"),
    ),
    Cause(
        "account-not-authorized",
        "model-access",
        ("account is not authorized to invoke this api operation",),
        "Bedrock refuses the account rather than the caller's policies: the account is not enabled for "
        "this operation or model (new or restricted accounts, or model access not granted). The same text "
        "is reported as AccessDeniedException in some sources and ValidationException in others.",
        (
            "Check model access and quotas for the account in the Bedrock console.",
            "If nothing is missing, ask AWS Support to enable the account.",
        ),
    ),
    Cause(
        "account-operation-not-allowed",
        "model-access",
        ("operation not allowed",),
        'Bedrock refuses the account itself ("Operation not allowed"): an account-level block, typically on a '
        "new account still under verification or one AWS has restricted (billing, payment method, fraud "
        "review). It is not an IAM decision: every model and every caller in the account get the same answer, "
        "in the console playground too.",
        (
            "Check the account's billing and payment method, then open an AWS Support case (account and billing "
            "support is free) asking to enable Amazon Bedrock for the account.",
            "Changing IAM policies or enabling model access will not help until the block is lifted.",
        ),
        error_code=VALIDATION,
    ),
    Cause(
        "not-available-for-account",
        "model-access",
        ("is not available for this account", "badcscoreexception", "not authorized to access this model"),
        "Bedrock says {model} is not available for this account: an account-level restriction (the account's "
        "standing, or a model the provider offers only to some accounts or geographies), not an IAM decision.",
        (
            "Open an AWS Support case for the account; IAM changes do not lift this.",
            "Meanwhile use a model that the account can use (aws bedrock list-foundation-models shows what the "
            "Region offers).",
        ),
    ),
    Cause(
        "data-retention-required",
        "validation",
        ("data retention mode",),
        "{Model} can only be invoked when the account (or Bedrock project) has opted in to a data retention "
        "mode that this model requires; the request itself is fine. This is an account setting, not IAM.",
        (
            "An administrator sets the required data retention mode for the account (Bedrock console, or "
            "bedrock:PutAccountDataRetention), then retry.",
            "Or use another model.",
        ),
        error_code=VALIDATION,
    ),
    Cause(
        "streaming-not-supported",
        "validation",
        ("unsupported for streaming", "doesn't support streaming", "does not support streaming"),
        "{Model} cannot be called with a streaming operation (ConverseStream / "
        "InvokeModelWithResponseStream); the client streams by default. This is not an IAM problem.",
        ("Turn streaming off for this model in the client, or use a model that supports streaming.",),
        error_code=VALIDATION,
    ),
    Cause(
        "max-tokens-limit",
        "validation",
        ("maximum tokens you requested exceed",),
        "The request asks for more output tokens than {model} allows on Bedrock (the limit there can be lower "
        "than the provider's own API). This is not an IAM problem.",
        ("Lower the client's max tokens setting for this model, or choose a model with a higher limit.",),
        error_code=VALIDATION,
    ),
    Cause(
        "malformed-request",
        "validation",
        ("malformed input request",),
        "Bedrock rejected the request body: it does not match what {model} expects (for example a required "
        "field such as max_tokens or messages is missing, or a body written for another model family or API "
        "was sent). This is not an IAM problem.",
        (
            "Check the body the client builds for this model (the model's request format, or use the Converse "
            "API), or update the client.",
        ),
        error_code=VALIDATION,
    ),
    Cause(
        "prompt-caching",
        "validation",
        ("did not allow prompt caching",),
        "The request asked for prompt caching, which this model, or this way of calling it, does not "
        "support. This is not an IAM problem.",
        ("Turn prompt caching off in the client, or use a model that supports it.",),
        advice=("prompt-caching-off",),
    ),
    Cause(
        "on-demand-not-supported",
        "validation",
        (
            "with on-demand throughput isn't",
            "with on-demand throughput isn\u2019t",
            "on-demand throughput is not",
            "support on-demand throughput",
        ),
        "{Model} has no on-demand capacity of its own: it runs only through an inference profile (or "
        "Provisioned Throughput). Bedrock rejects the bare model id before any IAM check.",
        (
            "Call a cross-Region inference profile instead{profile_examples}, choosing one offered in your "
            "source Region.",
            "Then allow the profile ARN and the foundation model in each of its destination Regions in IAM, "
            "and check SCP Region denies for those Regions.",
        ),
        error_code=VALIDATION,
    ),
    Cause(
        "invalid-model-id",
        "validation",
        ("provided model identifier is invalid",),
        "The bedrock-runtime endpoint of the Region called does not know this model identifier. Usual "
        "reasons: a geographic profile prefix that does not serve that Region (a us. id sent to an EU "
        "Region), a typo or missing prefix, a model not offered there, or a client sending an application "
        "inference profile ARN down a route that does not accept it.{prefix_note}",
        (
            "List the profiles and models of the Region you call (aws bedrock list-inference-profiles "
            "--region REGION) and use an id from that list.",
            "Check the Region each client call uses: background, subagent and small/fast models may use "
            "other ids or Regions than the main model.",
        ),
        error_code=VALIDATION,
        advice=("profile-arn-route", "background-models", "region-setting"),
    ),
    Cause(
        "expired-token",
        "credentials",
        (
            "security token included in the request is expired",
            "expiredtoken",
            "token has expired",
            "session associated with this profile has expired",
        ),
        "The temporary credentials the client signed with (an STS or SSO session) have expired. Bedrock "
        "rejects the request before evaluating any policy; clients that do not refresh keep failing.",
        (
            "Refresh the credentials (aws sso login, or re-run the command that produced them) and retry.",
            "Let the client refresh on its own: a credential_process profile, or the client's own refresh "
            "setting.",
            "Use longer sessions where the role's maximum session duration allows.",
        ),
        advice=("refresh-credentials",),
    ),
    Cause(
        "invalid-token",
        "credentials",
        (
            "security token included in the request is invalid",
            "unrecognizedclientexception",
            "invalidclienttokenid",
            "session token not found or invalid",
        ),
        "AWS does not recognise the credentials: the access key or session token is wrong, truncated or "
        "from another account or partition, or temporary keys are sent without their session token. A "
        "client that cannot resolve an SSO or role-chaining profile may fall back to stale keys.",
        (
            "Check what the client really uses: run aws sts get-caller-identity with the same environment "
            "and profile.",
            "Remove stale AWS_ACCESS_KEY_ID / AWS_SECRET_ACCESS_KEY / AWS_SESSION_TOKEN from the "
            "environment: environment keys win over AWS_PROFILE.",
            "For SSO or chained profiles the client cannot read, use credential_process = aws configure "
            "export-credentials --profile NAME, or upgrade the client.",
        ),
    ),
    Cause(
        "invalid-api-key",
        "credentials",
        (
            "invalid api key format",
            "api key was rejected",
            "please make sure your api key is valid",
            "invalid bearer token",
        ),
        "The client sent a bearer token that Bedrock does not accept as an API key: not a Bedrock key, "
        "expired (short-term keys last at most 12 hours), revoked, or a short-term key used outside the "
        "Region that generated it. A client may also send something else than the key you set (an old key it "
        "saved, an Anthropic API key, or a placeholder) or send it to another Region.",
        (
            "Check AWS_BEARER_TOKEN_BEDROCK and the client's API key setting: replace the key with a valid "
            "one for this Region, or unset it to use IAM credentials.",
            "Test the key outside the client (curl with Authorization: Bearer against the same Region); if it "
            "works there, the client sends another value or Region.",
        ),
        advice=("api-key-setting",),
    ),
    Cause(
        "missing-authorization",
        "credentials",
        ("authorization header is missing", "missing authentication token"),
        "The request reached Bedrock with neither a SigV4 signature nor a usable bearer token: the client "
        "skipped AWS signing (or an API key setting is empty), or a proxy dropped the header.",
        (
            "Give the client credentials: a Bedrock API key in AWS_BEARER_TOKEN_BEDROCK, or remove the "
            "setting that skips AWS authentication so requests are signed.",
            "Upgrade the client if a release note mentions this error.",
        ),
    ),
    Cause(
        "no-credentials",
        "credentials",
        (
            "could not load credentials from any providers",
            "unable to locate credentials",
            "nocredentialserror",
            "credentialsprovidererror",
        ),
        "The client found no AWS credentials, so no request was sent. Clients differ in where they look "
        "(some read only ~/.aws/credentials); on EC2 or EKS, a container behind an IMDSv2 hop limit of 1 "
        "cannot reach the instance role.",
        (
            "Provide credentials to the process that calls Bedrock (AWS_PROFILE, exported keys, or a role).",
            "On EC2/EKS containers raise the instance metadata hop limit to 2, or use task or pod roles.",
        ),
        advice=("api-key-setting",),
        reaches_aws=False,
    ),
    Cause(
        "clock-skew",
        "credentials",
        ("signature expired", "requestexpired", "requesttimetooskewed"),
        "The signed request's time is too far from AWS's clock (more than about five minutes).",
        ("Synchronise the machine's clock (NTP) and retry.",),
    ),
    Cause(
        "invalid-signature",
        "credentials",
        (
            "signaturedoesnotmatch",
            "request signature we calculated does not match",
            "incompletesignature",
            "invalidsignatureexception",
            "credential should be scoped to a valid region",
        ),
        "AWS could not verify the request signature: the secret key does not belong to the access key, or "
        "the request was signed for another Region or service than the endpoint it was sent to (for "
        "example a VPC endpoint URL of one Region with the client set to another).",
        (
            "Check the secret access key paired with the access key id.",
            "Make the client's Region match the endpoint URL it uses.",
        ),
    ),
    Cause(
        "throttling",
        "throttling",
        (
            "throttlingexception",
            "too many requests",
            "too many tokens",
            "rate exceeded",
            "servicequotaexceeded",
        ),
        "Bedrock throttled the request: a quota (requests or tokens per minute) for this model in this "
        "Region is used up. This is not an access problem.",
        (
            "Retry with backoff.",
            "Spread load with a cross-Region inference profile.",
            "Ask for a higher quota in Service Quotas.",
        ),
        statuses=(429,),
    ),
    Cause(
        "model-overloaded",
        "throttling",
        ("overloaded_error", "overloaded"),
        "The model is temporarily overloaded. This is not an access problem.",
        ("Retry later, or use a cross-Region inference profile to reach more capacity.",),
        statuses=(529,),
    ),
    Cause(
        "service-unavailable",
        "throttling",
        ("serviceunavailable", "service unavailable"),
        "Bedrock was temporarily unavailable. This is not an access problem.",
        ("Retry with backoff; check the AWS Health Dashboard if it persists.",),
        statuses=(503,),
    ),
    Cause(
        "no-endpoint",
        "other",
        (
            "could not connect to the endpoint url",
            "endpointconnectionerror",
            "enotfound bedrock-runtime",
            "name or service not known",
            "nodename nor servname provided",
        ),
        "The client could not connect to the bedrock-runtime endpoint{endpoint_of}. Usually the Region has "
        "no Amazon Bedrock runtime endpoint or its name is mistyped, or a custom endpoint or proxy setting "
        "points somewhere unreachable. No request reached AWS, so no policy was evaluated.",
        (
            "Call a Region where Amazon Bedrock runtime is available.",
            "Check custom endpoint settings (AWS_ENDPOINT_URL_BEDROCK_RUNTIME, the client's endpoint option).",
        ),
        advice=("region-setting",),
        reaches_aws=False,
    ),
    Cause(
        "region-missing",
        "other",
        (
            "you must specify a region",
            "noregionerror",
            "region is missing",
            "aws_region is a required environment variable",
            "no aws region was provided",
        ),
        "The client could not determine which Region to call. Clients read the Region from different places "
        "(AWS_REGION, AWS_DEFAULT_REGION, the profile's region), and some ignore ~/.aws/config.",
        ("Set AWS_REGION explicitly for the client, and its own Region setting if it has one.",),
        advice=("region-setting",),
        reaches_aws=False,
    ),
    Cause(
        "unknown-provider",
        "other",
        ("unknown provider=", "unsupported model provider", "model does not support chat"),
        "The client library could not tell which model provider the id belongs to: older releases do not "
        "understand profile prefixes (us., eu., apac. ...) or application inference profile ARNs. The "
        "request never reached AWS.",
        ("Upgrade the client library.", "Set the provider explicitly where the client allows it."),
        advice=("profile-arn-route",),
        reaches_aws=False,
    ),
)

CAUSE_CODES: tuple[NonIamCause, ...] = tuple(cause.code for cause in CAUSES)

CAUSE_BY_CODE: Mapping[NonIamCause, Cause] = MappingProxyType({cause.code: cause for cause in CAUSES})
