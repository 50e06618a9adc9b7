"""What every test of this checkout shares: the collection on sys.path, and the one runner
of the real ansible-playbook (tests/playbook.py) against localhost.

The collection must be found through this repo's .collections/ link (made by `make setup`),
so the tests exercise this clone and not another copy of the collection on the machine.
"""

import json
import sys
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[1]
COLLECTIONS = REPO / ".collections"

# The collection imports as ansible_collections.pbxguard.hardening.
if COLLECTIONS.is_dir() and str(COLLECTIONS) not in sys.path:
    sys.path.insert(0, str(COLLECTIONS))
# tests/ is not a package: its helpers (playbook, containers, attacks) import by name.
if str(REPO / "tests") not in sys.path:
    sys.path.insert(0, str(REPO / "tests"))

import playbook  # noqa: E402


@pytest.fixture(scope="session")
def ansible_playbook():
    """run(playbook, tmp_path, variables=None, env=None) -> playbook.Run on localhost, with the
    json callback's report; Ansible's state in tmp_path, no ANSIBLE_* setting of the caller's.
    A test's playbook may leave what it dumped in the Run's facts."""
    link = COLLECTIONS / "ansible_collections" / "pbxguard" / "hardening"
    if link.resolve() != REPO:
        pytest.fail(f"{link} must point at {REPO}: run `make setup`")

    def run(path, tmp_path, variables=None, env=None):
        (tmp_path / "vars.json").write_text(json.dumps(variables or {}))
        # The interpreter running pytest (the venv's) also runs the modules.
        inventory = playbook.localhost_inventory(tmp_path)
        result = playbook.run(path, inventory.name, extra_vars="@vars.json", callback=playbook.JSON, cwd=tmp_path,
                              home=tmp_path, inherit_ansible=False, env=env, timeout=600)
        if result.report is None:
            pytest.fail(f"ansible-playbook gave no JSON report (rc {result.rc}):\n{result.output}")
        result.facts = None
        return result

    return run
