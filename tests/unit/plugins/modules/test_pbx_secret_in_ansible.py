"""pbx_secret through ansible-playbook: AnsiballZ must carry its module_utils,
and check mode, no_log and reruns must behave as they do for a user."""

import json
import os
import subprocess
import sys
from pathlib import Path

from ansible_collections.pbxguard.hardening.plugins.modules import pbx_secret

COLLECTIONS_ROOT = Path(pbx_secret.__file__).parents[5]

PLAYBOOK = """
- name: Generate, keep and preview secrets
  hosts: localhost
  gather_facts: false
  tasks:
    - name: Preview in check mode
      pbxguard.hardening.pbx_secret:
        name: vm_201
        kind: voicemail_pin
        store: "{{ store }}"
      check_mode: true
      register: preview
      no_log: true

    - name: Generate
      pbxguard.hardening.pbx_secret:
        name: vm_201
        kind: voicemail_pin
        exclude: ["201"]
        store: "{{ store }}"
      register: first
      no_log: true

    - name: Run again
      pbxguard.hardening.pbx_secret:
        name: vm_201
        kind: voicemail_pin
        exclude: ["201"]
        store: "{{ store }}"
      register: second
      no_log: true

    - name: Write what the tasks returned
      ansible.builtin.copy:
        content: "{{ {'preview': preview, 'first': first, 'second': second} | to_json }}"
        dest: "{{ out }}"
        mode: "0600"
      no_log: true
"""


def test_module_in_a_playbook(tmp_path):
    playbook = tmp_path / "playbook.yml"
    playbook.write_text(PLAYBOOK, encoding="utf-8")
    store = tmp_path / "store" / "secrets.json"
    out = tmp_path / "out.json"
    env = dict(
        os.environ,
        ANSIBLE_COLLECTIONS_PATH=str(COLLECTIONS_ROOT),
        ANSIBLE_LOCAL_TEMP=str(tmp_path / "tmp"),
        ANSIBLE_REMOTE_TEMP=str(tmp_path / "tmp"),
        ANSIBLE_NOCOLOR="1",
    )
    extra_vars = {"store": str(store), "out": str(out), "ansible_python_interpreter": sys.executable}
    command = [
        str(Path(sys.executable).parent / "ansible-playbook"),
        "-i", "localhost,", "-c", "local", "-e", json.dumps(extra_vars), str(playbook),
    ]
    completed = subprocess.run(command, capture_output=True, text=True, env=env, check=False, cwd=tmp_path)
    assert completed.returncode == 0, completed.stdout + completed.stderr
    results = json.loads(out.read_text(encoding="utf-8"))

    assert results["preview"]["changed"] is True
    assert results["first"]["changed"] is True and results["second"]["changed"] is False
    pin = results["first"]["secret"]
    assert len(pin) == 8 and pin.isdigit() and "201" not in pin
    assert results["second"]["secret"] == pin
    # no_log keeps the value out of what ansible-playbook prints.
    assert pin not in completed.stdout
    assert json.loads(store.read_text(encoding="utf-8"))["secrets"]["vm_201"]["value"] == pin
