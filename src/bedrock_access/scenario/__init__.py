"""Scenario files: who calls, under which policies and network, and what they call. See docs/scenario.md."""

from bedrock_access.scenario.load import load_scenario, parse_scenario
from bedrock_access.scenario.model import PolicyRef, Scenario

__all__ = ["PolicyRef", "Scenario", "load_scenario", "parse_scenario"]
