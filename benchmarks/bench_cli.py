"""Wall-clock time of whole commands, start-up included: the median of repeated runs.

python benchmarks/bench_cli.py [RUNS]
"""

from __future__ import annotations

import statistics
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def largest_example() -> Path:
    return max((ROOT / "examples").glob("*.yaml"), key=lambda p: len(p.read_text()))


def timed(cmd: list[str], runs: int) -> float:
    samples = []
    for _ in range(runs):
        start = time.perf_counter()
        subprocess.run(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, check=False)
        samples.append(time.perf_counter() - start)
    return statistics.median(samples)


def main() -> None:
    runs = int(sys.argv[1]) if len(sys.argv) > 1 else 15
    exe = [sys.executable, "-m", "bedrock_access"]
    example = largest_example()
    print(f"bedrock-access --help: {timed([*exe, '--help'], runs) * 1000:.0f} ms (median of {runs})")
    print(
        f"bedrock-access check {example.relative_to(ROOT)}: {timed([*exe, 'check', str(example)], runs) * 1000:.0f} ms"
    )
    print(
        f"bedrock-access check {example.relative_to(ROOT)} --format json: "
        f"{timed([*exe, 'check', str(example), '--format', 'json'], runs) * 1000:.0f} ms"
    )


if __name__ == "__main__":
    main()
