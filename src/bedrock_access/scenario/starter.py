"""The commented starter scenario ``bedrock-access init`` writes: valid as written (a test checks it),
with the other keys shown commented out where a first scenario needs them."""

from __future__ import annotations

STARTER_SCENARIO = """\
# A bedrock-access scenario: who calls, which policies apply, and which Bedrock calls they make.
# Check it:  bedrock-access check {name}
# Reference: docs/scenario.md. Every key below is explained there.
description: Starter scenario - replace the values with your own

# Who calls. An IAM Identity Center (SSO) user is an assumed-role session of AWSReservedSSO_<set>_<hash>.
principal: arn:aws:sts::111122223333:assumed-role/Developer/alice@example.com

# The caller's identity policies. Each item is {{file: path.json}} (relative to this file) or
# {{document: {{...}}}}. A file may be the saved output of `aws iam get-policy-version`,
# `aws iam get-role-policy` or `aws organizations describe-policy`.
identity_policies:
  - name: BedrockInvoke
    document:
      Version: "2012-10-17"
      Statement:
        - Effect: Allow
          Action: ["bedrock:InvokeModel", "bedrock:InvokeModelWithResponseStream"]
          Resource:
            - arn:aws:bedrock:*:*:inference-profile/us.anthropic.*
            - arn:aws:bedrock:*::foundation-model/anthropic.*
#   - {{file: policies/my-role-policy.json}}

# Service control policies, one level per node from the root down to the account.
# organization:
#   scps:
#     - target: r-abcd
#       policies: [{{file: scps/full-aws-access.json}}]
#     - target: ou-abcd-workloads
#       policies: [{{file: scps/region-deny.json}}]

# Where the calls come from (an IP allow-list or a VPC endpoint policy needs it).
# network:
#   source_ip: 198.51.100.7

# The calls: the model id as the client sends it, and the Region of the endpoint it calls.
invocations:
  - label: main model
    model: us.anthropic.claude-sonnet-4-6
    region: us-east-1
    operation: InvokeModelWithResponseStream
# Or read a client's own settings instead (docs/clients.md):
# client:
#   kind: claude-code
#   env: {{CLAUDE_CODE_USE_BEDROCK: "1", AWS_REGION: us-east-1}}
"""


def starter_scenario(name: str) -> str:
    return STARTER_SCENARIO.format(name=name)
