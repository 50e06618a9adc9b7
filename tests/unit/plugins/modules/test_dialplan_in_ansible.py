"""dialplan_check and dialplan_findings through ansible-playbook: AnsiballZ must carry
the shared module_utils, the filter must be found by its full name, and a dial plan with
findings must stop the play with the module's message."""

from pathlib import Path

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures" / "dialplan"

PLAYBOOK = """
- name: Check dial plans on the target and on the controller
  hosts: localhost
  gather_facts: false
  vars:
    entry_points:
      extensions: [from-internal]
      trunks: [from-trunk]
      inbound: [from-trunk]
      outbound_routes: [outbound-allowed]
  tasks:
    - name: A clean dial plan, in check mode
      pbxguard.hardening.dialplan_check:
        path: "{{ clean }}"
        entry_points: "{{ entry_points }}"
      check_mode: true
      register: clean_result

    - name: Report without failing
      pbxguard.hardening.dialplan_check:
        path: "{{ toll_fraud }}"
        entry_points: "{{ entry_points }}"
        fail_on_findings: false
      register: report

    - name: Fail on findings
      block:
        - name: The toll-fraud dial plan
          pbxguard.hardening.dialplan_check:
            path: "{{ toll_fraud }}"
            entry_points: "{{ entry_points }}"
      rescue:
        - name: Keep the message
          ansible.builtin.set_fact:
            failure: "{{ ansible_failed_result.msg }}"

    - name: Write what the tasks returned
      ansible.builtin.copy:
        content: "{{ {'clean': clean_result, 'report': report, 'failure': failure,
                      'filter': {'toll_fraud.conf': lookup('ansible.builtin.file', toll_fraud)}
                                | pbxguard.hardening.dialplan_findings(entry_points)} | to_json }}"
        dest: "{{ out }}"
        mode: "0600"
"""


def test_module_and_filter_in_a_playbook(run_playbook):
    toll_fraud = str(FIXTURES / "toll_fraud.conf")
    results = run_playbook(PLAYBOOK, {"clean": str(FIXTURES / "clean.conf"), "toll_fraud": toll_fraud}).results

    assert results["clean"]["findings"] == [] and results["clean"]["changed"] is False
    report = results["report"]["findings"]
    assert results["report"]["counts"] == {"error": 8, "warning": 1}
    assert results["failure"].startswith(f"8 dial plan finding(s) of severity error in {toll_fraud}; the first: {toll_fraud}:23")
    # The filter on the same text finds the same, under the name it was given.
    for item in report:
        item["file"] = "toll_fraud.conf"
    assert results["filter"] == report
