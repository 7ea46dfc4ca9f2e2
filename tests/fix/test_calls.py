"""Per-call state keyed by label: it follows a client's calls when they move, and explicit calls that
share a label stay apart."""

from __future__ import annotations

from bedrock_access.bedrock.invocation import Invocation
from bedrock_access.fix.calls import CallState


def _inv(label: str, region: str = "us-east-1") -> Invocation:
    return Invocation(label=label, model="us.anthropic.claude-sonnet-4-6", region=region)


def test_state_follows_a_client_call_to_its_new_position() -> None:
    explicit = [_inv("batch job")]
    client = [_inv("main"), _inv("background")]
    state = CallState([*explicit, *client], n_explicit=1, targets=[2])
    assert state.targets([*explicit, *client]) == [2]
    state.unfixable[state.key(2, [*explicit, *client])] = "still denied"
    # The section is read again: the background call now comes first, and a new call appears.
    reread = [*explicit, _inv("background", "us-west-2"), _inv("subagent"), _inv("main")]
    assert state.targets(reread) == [1, 2]  # the target, and the call nobody made before
    state.prune(reread)
    assert state.index_of("background", reread) == 1 and state.unfixable == {"background": "still denied"}
    # A call the section no longer makes leaves no state behind.
    state.prune([*explicit, _inv("main")])
    assert state.unfixable == {}


def test_explicit_calls_sharing_a_label_stay_apart() -> None:
    calls = [_inv("same"), _inv("same", "us-west-2"), _inv("other")]
    state = CallState(calls, n_explicit=3, targets=[1])
    assert [state.key(i, calls) for i in range(3)] == ["same #0", "same #1", "other"]
    assert state.targets(calls) == [1]
