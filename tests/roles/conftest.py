"""Run playbooks of this checkout with the real ansible-playbook against localhost.

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

REPO = Path(__file__).resolve().parents[2]
COLLECTIONS = REPO / ".collections"
VENV_BIN = REPO / ".venv" / "bin"

# Runs the pbx role and dumps the fact it sets, so tests compare it as data.
PBX_PLAYBOOK = """\
- name: Apply the pbx role to this machine
  hosts: localhost
  connection: local
  gather_facts: false
  roles:
    - role: pbxguard.hardening.pbx
  post_tasks:
    - name: Write the fact the role set
      ansible.builtin.copy:
        content: "{{{{ pbx_site | to_json }}}}"
        dest: {facts_file}
        mode: "0600"
"""


@dataclass
class Run:
    rc: int
    facts: dict | None  # None when the play stopped before the dump
    failures: list  # msg of every failed result (loop items included), in order
    stderr: str

    @property
    def error(self):
        """The failure that stopped the play."""
        assert self.failures, f"the play did not fail: {self}"
        return self.failures[-1]

    def __str__(self):
        return f"rc {self.rc}, failures {self.failures}, stderr:\n{self.stderr}"


def _failures(report):
    messages = []
    for play in report["plays"]:
        for task in play["tasks"]:
            result = task["hosts"].get("localhost", {})
            if not result.get("failed"):
                continue
            items = [item["msg"] for item in result.get("results", []) if item.get("failed")]
            messages.extend(items or [result.get("msg", "")])
    return messages


def _environment(tmp_path):
    site_packages = sorted((REPO / ".venv" / "lib").glob("python3*/site-packages"))
    env = {key: value for key, value in os.environ.items() if not key.startswith("ANSIBLE_")}
    # The role reads the controller's address from SSH_CLIENT: only a test may set it.
    env.pop("SSH_CLIENT", None)
    env.update(
        PATH=f"{VENV_BIN}{os.pathsep}{env.get('PATH', '')}",
        ANSIBLE_COLLECTIONS_PATH=os.pathsep.join(map(str, [COLLECTIONS, *site_packages])),
        ANSIBLE_COLLECTIONS_SCAN_SYS_PATH="false",
        ANSIBLE_HOME=str(tmp_path / "ansible"),
        ANSIBLE_LOCAL_TEMP=str(tmp_path / "ansible" / "tmp"),
        ANSIBLE_STDOUT_CALLBACK="ansible.builtin.json",
        ANSIBLE_NOCOLOR="1",
    )
    return env


@pytest.fixture(scope="session")
def run_ansible():
    """Return run(playbook, tmp_path, variables=None, env=None, facts_file=None) -> Run."""
    link = COLLECTIONS / "ansible_collections" / "pbxguard" / "hardening"
    if link.resolve() != REPO:
        pytest.fail(f"{link} must point at {REPO}: run `make setup`")

    def run(playbook, tmp_path, variables=None, env=None, facts_file=None):
        (tmp_path / "vars.json").write_text(json.dumps(variables or {}))
        # The interpreter running pytest (the venv's) also runs the modules.
        (tmp_path / "inventory").write_text(f"localhost ansible_python_interpreter={sys.executable}\n")
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
        facts = json.loads(facts_file.read_text()) if facts_file and facts_file.exists() else None
        return Run(rc=process.returncode, facts=facts, failures=_failures(report), stderr=process.stderr)

    return run


@pytest.fixture(scope="session")
def run_pbx_role(tmp_path_factory, run_ansible):
    """Return run(variables, env=None) -> Run: the pbx role with variables as extra vars."""

    def run(variables, env=None):
        tmp_path = tmp_path_factory.mktemp("pbx")
        facts_file = tmp_path / "facts.json"
        (tmp_path / "play.yml").write_text(PBX_PLAYBOOK.format(facts_file=json.dumps(str(facts_file))))
        return run_ansible(tmp_path / "play.yml", tmp_path, variables, env, facts_file)

    return run
