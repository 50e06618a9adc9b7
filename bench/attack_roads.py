"""The attack roads' verdicts from the last attack scenario run: each road's checks that
passed, read from .cache/logs/attack-roads.tsv (written by molecule/attack/tests/conftest.py,
lines "NODEID<TAB>PHASE<TAB>OUTCOME"). A road is closed when every check of its file passed,
FAILED otherwise (the road opened, or its legitimate path broke)."""

import re
import sys
from collections import defaultdict
from pathlib import Path

import figures

OUTCOMES = Path(__file__).resolve().parents[1] / ".cache/logs/attack-roads.tsv"
COMMAND = "make molecule SCENARIO=attack"


def verdicts(lines):
    """{road file: (checks passed, checks)} from the outcome lines, in road order."""
    roads = defaultdict(dict)
    for line in lines:
        nodeid, _phase, outcome = line.split("\t")
        match = re.search(r"(test_road\d+_\w+)\.py::(.+)$", nodeid)
        if match:
            checks = roads[match.group(1)]
            # A failed setup or teardown fails the check even when its call passed.
            checks[match.group(2)] = checks.get(match.group(2), "passed") == "passed" and outcome == "passed"
    return {road: (sum(checks.values()), len(checks)) for road, checks in sorted(roads.items())}


def main():
    lines = OUTCOMES.read_text().splitlines() if OUTCOMES.exists() else []
    roads = verdicts(line for line in lines if line.strip())
    if not roads:
        print(f"no attack scenario run recorded in {OUTCOMES} yet")
        figures.record("attack roads", "(no run yet)", COMMAND)
        return 0
    for road, (passed, total) in roads.items():
        verdict = "closed" if passed == total else "FAILED"
        name = road.removeprefix("test_").replace("_", " ", 1).replace("_", " ")
        print(f"{name}: {verdict}, {passed}/{total} checks passed")
        figures.record(f"attack {name}", f"{verdict} ({passed}/{total} checks)", COMMAND)
    return 0


if __name__ == "__main__":
    sys.exit(main())
