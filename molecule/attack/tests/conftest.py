"""The lab fixture of the attack scenario's road tests (lab.py holds the lab itself)."""

import pytest
from lab import Lab


@pytest.fixture(scope="session")
def lab(testbed):
    return Lab(testbed)
