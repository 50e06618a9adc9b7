"""What every test of this checkout shares: the collection on sys.path, and one way to run
the real ansible-playbook against localhost.

The collection must be found through this repo's .collections/ link (made by `make setup`),
so the tests exercise this clone and not another copy of the collection on the machine.
"""

import json
import os
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[1]
COLLECTIONS = REPO / ".collections"
VENV_BIN = REPO / ".venv" / "bin"

# The collection imports as ansible_collections.pbxguard.hardening.
if COLLECTIONS.is_dir() and str(COLLECTIONS) not in sys.path:
    sys.path.insert(0, str(COLLECTIONS))


@dataclass
class PlaybookRun:
    rc: int
    report: dict  # the json callback's report
    output: str  # everything ansible-playbook printed
    stderr: str
    facts: dict | None = None  # what a test's playbook dumped, when it got that far

    @property
    def error(self):
        """The failure that stopped the play, or None."""
        return self.failures[-1] if self.failures else None

    @property
    def failures(self):
        """The msg of every failed result (loop items included), in order."""
        messages = []
        for play in self.report.get("plays", []):
            for task in play["tasks"]:
                result = task["hosts"].get("localhost", {})
                if result.get("failed"):
                    items = [item["msg"] for item in result.get("results", []) if item.get("failed")]
                    messages.extend(items or [result.get("msg", "")])
        return messages

    def __str__(self):
        return f"rc {self.rc}, failures {self.failures}, stderr:\n{self.stderr}"


def _environment(tmp_path):
    site_packages = sorted((REPO / ".venv" / "lib").glob("python3*/site-packages"))
    env = {key: value for key, value in os.environ.items() if not key.startswith("ANSIBLE_")}
    # The pbx role reads the controller's address from SSH_CLIENT: only a test may set it.
    env.pop("SSH_CLIENT", None)
    env.update(
        PATH=f"{VENV_BIN}{os.pathsep}{env.get('PATH', '')}",
        ANSIBLE_COLLECTIONS_PATH=os.pathsep.join(map(str, [COLLECTIONS, *site_packages])),
        ANSIBLE_COLLECTIONS_SCAN_SYS_PATH="false",
        ANSIBLE_HOME=str(tmp_path / "ansible"),
        ANSIBLE_LOCAL_TEMP=str(tmp_path / "ansible" / "tmp"),
        ANSIBLE_REMOTE_TEMP=str(tmp_path / "ansible" / "tmp"),
        ANSIBLE_STDOUT_CALLBACK="ansible.builtin.json",
        ANSIBLE_NOCOLOR="1",
    )
    return env


@pytest.fixture(scope="session")
def ansible_playbook():
    """run(playbook, tmp_path, variables=None, env=None) -> PlaybookRun, on localhost."""
    link = COLLECTIONS / "ansible_collections" / "pbxguard" / "hardening"
    if link.resolve() != REPO:
        pytest.fail(f"{link} must point at {REPO}: run `make setup`")

    def run(playbook, tmp_path, variables=None, env=None):
        (tmp_path / "vars.json").write_text(json.dumps(variables or {}))
        # The interpreter running pytest (the venv's) also runs the modules.
        (tmp_path / "inventory").write_text(f"localhost ansible_connection=local ansible_python_interpreter={sys.executable}\n")
        process = subprocess.run(
            ["ansible-playbook", "-i", "inventory", "-e", "@vars.json", str(playbook)],
            cwd=tmp_path,
            env={**_environment(tmp_path), **(env or {})},
            capture_output=True,
            text=True,
            timeout=600,
            check=False,
        )
        try:
            report = json.loads(process.stdout)
        except ValueError:
            pytest.fail(f"ansible-playbook gave no JSON report (rc {process.returncode}):\n{process.stdout}\n{process.stderr}")
        return PlaybookRun(process.returncode, report, process.stdout + process.stderr, process.stderr)

    return run
