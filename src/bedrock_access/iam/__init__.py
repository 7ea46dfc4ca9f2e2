"""A pure-Python AWS IAM authorization engine. Knows nothing of Bedrock.

Typical use::

    from bedrock_access.iam import parse_policy, PolicySet, Request, Authorizer

    policies = PolicySet(identity=(parse_policy(doc, name="BedrockInvoke"),))
    authorizer = Authorizer(policies)          # compiles once
    decision = authorizer.authorize(Request(principal=..., action=..., resource=..., context={...}))
    decision.outcome                           # "Allowed" | "ImplicitlyDenied" | "ExplicitlyDenied"
    decision.decisive                          # the statements (or missing allows) that decided it

See docs/iam-engine.md for the specification this implements.
"""

from bedrock_access.iam.engine import (
    Authorizer,
    Decision,
    Decisive,
    OrgLevel,
    PolicySet,
    Request,
)
from bedrock_access.iam.model import Policy, Statement
from bedrock_access.iam.parse import PolicyError, parse_policy

__all__ = [
    "Authorizer",
    "Decision",
    "Decisive",
    "OrgLevel",
    "Policy",
    "PolicyError",
    "PolicySet",
    "Request",
    "Statement",
    "parse_policy",
]
