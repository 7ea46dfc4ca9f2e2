"""``bedrock-access fix`` on a scenario whose identity policy has 10,000 statements.

python benchmarks/bench_fix_large.py [STATEMENTS] [RUNS]
python benchmarks/bench_fix_large.py --examples [RUNS]

The scenario is example S1 (a custom Region-deny SCP without a cross-Region inference exemption) with
its identity policy grown to STATEMENTS statements (default 10,000): the Bedrock grant, then one Allow per
S3 bucket, each with its own Sid. The whole command runs as a separate process (start-up included),
written to a temporary directory; the median wall time of RUNS runs (default 3) is printed.
With ``--examples``, the same for ``fix`` on three shipped examples (the everyday cost of the checks).
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
EXAMPLE = ROOT / "examples" / "s01-custom-region-deny-scp.yaml"


def write_scenario(folder: Path, count: int) -> Path:
    policies = ROOT / "examples" / "policies"
    grant = json.loads((policies / "bedrock-invoke-anthropic.json").read_text())
    buckets = [
        {
            "Sid": f"ReadBucket{n}",
            "Effect": "Allow",
            "Action": ["s3:GetObject", "s3:ListBucket"],
            "Resource": [f"arn:aws:s3:::team-bucket-{n}", f"arn:aws:s3:::team-bucket-{n}/*"],
        }
        for n in range(count - len(grant["Statement"]))
    ]
    large = {"Version": "2012-10-17", "Statement": [*grant["Statement"], *buckets]}
    (folder / "policies").mkdir()
    (folder / "policies" / "large-identity.json").write_text(json.dumps(large))
    for name in ("full-aws-access.json", "scp-us-east-1-us-west-2-only.json"):
        (folder / "policies" / name).write_text((policies / name).read_text())
    text = EXAMPLE.read_text().replace(
        "policies/bedrock-invoke-anthropic.json", "policies/large-identity.json"
    )
    scenario = folder / "scenario.yaml"
    scenario.write_text(text)
    return scenario


EXAMPLES = (
    "control-tower-region-deny.yaml",
    "s01-custom-region-deny-scp.yaml",
    "client-claude-code-vpc-endpoint-ip-allow-list.yaml",
)


def median_time(cmd: list[str], runs: int) -> tuple[float, int]:
    samples = []
    code = 0
    for _ in range(runs):
        start = time.perf_counter()
        done = subprocess.run(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, check=False, text=True)
        samples.append(time.perf_counter() - start)
        code = done.returncode
        if code not in (0, 1):
            sys.exit(f"fix failed with exit code {code}: {done.stderr.strip()}")
    return statistics.median(samples), code


def main() -> None:
    if sys.argv[1:2] == ["--examples"]:
        runs = int(sys.argv[2]) if len(sys.argv) > 2 else 3
        for name in EXAMPLES:
            seconds, _ = median_time(
                [sys.executable, "-m", "bedrock_access", "fix", str(ROOT / "examples" / name)], runs
            )
            print(f"bedrock-access fix examples/{name}: {seconds:.2f} s (median of {runs})")
        return
    count = int(sys.argv[1]) if len(sys.argv) > 1 else 10_000
    runs = int(sys.argv[2]) if len(sys.argv) > 2 else 3
    with tempfile.TemporaryDirectory() as tmp:
        scenario = write_scenario(Path(tmp), count)
        seconds, code = median_time([sys.executable, "-m", "bedrock_access", "fix", str(scenario)], runs)
    print(
        f"bedrock-access fix, identity policy of {count:,} statements: "
        f"{seconds:.2f} s (median of {runs}, exit code {code})"
    )


if __name__ == "__main__":
    main()
