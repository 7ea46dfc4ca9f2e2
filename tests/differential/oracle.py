"""Run generated lines through the oracle (a separate Node process) and through our engine, and compare.

The oracle is AGPL-licensed: it is only ever run as ``node oracle.mjs`` in its own process. Its three
files are copied from ``<repo>/../shared/oracle`` into the git-ignored ``<repo>/.cache/oracle`` and
installed there with ``npm ci`` once; nothing of it is imported or committed.

Also usable from the command line, for larger runs and for minimising a disagreement::

    python -m tests.differential.oracle --cases 20000 --seed 7
    python -m tests.differential.oracle --minimise s7-1234
"""

from __future__ import annotations

import argparse
import copy
import os
import shutil
import subprocess
import sys
import threading
import time
from collections import Counter
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import orjson

from bedrock_access.iam.jsonl import BatchSimulator

from .generator import Json, generate, generate_case, generate_gap_case

REPO_ROOT = Path(__file__).resolve().parents[2]
ORACLE_FILES = ("oracle.mjs", "package.json", "package-lock.json")


class OracleUnavailable(Exception):
    """Node, npm or the oracle's sources are missing, or ``npm ci`` failed (for example offline)."""


def shared_oracle_dir() -> Path:
    return Path(os.environ.get("BEDROCK_ACCESS_ORACLE_SRC", REPO_ROOT.parent / "shared" / "oracle"))


def cache_dir() -> Path:
    return REPO_ROOT / ".cache" / "oracle"


def find_tools() -> tuple[str, str]:
    node = shutil.which("node")
    npm = shutil.which("npm")
    if node is None or npm is None:
        raise OracleUnavailable("node and npm are needed to run the oracle")
    return node, npm


def prepare_oracle() -> Path:
    """``<repo>/.cache/oracle`` with the oracle installed; reused when already installed."""
    _, npm = find_tools()
    target = cache_dir()
    installed = (target / "node_modules" / "@cloud-copilot" / "iam-simulate" / "package.json").is_file()
    source = shared_oracle_dir()
    if installed and (target / "oracle.mjs").is_file():
        if source.is_dir():
            _copy_if_changed(source, target)
        return target
    if not all((source / name).is_file() for name in ORACLE_FILES):
        raise OracleUnavailable(f"the oracle's sources are not at {source}")
    target.mkdir(parents=True, exist_ok=True)
    _copy_if_changed(source, target)
    try:
        done = subprocess.run(
            [npm, "ci", "--no-audit", "--no-fund"],
            cwd=target,
            capture_output=True,
            text=True,
            timeout=600,
            check=False,
        )
    except (OSError, subprocess.TimeoutExpired) as exc:
        raise OracleUnavailable(f"npm ci failed: {exc}") from None
    if done.returncode != 0:
        raise OracleUnavailable(f"npm ci failed (exit {done.returncode}): {done.stderr.strip()[-2000:]}")
    return target


def _copy_if_changed(source: Path, target: Path) -> None:
    for name in ORACLE_FILES:
        src = source / name
        dst = target / name
        if src.is_file() and (not dst.is_file() or dst.read_bytes() != src.read_bytes()):
            shutil.copyfile(src, dst)


def dumps(line: Json) -> bytes:
    return orjson.dumps(line)


def run_oracle(lines: Sequence[bytes], *, oracle_dir: Path | None = None, jobs: int = 1) -> list[Json]:
    node, _ = find_tools()
    where = oracle_dir or prepare_oracle()
    args = [node, "oracle.mjs"]
    if jobs > 1:
        args += ["--jobs", str(jobs)]
    done = subprocess.run(
        args, cwd=where, input=b"\n".join(lines) + b"\n", capture_output=True, timeout=900, check=False
    )
    if done.returncode != 0:
        raise RuntimeError(f"the oracle exited with {done.returncode}: {done.stderr.decode()[-2000:]}")
    return [orjson.loads(out) for out in done.stdout.splitlines() if out.strip()]


def run_engine(lines: Iterable[bytes]) -> list[Json]:
    simulator = BatchSimulator()
    out: list[Json] = []
    for raw in lines:
        result = simulator.decide_line(raw)
        if result is not None:
            out.append(result)
    return out


def run_both(lines: Sequence[bytes], *, oracle_dir: Path | None = None) -> tuple[list[Json], list[Json]]:
    """The oracle in its own process while our engine decides the same lines in this one."""
    where = oracle_dir or prepare_oracle()
    box: dict[str, Any] = {}

    def oracle_thread() -> None:
        try:
            box["out"] = run_oracle(lines, oracle_dir=where)
        except BaseException as exc:  # re-raised in the caller's thread
            box["error"] = exc

    thread = threading.Thread(target=oracle_thread, name="oracle")
    thread.start()
    ours = run_engine(lines)
    thread.join()
    if "error" in box:
        raise box["error"]
    return box["out"], ours


# ---------------------------------------------------------------------------------------------------
# Comparison
# ---------------------------------------------------------------------------------------------------


@dataclass
class Disagreement:
    line: Json
    oracle: Json
    ours: Json

    def summary(self) -> str:
        return (
            f"{self.line['id']}: oracle {self.oracle.get('decision') or self.oracle.get('error')}"
            f" ({self.oracle.get('reason', self.oracle.get('message', ''))}),"
            f" ours {self.ours.get('decision') or self.ours.get('error')} {self.ours.get('decisive')}"
        )


@dataclass
class Report:
    total: int = 0
    untagged: int = 0
    tagged: int = 0
    missing_ids: list[Any] = field(default_factory=list)
    oracle_errors: list[tuple[Json, Json]] = field(default_factory=list)  # untagged lines only
    engine_errors: list[tuple[Json, Json]] = field(default_factory=list)
    disagreements: list[Disagreement] = field(default_factory=list)  # untagged lines
    ignored_keys: list[tuple[Json, Json]] = field(default_factory=list)  # untagged lines
    # Untagged lines both call ExplicitlyDenied whose applicable Deny statements differ.
    deny_mismatches: list[Disagreement] = field(default_factory=list)
    mix: Counter[str] = field(default_factory=Counter)  # our decisions on untagged lines
    oracle_mix: Counter[str] = field(default_factory=Counter)
    gap_lines: Counter[str] = field(default_factory=Counter)
    gap_oracle_differs: Counter[str] = field(default_factory=Counter)  # oracle != awsExpected (or error)
    gap_engine_wrong: list[Disagreement] = field(default_factory=list)  # ours != awsExpected
    # Lines carrying "knownEngineBug": counted, and where our engine is (still) wrong on them.
    known_bug_lines: Counter[str] = field(default_factory=Counter)
    known_bug_disagreements: list[Disagreement] = field(default_factory=list)

    def share(self, decision: str) -> float:
        return self.mix[decision] / self.untagged if self.untagged else 0.0

    def text(self) -> str:
        lines = [
            f"lines: {self.total} ({self.untagged} untagged, {self.tagged} gap-tagged)",
            "our decisions on untagged lines: "
            + ", ".join(f"{k} {v} ({v / max(self.untagged, 1):.1%})" for k, v in sorted(self.mix.items())),
            f"oracle errors on untagged lines: {len(self.oracle_errors)}; engine errors: {len(self.engine_errors)}",
            f"untagged disagreements: {len(self.disagreements)}"
            f" (and {len(self.deny_mismatches)} explicit denies naming different statements)",
            f"untagged lines where the oracle ignored context keys: {len(self.ignored_keys)}",
            "gap lines (oracle differs from AWS / total): "
            + ", ".join(
                f"gap {g}: {self.gap_oracle_differs[g]}/{n}" for g, n in sorted(self.gap_lines.items())
            ),
            f"gap lines where our engine differs from the AWS-documented decision: {len(self.gap_engine_wrong)}",
            "lines exercising known engine bugs (wrong / total): "
            + ", ".join(
                f"{b}: {sum(1 for d in self.known_bug_disagreements if d.line.get('knownEngineBug') == b)}/{n}"
                for b, n in sorted(self.known_bug_lines.items())
            ),
        ]
        lines += [f"  {d.summary()}" for d in self.disagreements[:20]]
        lines += [f"  DENY-SET {d.summary()}" for d in self.deny_mismatches[:20]]
        lines += [
            f"  GAP {d.summary()} expected {d.line.get('awsExpected')}" for d in self.gap_engine_wrong[:20]
        ]
        return "\n".join(lines)


def compare(cases: Sequence[Json], oracle_out: Sequence[Json], ours_out: Sequence[Json]) -> Report:
    report = Report(total=len(cases))
    by_id_oracle = {_id_key(o.get("id")): o for o in oracle_out}
    by_id_ours = {_id_key(o.get("id")): o for o in ours_out}
    for case in cases:
        key = _id_key(case["id"])
        oracle = by_id_oracle.get(key)
        ours = by_id_ours.get(key)
        if oracle is None or ours is None:
            report.missing_ids.append(case["id"])
            continue
        bug = case.get("knownEngineBug")
        if bug is not None:
            report.known_bug_lines[str(bug)] += 1
        if "gap" in case:
            report.tagged += 1
            gap = str(case["gap"])
            report.gap_lines[gap] += 1
            if oracle.get("decision") != case["awsExpected"]:
                report.gap_oracle_differs[gap] += 1
            if ours.get("decision") != case["awsExpected"]:
                wrong = report.known_bug_disagreements if bug is not None else report.gap_engine_wrong
                wrong.append(Disagreement(case, oracle, ours))
            continue
        report.untagged += 1
        if "error" in ours:
            report.engine_errors.append((case, ours))
            continue
        report.mix[ours["decision"]] += 1
        if "error" in oracle:
            report.oracle_errors.append((case, oracle))
            continue
        report.oracle_mix[oracle["decision"]] += 1
        if oracle.get("ignoredContextKeys"):
            report.ignored_keys.append((case, oracle))
        if oracle["decision"] != ours["decision"]:
            wrong = report.known_bug_disagreements if bug is not None else report.disagreements
            wrong.append(Disagreement(case, oracle, ours))
        elif oracle["decision"] == "ExplicitlyDenied" and deny_statements(oracle) != deny_statements(ours):
            wrong = report.known_bug_disagreements if bug is not None else report.deny_mismatches
            wrong.append(Disagreement(case, oracle, ours))
    return report


def deny_statements(result: Json) -> list[tuple[Any, ...]]:
    """The applicable Deny statements of an ExplicitlyDenied result, comparable across both outputs.

    Each Deny applies or not on its own, so both sides must list the same set. The oracle gives no
    policy name for the resource and session policies; those are compared by layer and index only.
    """
    out = []
    for d in result.get("decisive") or ():
        layer = d.get("type")
        policy = None if layer in ("resource", "session") else d.get("policy")
        out.append((layer, d.get("level"), policy, d.get("index")))
    return sorted(out, key=repr)


def _id_key(value: Any) -> bytes:
    return orjson.dumps(value)


# ---------------------------------------------------------------------------------------------------
# Minimising a disagreement
# ---------------------------------------------------------------------------------------------------


def _shrink_candidates(line: Json) -> Iterator[Json]:
    """Lines one step smaller than ``line``: a policy, level, statement, condition, key or value less."""

    def variants(path: list[Any], value: Any) -> Iterator[tuple[list[Any], Any]]:
        if isinstance(value, list):
            for i in range(len(value)):
                yield path, value[:i] + value[i + 1 :]
            for i, item in enumerate(value):
                yield from variants([*path, i], item)
        elif isinstance(value, dict):
            for k in list(value):
                if k in (
                    "Effect",
                    "Version",
                    "Principal",
                    "NotPrincipal",
                    "id",
                    "principal",
                    "action",
                    "resource",
                ):
                    continue
                if k in ("Action", "NotAction", "Resource", "NotResource") and not isinstance(value[k], list):
                    continue
                if (
                    k in ("Action", "NotAction", "Resource", "NotResource", "Statement")
                    and len(value[k]) <= 1
                ):
                    yield from variants([*path, k], value[k])
                    continue
                yield path, {kk: vv for kk, vv in value.items() if kk != k}
            for k, item in value.items():
                if k not in ("id", "principal", "action"):
                    yield from variants([*path, k], item)

    for path, replacement in variants([], line):
        candidate = copy.deepcopy(line)
        if not path:
            if isinstance(replacement, dict):
                yield replacement
            continue
        target: Any = candidate
        for step in path[:-1]:
            target = target[step]
        target[path[-1]] = replacement
        yield candidate


def minimise(line: Json, *, oracle_dir: Path | None = None, rounds: int = 60) -> Json:
    """Greedily shrink ``line`` while the oracle and our engine still disagree on it."""
    where = oracle_dir or prepare_oracle()

    def disagreeing(candidates: list[Json]) -> Json | None:
        for i, c in enumerate(candidates):
            c["id"] = f"m{i}"
        encoded = [dumps(c) for c in candidates]
        oracle, ours = run_both(encoded, oracle_dir=where)
        for c, o, e in zip(candidates, oracle, ours, strict=True):
            if "decision" in o and "decision" in e and o["decision"] != e["decision"]:
                return c
        return None

    current = copy.deepcopy(line)
    original_id = line["id"]
    for _ in range(rounds):
        smaller = disagreeing(list(_shrink_candidates(current)))
        if smaller is None:
            break
        current = smaller
    current["id"] = original_id
    return current


# ---------------------------------------------------------------------------------------------------
# Command line
# ---------------------------------------------------------------------------------------------------


def _case_by_id(case_id: str) -> Json:
    seed_part, _, rest = case_id.partition("-")
    seed = int(seed_part[1:])
    if rest.startswith("gap"):
        gap_text, _, index = rest[3:].rpartition("-")
        gap: int | str = int(gap_text) if gap_text.isdigit() else gap_text
        return generate_gap_case(seed, gap, int(index))
    return generate_case(seed, int(rest))


def main(argv: Sequence[str] | None = None, *, emit: Callable[[str], None] = print) -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--seed", type=int, default=20251123)
    parser.add_argument("--cases", type=int, default=6000)
    parser.add_argument("--gap-cases", type=int, default=25, help="lines per known gap")
    parser.add_argument("--write", type=Path, help="write the generated lines to this file")
    parser.add_argument("--minimise", metavar="CASE_ID", help="print the minimised form of one case")
    args = parser.parse_args(argv)
    try:
        oracle_dir = prepare_oracle()
    except OracleUnavailable as exc:
        emit(f"oracle unavailable: {exc}")
        return 2
    if args.minimise:
        emit(dumps(minimise(_case_by_id(args.minimise), oracle_dir=oracle_dir)).decode())
        return 0
    started = time.perf_counter()
    cases = list(generate(args.seed, args.cases, args.gap_cases))
    encoded = [dumps(c) for c in cases]
    if args.write:
        args.write.write_bytes(b"\n".join(encoded) + b"\n")
    oracle, ours = run_both(encoded, oracle_dir=oracle_dir)
    report = compare(cases, oracle, ours)
    emit(report.text())
    emit(f"elapsed: {time.perf_counter() - started:.1f}s")
    clean = not (
        report.disagreements or report.deny_mismatches or report.gap_engine_wrong or report.missing_ids
    )
    return 0 if clean else 1


if __name__ == "__main__":
    sys.exit(main())
