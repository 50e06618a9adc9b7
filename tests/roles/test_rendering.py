"""The firewall and fail2ban templates draw the site model: for each inventory in
fixtures/rendered/, the files the roles render are byte for byte the expected ones.

The expected files were rendered by the Jinja site model that came before the Python one,
so the move changed no rule and no jail; they stay as the regression fixture.
"""

import json
from pathlib import Path

import pytest
import yaml

FIXTURES = Path(__file__).parent / "fixtures" / "rendered"
CASES = sorted(path.name for path in FIXTURES.iterdir() if path.is_dir())
ROLES = Path(__file__).resolve().parents[2] / "roles"

# One play per case: the model from the case's inventory and host facts, then every template
# of the two roles into the case's folder. The roles' vars files give the templates their names.
PLAY = """\
- name: Render case {case}
  hosts: localhost
  connection: local
  gather_facts: false
  vars_files:
    - {vars_file}
    - {roles}/firewall/vars/main.yml
    - {roles}/fail2ban/vars/main.yml
  tasks:
    - name: Build the site model
      pbxguard.hardening.pbx_site:

    - name: Render the firewall files
      ansible.builtin.template:
        src: "{roles}/firewall/templates/{{{{ item.template }}}}"
        dest: "{out}/{{{{ item.file }}}}"
        mode: "0600"
      loop: "{{{{ __files | selectattr('file', 'in', pbx_site.firewall.files) }}}}"
      vars:
        __firewall_family: "{{{{ item.family | default(4) }}}}"
        __files:
          - {{template: pbxguard.nft.j2, file: pbxguard.nft}}
          - {{template: ipsets.j2, file: ipsets}}
          - {{template: rules.j2, file: rules.v4, family: 4}}
          - {{template: rules.j2, file: rules.v6, family: 6}}
          - {{template: scanner.j2, file: scanner.v4, family: 4}}
          - {{template: scanner.j2, file: scanner.v6, family: 6}}

    - name: Render the fail2ban files
      ansible.builtin.template:
        src: "{roles}/fail2ban/templates/{{{{ item }}}}.j2"
        dest: "{out}/{{{{ item }}}}"
        mode: "0600"
      loop: [jail.local, fail2ban.local]
"""


@pytest.fixture(scope="module")
def rendered(tmp_path_factory, ansible_playbook):
    """case -> {file name: text}, from one ansible-playbook run for every case."""
    tmp = tmp_path_factory.mktemp("rendered")
    plays = []
    for case in CASES:
        description = yaml.safe_load((FIXTURES / case / "vars.yml").read_text())
        variables = {**description["inventory"], "pbx_host": description["host"]}
        (tmp / f"{case}.json").write_text(json.dumps(variables))
        (tmp / case).mkdir()
        plays.append(PLAY.format(case=case, vars_file=tmp / f"{case}.json", roles=ROLES, out=tmp / case))
    (tmp / "play.yml").write_text("---\n" + "\n".join(plays))
    run = ansible_playbook(tmp / "play.yml", tmp)
    assert run.rc == 0, run
    return {case: {path.name: path.read_text() for path in (tmp / case).iterdir()} for case in CASES}


@pytest.mark.parametrize("case", CASES)
def test_the_roles_render_the_expected_files(rendered, case):
    expected = {path.name: path.read_text() for path in (FIXTURES / case).iterdir() if path.name != "vars.yml"}
    assert sorted(rendered[case]) == sorted(expected)
    for name, text in expected.items():
        assert rendered[case][name] == text, f"{case}/{name} differs"
