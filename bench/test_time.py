"""The wall time of the last `make test`, from the step times it wrote to
.cache/logs/times-<run id>.tsv (lines "STEP<TAB>SECONDS<TAB>RESULT"; the steps run one
after another, so they add up to the run; scenario rows are part of the molecule step)."""

import sys
from pathlib import Path

import figures

LOGS = Path(__file__).resolve().parents[1] / ".cache/logs"


def main():
    runs = sorted(LOGS.glob("times-*.tsv"), key=lambda path: path.stat().st_mtime)
    rows = [line.split("\t") for line in runs[-1].read_text().splitlines() if line.strip()] if runs else []
    if not rows:
        print("no make test run recorded in .cache/logs/times-*.tsv yet")
        figures.record("make test wall time", "(no run yet)", "make test")
        return 0
    steps = [row for row in rows if not row[0].startswith("molecule/")]
    seconds = sum(int(row[1]) for row in steps)
    failed = [row[0] for row in rows if row[2] != "ok"]
    value = f"{seconds // 60}:{seconds % 60:02d}" + (f" (FAILED: {', '.join(failed)})" if failed else "")
    print(f"{runs[-1].name}: {value}")
    figures.record("make test wall time (min:s)", value, f"make test  ({runs[-1].relative_to(LOGS.parents[1])})")
    for name, scenario_seconds, result in (row for row in rows if row[0].startswith("molecule/")):
        if name == "molecule/attack":
            figures.record("attack scenario wall time (s), in that run", f"{scenario_seconds} {result}",
                           "make molecule SCENARIO=attack")
    return 0


if __name__ == "__main__":
    sys.exit(main())
