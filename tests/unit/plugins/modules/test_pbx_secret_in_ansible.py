"""pbx_secret through ansible-playbook: AnsiballZ must carry its module_utils,
and check mode, no_log and reruns must behave as they do for a user."""

import json

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


def test_module_in_a_playbook(run_playbook, tmp_path):
    store = tmp_path / "store" / "secrets.json"
    run = run_playbook(PLAYBOOK, {"store": str(store)})
    results = run.results

    assert results["preview"]["changed"] is True
    assert results["first"]["changed"] is True and results["second"]["changed"] is False
    pin = results["first"]["secret"]
    assert len(pin) == 8 and pin.isdigit() and "201" not in pin
    assert results["second"]["secret"] == pin
    # no_log keeps the value out of what ansible-playbook prints.
    assert pin not in run.output
    assert json.loads(store.read_text(encoding="utf-8"))["secrets"]["vm_201"]["value"] == pin
