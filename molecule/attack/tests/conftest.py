"""The lab fixture of the attack scenario's road tests (lab.py holds the lab itself), and
the outcome of every check, one line each in .cache/logs/attack-roads.tsv for `make bench`
(bench/attack_roads.py)."""

from pathlib import Path

import pytest
from lab import Lab

OUTCOMES = Path(__file__).resolve().parents[3] / ".cache" / "logs" / "attack-roads.tsv"


@pytest.fixture(scope="session")
def lab(testbed):
    return Lab(testbed)


def pytest_sessionstart(session):
    OUTCOMES.parent.mkdir(parents=True, exist_ok=True)
    OUTCOMES.write_text("")


def pytest_runtest_logreport(report):
    """A check's outcome: its call's, or its setup's or teardown's when that one failed."""
    if report.when == "call" or report.outcome != "passed":
        OUTCOMES.parent.mkdir(parents=True, exist_ok=True)
        with OUTCOMES.open("a", encoding="utf-8") as out:
            out.write(f"{report.nodeid}\t{report.when}\t{report.outcome}\n")
