"""One way to run the real ansible-playbook: for the unit and role tests (tests/conftest.py),
the molecule scenarios' tests and the bench.

`run(playbook, inventory, ...)` runs it with this checkout's environment: the collection found
through this repo's .collections/ link and the virtualenv's collections, nothing from another
copy on the machine, no colour, and the stdout callback asked for. It returns a `Run`, whose
repr shows the return code and the names of the failed tasks, never the output: a playbook's
output can hold secrets, and pytest prints the repr of whatever an assertion names.
"""

import json
import os
import re
import subprocess
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
COLLECTIONS = REPO / ".collections"
VENV = REPO / ".venv"
JSON = "ansible.builtin.json"
DEFAULT = "ansible.builtin.default"


def environment(base=None, callback=DEFAULT, home=None, inherit_ansible=True):
    """The environment ansible-playbook runs in: base (os.environ) without SSH_CLIENT (the pbx
    role reads the controller's address from it: only a test may set it), without its ANSIBLE_*
    settings unless inherit_ansible (molecule's, for its scenarios' tests), with this checkout's
    collections and virtualenv, and Ansible's state under home when given."""
    base = os.environ if base is None else base
    env = {key: value for key, value in base.items() if inherit_ansible or not key.startswith("ANSIBLE_")}
    env.pop("SSH_CLIENT", None)
    site_packages = sorted((VENV / "lib").glob("python3*/site-packages"))
    env.update(
        PATH=f"{VENV / 'bin'}{os.pathsep}{env.get('PATH', '')}",
        ANSIBLE_COLLECTIONS_PATH=os.pathsep.join(map(str, [COLLECTIONS, *site_packages])),
        ANSIBLE_COLLECTIONS_SCAN_SYS_PATH="false",
        ANSIBLE_STDOUT_CALLBACK=callback,
        ANSIBLE_NOCOLOR="1",
        ANSIBLE_FORCE_COLOR="0",
    )
    if home is not None:
        env.update(ANSIBLE_HOME=str(Path(home) / "ansible"),
                   ANSIBLE_LOCAL_TEMP=str(Path(home) / "ansible" / "tmp"),
                   ANSIBLE_REMOTE_TEMP=str(Path(home) / "ansible" / "tmp"))
    return env


class Run:
    """A finished ansible-playbook run: rc, stdout, stderr and, with the json callback, its
    report. Its repr never shows the output."""

    def __init__(self, rc, stdout, stderr, report=None):
        self.rc, self.stdout, self.stderr, self.report = rc, stdout, stderr, report

    @property
    def returncode(self):
        return self.rc

    @property
    def output(self):
        """Everything ansible-playbook printed."""
        return self.stdout + self.stderr

    def _failed_results(self):
        for play in (self.report or {}).get("plays", []):
            for task in play["tasks"]:
                for host, result in task["hosts"].items():
                    if result.get("failed"):
                        yield task["task"]["name"], host, result

    @property
    def failures(self):
        """With the json report: the msg of every failed result (loop items included), in order."""
        messages = []
        for _task, _host, result in self._failed_results():
            items = [item["msg"] for item in result.get("results", []) if item.get("failed")]
            messages.extend(items or [result.get("msg", "")])
        return messages

    @property
    def error(self):
        """With the json report: the failure that stopped the play, or None."""
        return self.failures[-1] if self.failures else None

    def recap(self):
        """{host: (changed, unreachable, failed)} of the default callback's PLAY RECAP."""
        found = re.findall(r"(?m)^(\S+)\s+:\s+ok=\d+\s+changed=(\d+)\s+unreachable=(\d+)\s+failed=(\d+)", self.stdout)
        return {host: tuple(int(n) for n in numbers) for host, *numbers in found}

    def failed_tasks(self):
        """The names of the tasks that failed, never their output."""
        if self.report is not None:
            return [task for task, _host, _result in self._failed_results()]
        return re.findall(r"(?m)^TASK \[([^\]]+)\][^\n]*\n(?:(?!TASK \[)[^\n]*\n)*?(?:fatal|failed):", self.stdout)

    def __repr__(self):
        return f"<ansible-playbook run, rc {self.rc}, failed tasks {self.failed_tasks()}>"

    __str__ = __repr__


class Hidden(list):
    """Secrets that pytest may show in a failure report: their repr gives only their number."""

    def __repr__(self):
        return f"<{len(self)} secrets, hidden>"


def run(playbook, inventory, *args, extra_vars=None, callback=DEFAULT, cwd=None, home=None, inherit_ansible=True,
        env=None, timeout=900):
    """ansible-playbook -i inventory [-e extra_vars as JSON] *args playbook; a Run. With the
    json callback the Run carries its report (None when the output was not one)."""
    argv = [str(VENV / "bin" / "ansible-playbook"), "-i", str(inventory)]
    if extra_vars is not None:
        argv += ["-e", extra_vars if isinstance(extra_vars, str) else json.dumps(extra_vars)]
    argv += [*map(str, args), str(playbook)]
    process = subprocess.run(
        argv, cwd=cwd, capture_output=True, text=True, timeout=timeout, check=False,
        env={**environment(callback=callback, home=home, inherit_ansible=inherit_ansible), **(env or {})})
    report = None
    if callback == JSON:
        try:
            report = json.loads(process.stdout)
        except ValueError:
            report = None
    return Run(process.returncode, process.stdout, process.stderr, report)


def localhost_inventory(directory):
    """An inventory of localhost, run by this interpreter (the virtualenv's), in directory."""
    path = Path(directory) / "inventory"
    path.write_text(f"localhost ansible_connection=local ansible_python_interpreter={sys.executable}\n")
    return path


def podman_inventory(directory, groups, name="inventory.yml"):
    """An inventory file of podman containers: {group: {host: container name}} (JSON, which
    is YAML: the yaml inventory plugin reads it under any of its extensions)."""
    inventory = {"all": {"children": {group: {"hosts": {
        host: {"ansible_host": container, "ansible_connection": "containers.podman.podman"}
        for host, container in hosts.items()}} for group, hosts in groups.items()}}}
    path = Path(directory) / name
    path.write_text(json.dumps(inventory, indent=2))
    return path
