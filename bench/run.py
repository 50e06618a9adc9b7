"""make bench: run every measurement, then print one table of the figures they recorded,
each with the command that produced it. Figures are printed, never asserted.

To add a measurement, add its command line to MEASUREMENTS; it records its figures with
bench/figures.py (see there). Each measurement's own detailed output is shown as it runs.
"""

import os
import subprocess
import sys
import tempfile
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))
import figures  # noqa: E402

MEASUREMENTS = [
    ["bench/firewall_bench.sh"],
    [sys.executable, "bench/fail2ban_bench.py"],
    [sys.executable, "bench/test_time.py"],
    [sys.executable, "bench/attack_roads.py"],
    [sys.executable, "bench/roaming.py"],
]


def main():
    failed = []
    with tempfile.NamedTemporaryFile(prefix="pbxguard-bench.", suffix=".tsv") as out:
        env = dict(os.environ, **{figures.ENV: out.name})
        for argv in MEASUREMENTS:
            print(f"\n== {' '.join(argv)}", flush=True)
            if subprocess.run(argv, cwd=HERE.parent, env=env, check=False).returncode != 0:
                failed.append(" ".join(argv))
        rows = figures.read(out.name)
    print("\n== make bench: figures (printed, never asserted)\n")
    print(figures.table(rows, ["figure", "value", "command"]) if rows else "(no figures)")
    for argv in failed:
        print(f"\nbench: {argv} FAILED: its figures are missing", file=sys.stderr)
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
