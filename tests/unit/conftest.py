"""Plugins run inside a real playbook: the shared runner of tests/conftest.py, on localhost."""

import json
from collections import namedtuple

import pytest

PlaybookResults = namedtuple("PlaybookResults", ["results", "output"])


@pytest.fixture
def run_playbook(tmp_path, ansible_playbook):
    """Run playbook text on localhost with the collection found by its full name. The
    playbook writes its results as JSON to the variable `out`; the run returns them with
    everything ansible-playbook printed."""

    def run(text, extra_vars=None):
        playbook = tmp_path / "playbook.yml"
        playbook.write_text(text, encoding="utf-8")
        out = tmp_path / "out.json"
        run = ansible_playbook(playbook, tmp_path, {**(extra_vars or {}), "out": str(out)})
        assert run.rc == 0, run.output
        return PlaybookResults(json.loads(out.read_text(encoding="utf-8")), run.output)

    return run
