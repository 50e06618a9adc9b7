"""The roaming scenario's figures from its last run: guesses each guesser landed before its
ban, the roaming phones' call-setup times and RTP echoed, read from
.cache/logs/roaming-figures.tsv (written by molecule/roaming/tests/test_roaming.py, lines
"FIGURE<TAB>VALUE")."""

import sys
from pathlib import Path

import figures

MEASURED = Path(__file__).resolve().parents[1] / ".cache/logs/roaming-figures.tsv"
COMMAND = "make molecule SCENARIO=roaming"


def main():
    lines = [line.split("\t", 1) for line in MEASURED.read_text().splitlines() if "\t" in line] if MEASURED.exists() else []
    if not lines:
        print(f"no roaming scenario run recorded in {MEASURED} yet")
        figures.record("roaming", "(no run yet)", COMMAND)
        return 0
    for figure, value in lines:
        print(f"roaming {figure}: {value}")
        figures.record(f"roaming {figure}", value, COMMAND)
    return 0


if __name__ == "__main__":
    sys.exit(main())
