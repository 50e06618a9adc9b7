"""Make the collection importable as ansible_collections.pbxguard.hardening.

The checkout is not itself under ansible_collections/; the repo's ignored
.collections/ folder holds a symlink that is. Setting PYTHONPATH to it works too.
"""

import json
import os
import subprocess
import sys
from collections import namedtuple
from pathlib import Path

import pytest

COLLECTIONS = Path(__file__).resolve().parents[2] / ".collections"

if COLLECTIONS.is_dir() and str(COLLECTIONS) not in sys.path:
    sys.path.insert(0, str(COLLECTIONS))


PlaybookRun = namedtuple("PlaybookRun", ["results", "output"])


@pytest.fixture
def run_playbook(tmp_path):
    """Run a playbook on localhost with the real ansible-playbook, the collection found by
    its full name. The playbook writes its results as JSON to the variable `out`; the run
    returns them with everything ansible-playbook printed."""

    def run(text, extra_vars=None):
        playbook = tmp_path / "playbook.yml"
        playbook.write_text(text, encoding="utf-8")
        out = tmp_path / "out.json"
        env = dict(
            os.environ,
            ANSIBLE_COLLECTIONS_PATH=str(COLLECTIONS),
            ANSIBLE_LOCAL_TEMP=str(tmp_path / "tmp"),
            ANSIBLE_REMOTE_TEMP=str(tmp_path / "tmp"),
            ANSIBLE_NOCOLOR="1",
        )
        variables = {**(extra_vars or {}), "out": str(out), "ansible_python_interpreter": sys.executable}
        command = [
            str(Path(sys.executable).parent / "ansible-playbook"),
            "-i", "localhost,", "-c", "local", "-e", json.dumps(variables), str(playbook),
        ]
        completed = subprocess.run(command, capture_output=True, text=True, env=env, check=False, cwd=tmp_path)
        assert completed.returncode == 0, completed.stdout + completed.stderr
        return PlaybookRun(json.loads(out.read_text(encoding="utf-8")), completed.stdout + completed.stderr)

    return run
