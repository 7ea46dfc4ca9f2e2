"""Hostile inputs that used to take tens of seconds (issue 9), timed as whole commands.

python benchmarks/bench_hostile.py [RUNS]

1. a VPC endpoint policy just under AWS's 20,480-character limit whose condition is a `?` pattern,
   against a 4.8 MB context value, as one `simulate --jsonl` line (the `?` matcher used to cost
   pattern length x value length);
2. a scenario whose invocation names a 4.9 MB Region (the "did you mean" search used to compare it
   with every Region);
3. the redaction pass over the output of a 100,000-line `simulate --jsonl` batch (in process).
"""

from __future__ import annotations

import json
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
EXE = [sys.executable, "-m", "bedrock_access"]


def timed(cmd: list[str], runs: int) -> tuple[float, int]:
    samples, code = [], 0
    for _ in range(runs):
        start = time.perf_counter()
        code = subprocess.run(
            cmd, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, check=False
        ).returncode
        samples.append(time.perf_counter() - start)
    return statistics.median(samples), code


def main() -> None:
    runs = int(sys.argv[1]) if len(sys.argv) > 1 else 3
    with tempfile.TemporaryDirectory() as tmp:
        pattern = "*" + "a?" * 10_070 + "b*"
        policy = {
            "Version": "2012-10-17",
            "Statement": [
                {
                    "Effect": "Allow",
                    "Principal": "*",
                    "Action": "*",
                    "Resource": "*",
                    "Condition": {"StringLike": {"aws:Referer": pattern}},
                }
            ],
        }
        size = len(json.dumps(policy))
        batch = Path(tmp) / "batch.jsonl"
        line = {
            "id": 1,
            "request": {
                "principal": "arn:aws:iam::111122223333:user/a",
                "action": "s3:GetObject",
                "resource": "*",
                "contextVariables": {"aws:Referer": "a" * 4_800_000},
            },
            "identityPolicies": [
                {"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": "*", "Resource": "*"}]}
            ],
            "vpcEndpointPolicies": [policy],
        }
        batch.write_text(json.dumps(line) + "\n", encoding="utf-8")
        seconds, code = timed([*EXE, "simulate", "--jsonl", str(batch)], runs)
        print(
            f"`?` pattern ({size:,}-character VPC endpoint policy) vs 4.8 MB value: {seconds:.2f} s (exit {code})"
        )

        scenario = Path(tmp) / "region.yaml"
        scenario.write_text(
            "principal: arn:aws:iam::111122223333:user/a\n"
            "invocations:\n  - model: us.anthropic.claude-sonnet-4-6\n"
            f"    region: us-east-{'x' * 4_900_000}\n",
            encoding="utf-8",
        )
        seconds, code = timed([*EXE, "check", str(scenario)], runs)
        print(f"check with a 4.9 MB Region value: {seconds:.2f} s (exit {code})")

    sys.path.insert(0, str(ROOT / "src"))
    from bedrock_access.output_guard import scrub_bytes

    line = (
        b'{"id":"profile-check-us-east-1","decision":"ExplicitlyDenied","decisive":[{"type":"scp",'
        b'"level":"ou-dev","policy":"RegionDeny","sid":"DenyOutsideRegions","index":1,"effect":"Deny"}]}\n'
    )
    output = line * 100_000
    samples = []
    for _ in range(max(runs, 5)):
        start = time.perf_counter()
        scrub_bytes(output)
        samples.append(time.perf_counter() - start)
    print(
        f"redaction pass over {len(output) / 1e6:.1f} MB of batch output (100,000 lines): "
        f"{statistics.median(samples) * 1000:.0f} ms"
    )


if __name__ == "__main__":
    main()
