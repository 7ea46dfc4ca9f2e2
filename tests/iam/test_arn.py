"""Resource ARN matching: six colon-separated segments matched one by one, trailing-``*`` spill-over.

Rules: RESOURCE "Using wildcards in resource ARNs"; ARNS (format); iam-evaluation.md §2.2.
"""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from bedrock_access.iam import PolicySet
from bedrock_access.iam.arn import Substituted, arn_match, compile_arn_atoms, parse_arn
from bedrock_access.iam.wildcard import STAR, Literal

from ._support import ACCOUNT, FM, PROFILE, allow, decide, policy

GLOBAL_FM = "arn:aws:bedrock:::foundation-model/anthropic.claude-3-haiku-20240307-v1:0"


# --- parsing ---------------------------------------------------------------------------------


def test_resource_part_is_everything_after_the_fifth_colon() -> None:
    """ARNS: arn:partition:service:region:account-id:resource-type:resource-id — the resource part
    may itself contain colons and slashes.
    https://docs.aws.amazon.com/IAM/latest/UserGuide/reference-arns.html"""
    arn = parse_arn(FM)
    assert arn is not None
    assert (arn.partition, arn.service, arn.region, arn.account) == ("aws", "bedrock", "us-east-1", "")
    assert arn.resource == "foundation-model/anthropic.claude-3-haiku-20240307-v1:0"
    assert arn.resource_type == "foundation-model"
    assert str(arn) == FM


def test_resource_type_before_a_colon() -> None:
    """ARNS: resource-type:resource-id is the other separator form.
    https://docs.aws.amazon.com/IAM/latest/UserGuide/reference-arns.html"""
    arn = parse_arn("arn:aws:sns:us-east-1:111122223333:topic:sub")
    assert arn is not None and arn.resource_type == "topic"


@pytest.mark.parametrize("text", ["arn:aws:s3", "urn:aws:s3:::b", "arn::s3:::b", "arn:aws::::b", "*", ""])
def test_malformed_arns_do_not_parse(text: str) -> None:
    """ARNS: an ARN has the literal prefix ``arn``, a partition, a service and six parts.
    https://docs.aws.amazon.com/IAM/latest/UserGuide/reference-arns.html"""
    assert parse_arn(text) is None


def test_six_parts_with_an_empty_resource_still_parse() -> None:
    """ARNS: the six-part shape is what makes an ARN; an empty resource part is still one.
    https://docs.aws.amazon.com/IAM/latest/UserGuide/reference-arns.html"""
    parsed = parse_arn("arn:aws:s3:::")
    assert parsed is not None and parsed.resource == ""


# --- segment-wise matching -------------------------------------------------------------------


@pytest.mark.parametrize(
    ("pattern", "subject", "expected"),
    [
        ("arn:aws:s3:::amzn-s3-demo-bucket/*", "arn:aws:s3:::amzn-s3-demo-bucket/a/b/c.txt", True),
        ("arn:aws:s3:::amzn-s3-demo-bucket/*", "arn:aws:s3:::amzn-s3-demo-bucket", False),
        (
            "arn:aws:iam::111122223333:user/accounting/*",
            "arn:aws:iam::111122223333:user/accounting/bob",
            True,
        ),
        ("arn:aws:iam::111122223333:user/accounting/*", "arn:aws:iam::111122223333:user/sales/bob", False),
        ("arn:aws:bedrock:us-east-?::foundation-model/*", FM, True),
        ("arn:aws:bedrock:us-west-?::foundation-model/*", FM, False),
        ("arn:aws:bedrock:*::foundation-model/anthropic.*", FM, True),
        ("arn:aws:bedrock:*::foundation-model/amazon.*", FM, False),
        ("arn:aws:bedrock:*:*:inference-profile/us.*", PROFILE, True),
        ("arn:aws:bedrock:*:444455556666:inference-profile/us.*", PROFILE, False),
    ],
)
def test_each_segment_is_matched_with_star_and_question_mark(
    pattern: str, subject: str, expected: bool
) -> None:
    """RESOURCE: "You can use wildcard characters (* and ?) within the individual segments of an ARN".
    https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_elements_resource.html"""
    assert arn_match(pattern, subject) is expected


def test_star_in_the_resource_segment_spans_slashes_and_colons() -> None:
    """RESOURCE: the ``*`` can replace everything in a segment, including ``/`` (and the resource
    segment is everything after the fifth colon, so its colons too).
    https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_elements_resource.html"""
    assert arn_match("arn:aws:bedrock:us-east-1::foundation-model/*", FM)
    assert arn_match("arn:aws:bedrock:us-east-1::*", FM)
    assert arn_match("arn:aws:bedrock:us-east-1::foundation-model/anthropic.claude-3-haiku-*:0", FM)


def test_star_in_a_middle_segment_does_not_cross_a_colon() -> None:
    """RESOURCE: wildcards apply within a segment; a region ``*`` cannot absorb the account.
    (The same text as a plain glob *would* match.)
    https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_elements_resource.html"""
    pattern = "arn:aws:sqs:us-*:111122223333:queue1"
    subject = "arn:aws:sqs:us-east-1:999999999999:111122223333:queue1"
    assert not arn_match(pattern, subject)
    from bedrock_access.iam.wildcard import glob_match

    assert glob_match(pattern, subject)  # the contrast: segment-wise is stricter than a glob


def test_star_alone_matches_every_resource_including_star() -> None:
    """RESOURCE: ``"Resource": "*"`` covers all resources (also the ``*`` of actions without resource
    types, see the RESOURCE note on services without resource-level permissions).
    https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_elements_resource.html"""
    for subject in (FM, PROFILE, "*", "not-an-arn", ""):
        assert arn_match("*", subject)


def test_arn_pattern_does_not_match_the_star_resource() -> None:
    """RESOURCE: a specific ARN pattern names resources of that shape; ``*`` is not one.
    https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_elements_resource.html"""
    assert not arn_match("arn:aws:bedrock:*::foundation-model/*", "*")


# --- trailing * spill-over -------------------------------------------------------------------


@pytest.mark.parametrize(
    ("pattern", "subject", "expected"),
    [
        ("arn:aws:bedrock:*", FM, True),
        ("arn:aws:bedrock:*", PROFILE, True),
        ("arn:aws:bedrock:*", "arn:aws:s3:::amzn-s3-demo-bucket/x", False),
        ("arn:aws:bedrock:us-*", FM, True),
        ("arn:aws:bedrock:eu-*", FM, False),
        ("arn:aws:*", FM, True),
        (f"arn:aws:bedrock:*:{ACCOUNT[:4]}*", PROFILE, True),
        (f"arn:aws:bedrock:*:{ACCOUNT[:4]}*", FM, False),
    ],
)
def test_trailing_star_spills_over_colon_boundaries(pattern: str, subject: str, expected: bool) -> None:
    """RESOURCE: "If the * wildcard is the last character of a resource ARN segment, it can expand to
    match beyond the colon boundaries" — ``arn:aws:bedrock:*`` covers every Bedrock ARN (case D10).
    https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_elements_resource.html"""
    assert arn_match(pattern, subject) is expected


def test_trailing_star_of_a_middle_segment_in_a_full_pattern_does_not_spill() -> None:
    """iam-evaluation.md §2.2 (UNDOCUMENTED, our choice): a ``*`` ending a *middle* segment of a
    six-segment pattern stays in its segment; only the pattern's last character spills over.
    https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_elements_resource.html"""
    assert not arn_match(
        "arn:aws:bedrock:us-*::foundation-model/x", "arn:aws:bedrock:us-east-1:extra::foundation-model/x"
    )


def test_short_arn_pattern_is_completed_with_wildcard_fields() -> None:
    """ARNS: "specifying arn:aws:sqs is equivalent to arn:aws:sqs:*:*:*" — missing trailing fields
    are read as ``*`` (found by the differential test, tests/differential/FINDINGS.md E1).
    https://docs.aws.amazon.com/IAM/latest/UserGuide/reference-arns.html"""
    assert arn_match("arn:aws:bedrock", FM)
    assert arn_match("arn:aws:bedrock:us-east-1", FM)
    assert not arn_match("arn:aws:bedrock:us-east-2", FM)
    assert not arn_match("arn:aws:sqs", FM)


def test_text_that_is_not_arn_shaped_matches_only_itself() -> None:
    """RESOURCE: a pattern that is neither ``*`` nor ARN-shaped names only its own text.
    https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_elements_resource.html"""
    assert not arn_match("bedrock", FM)
    assert arn_match("bedrock", "bedrock")


# --- empty segments, global foundation models ------------------------------------------------


def test_empty_account_segment_matches_empty_or_star() -> None:
    """ARNS: some ARNs omit the account (Bedrock foundation models); an empty pattern segment
    matches only an empty segment, ``*`` matches it too (it matches the empty string).
    https://docs.aws.amazon.com/IAM/latest/UserGuide/reference-arns.html"""
    assert arn_match("arn:aws:bedrock:us-east-1::foundation-model/*", FM)
    assert arn_match("arn:aws:bedrock:us-east-1:*:foundation-model/*", FM)
    assert not arn_match(f"arn:aws:bedrock:us-east-1:{ACCOUNT}:foundation-model/*", FM)
    assert not arn_match("arn:aws:bedrock:us-east-1:?*:foundation-model/*", FM)


def test_region_less_global_foundation_model_arn() -> None:
    """ARNS: "ARNs for some resources omit the Region"; ``arn:aws:bedrock:::foundation-model/…``
    has empty region and account segments and is matched segment by segment like any other.
    https://docs.aws.amazon.com/IAM/latest/UserGuide/reference-arns.html"""
    assert arn_match("arn:aws:bedrock:::foundation-model/*", GLOBAL_FM)
    assert arn_match("arn:aws:bedrock:*::foundation-model/*", GLOBAL_FM)
    assert arn_match("arn:aws:bedrock:*:*:foundation-model/anthropic.*", GLOBAL_FM)
    assert arn_match("arn:aws:bedrock:*", GLOBAL_FM)
    assert not arn_match("arn:aws:bedrock:us-east-1::foundation-model/*", GLOBAL_FM)
    assert not arn_match("arn:aws:bedrock:?*::foundation-model/*", GLOBAL_FM)
    assert not arn_match("arn:aws:bedrock:::foundation-model/*", FM)


def test_wildcard_before_the_resource_type_is_allowed() -> None:
    """RESOURCE allows wildcards anywhere inside a segment, so ``*/anthropic.*`` in the resource
    segment covers ``foundation-model/anthropic…`` (iam-evaluation.md §2.2, case D09).
    https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_elements_resource.html"""
    assert arn_match("arn:aws:bedrock:*:*:*/anthropic.*", FM)
    assert not arn_match("arn:aws:bedrock:*:*:*/amazon.*", FM)


# --- case ------------------------------------------------------------------------------------


def test_resource_segment_is_case_sensitive() -> None:
    """RESOURCE: "In the Resource element, the IAM user name is case sensitive" (case D04).
    https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_elements_resource.html"""
    assert arn_match("arn:aws:iam::111122223333:user/Bob", "arn:aws:iam::111122223333:user/Bob")
    assert not arn_match("arn:aws:iam::111122223333:user/Bob", "arn:aws:iam::111122223333:user/bob")
    assert not arn_match("arn:aws:bedrock:*::foundation-model/Anthropic.*", FM)


def test_other_segments_are_compared_case_sensitively() -> None:
    """iam-evaluation.md §2.2: UNDOCUMENTED for partition/service/region/account; we recommend and
    implement case-sensitive comparison (AWS emits lowercase).
    https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_elements_resource.html"""
    assert not arn_match("arn:aws:bedrock:US-EAST-1::foundation-model/*", FM)
    assert not arn_match("arn:AWS:bedrock:us-east-1::foundation-model/*", FM)


def test_no_wildcard_in_the_service_segment() -> None:
    """RESOURCE note: a wildcard cannot be used in the service segment that identifies the AWS
    product, so ``arn:aws:bed*:…`` names no Bedrock resource.
    https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_elements_resource.html"""
    assert not arn_match("arn:aws:bed*:*:*:*", FM)


def test_no_partial_wildcard_in_the_service_segment_even_when_it_spills() -> None:
    """RESOURCE note: no wildcard in the service segment. ``arn:aws:bed*`` puts ``*`` in the service
    segment just as ``arn:aws:bed*:*:*:*`` does; the trailing-``*`` spill-over does not make it legal.
    (``arn:aws:*`` — the whole segment a spilling ``*`` — is kept as "every ARN", docs/iam-engine.md.)
    https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_elements_resource.html"""
    assert not arn_match("arn:aws:bed*", FM)


# --- substituted text ------------------------------------------------------------------------


def test_substituted_text_is_literal_and_never_a_separator() -> None:
    """VARS: variables are replaced by text that is matched literally; a colon inside a value does
    not start a new ARN segment.
    https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_variables.html"""
    m = compile_arn_atoms([Literal("arn:aws:s3:::b/"), Substituted("x*")])
    assert m("arn:aws:s3:::b/x*")
    assert not m("arn:aws:s3:::b/xyz")
    m2 = compile_arn_atoms([Literal("arn:aws:s3:::b/"), Substituted("a:b"), STAR])
    assert m2("arn:aws:s3:::b/a:b/c")
    assert not m2("arn:aws:s3:::b/a-b/c")


def test_resource_element_uses_segmentwise_matching_in_decisions() -> None:
    """RESOURCE: an Allow applies only to resources its Resource element matches.
    https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_elements_resource.html"""
    p = PolicySet(
        identity=(policy(allow("bedrock:InvokeModel", "arn:aws:bedrock:*::foundation-model/anthropic.*")),)
    )
    assert decide(p, action="bedrock:InvokeModel", resource=FM).outcome == "Allowed"
    assert decide(p, action="bedrock:InvokeModel", resource=PROFILE).outcome == "ImplicitlyDenied"


def test_not_resource_covers_every_resource_except_the_listed() -> None:
    """NOTRESOURCE: the statement matches every resource not listed ("deny everything except").
    https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_elements_notresource.html"""
    p = PolicySet(
        identity=(
            policy(
                allow(),
                {
                    "Effect": "Deny",
                    "Action": "s3:*",
                    "NotResource": ["arn:aws:s3:::allowed", "arn:aws:s3:::allowed/*"],
                },
            ),
        )
    )
    assert decide(p, resource="arn:aws:s3:::allowed/k").outcome == "Allowed"
    assert decide(p, resource="arn:aws:s3:::other/k").outcome == "ExplicitlyDenied"


# --- properties ------------------------------------------------------------------------------

_segment = st.text(alphabet="abcdefghijklmnopqrstuvwxyz0123456789-", max_size=8)
_resource = st.text(alphabet="abcxyz0123456789-/:._", max_size=20)


@settings(max_examples=500, deadline=None)
@given(
    partition=_segment.filter(bool),
    service=_segment.filter(bool),
    region=_segment,
    account=_segment,
    resource=_resource,
)
def test_an_arn_matches_itself_and_star_per_segment(
    partition: str, service: str, region: str, account: str, resource: str
) -> None:
    """Property: an ARN without wildcards matches itself; replacing the region, the account or the
    resource segment by ``*`` still matches; changing the service does not.
    https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_elements_resource.html"""
    arn = f"arn:{partition}:{service}:{region}:{account}:{resource}"
    assert arn_match(arn, arn)
    assert arn_match(f"arn:{partition}:{service}:*:{account}:{resource}", arn)
    assert arn_match(f"arn:{partition}:{service}:{region}:*:{resource}", arn)
    assert arn_match(f"arn:{partition}:{service}:{region}:{account}:*", arn)
    assert not arn_match(f"arn:{partition}:{service}x:{region}:{account}:{resource}", arn)
