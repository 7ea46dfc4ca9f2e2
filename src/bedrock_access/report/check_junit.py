"""``check --format junit``: JUnit XML, one test suite per scenario and one test case per call; a
denied or invalid call is a failure, a call without policies to decide it is skipped."""

from __future__ import annotations

from collections.abc import Sequence
from xml.etree import ElementTree as ET

from bedrock_access.report.calls import LocatedRun, counts, failing, help_text, one_line, rule_id


def check_junit(runs: Sequence[LocatedRun]) -> str:
    suites = ET.Element("testsuites", name="bedrock-access check")
    total = failures = skipped = 0
    for located in runs:
        run = located.run
        tally = counts(run.assessments)
        n_failed = tally["denied"] + tally["invalid"]
        suite = ET.SubElement(
            suites,
            "testsuite",
            name=located.source,
            tests=str(len(run.assessments)),
            failures=str(n_failed),
            errors="0",
            skipped=str(tally["unknown"]),
        )
        for a in run.assessments:
            case = ET.SubElement(suite, "testcase", classname=located.source, name=a.invocation.label)
            if failing(a):
                failure = ET.SubElement(case, "failure", type=rule_id(a), message=one_line(a))
                failure.text = help_text(a, run.source)
            elif a.verdict == "unknown":
                ET.SubElement(case, "skipped", message="no policies given: the checks are not decided")
        total += len(run.assessments)
        failures += n_failed
        skipped += tally["unknown"]
    suites.set("tests", str(total))
    suites.set("failures", str(failures))
    suites.set("errors", "0")
    suites.set("skipped", str(skipped))
    ET.indent(suites)
    return '<?xml version="1.0" encoding="UTF-8"?>\n' + ET.tostring(suites, encoding="unicode") + "\n"
