"""The pbx role through the shared runner of tests/conftest.py, its fact dumped as data."""

import json

import pytest

# Runs the pbx role and dumps the fact it sets, so tests compare it as data.
PBX_PLAYBOOK = """\
- name: Apply the pbx role to this machine
  hosts: localhost
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


@pytest.fixture(scope="session")
def run_pbx_role(tmp_path_factory, ansible_playbook):
    """Return run(variables, env=None) -> playbook.Run with .facts: pbx_site, or None when the
    play stopped before the dump."""

    def run(variables, env=None):
        tmp_path = tmp_path_factory.mktemp("pbx")
        facts_file = tmp_path / "facts.json"
        (tmp_path / "play.yml").write_text(PBX_PLAYBOOK.format(facts_file=json.dumps(str(facts_file))))
        result = ansible_playbook(tmp_path / "play.yml", tmp_path, variables, env)
        result.facts = json.loads(facts_file.read_text()) if facts_file.exists() else None
        return result

    return run
