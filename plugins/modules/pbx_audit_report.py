#!/usr/bin/python
# Copyright (c) pbxguard developers
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

from __future__ import annotations

DOCUMENTATION = r"""
module: pbx_audit_report
short_description: Write the audit report of the fleet as JSON and as one self-contained HTML page
version_added: 0.4.0
author: pbxguard developers (@pbxguard)
description:
  - Joins the results of M(pbxguard.hardening.pbx_audit) of every host with the checklist and
    writes C(pbxguard-audit-TIMESTAMP.json) and C(pbxguard-audit-TIMESTAMP.html) into
    O(directory), mode C(0600). Meant to run on the controller (a play on C(localhost)).
  - The HTML page has a fleet summary (hosts by checklist items, the hosts and items with the
    most failures first), the failed and unknown items of each host with the reason, and the
    items only a person can do. It loads nothing from elsewhere and runs no script.
  - A host whose results are missing (unreachable, or its audit failed) is reported as
    C(not audited) on every item, which counts as a failure.
options:
  directory:
    description: Where the reports go; created (mode C(0700)) when missing.
    type: path
    required: true
  checklist:
    description: The checklist, C(name), C(version) and C(items) of C(id), C(title), C(who) (C(machine) or C(person)) and C(how).
    type: dict
    required: true
  results:
    description: Host name to its C(pbx_audit) results, or null for a host that was not audited.
    type: dict
    required: true
attributes:
  check_mode:
    support: full
    description: In check mode nothing is written; run the task with C(check_mode=false) to write the report anyway.
  diff_mode:
    support: none
    description: The report is a new file each run.
  platform:
    support: full
    platforms: posix
    description: The controller.
"""

EXAMPLES = r"""
- name: Write the fleet's report
  pbxguard.hardening.pbx_audit_report:
    directory: "{{ playbook_dir }}/audit-reports"
    checklist: "{{ lookup('ansible.builtin.file', 'checklist.yml') | from_yaml }}"
    results: "{{ dict(groups['pbx'] | zip(groups['pbx'] | map('extract', hostvars, ['__audit', 'results']))) }}"
"""

RETURN = r"""
json_path:
  description: The JSON report.
  returned: always
  type: str
html_path:
  description: The HTML report.
  returned: always
  type: str
failed_hosts:
  description: The hosts with at least one failed or not-audited item.
  returned: always
  type: list
  elements: str
report:
  description: The report as written to the JSON file (C(hosts) name to C(results) and C(counts); C(items); C(person_items)).
  returned: always
  type: dict
"""

import datetime
import json
import os

from ansible.module_utils.basic import AnsibleModule

from ansible_collections.pbxguard.hardening.plugins.module_utils import _audit_report as report_lib
from ansible_collections.pbxguard.hardening.plugins.module_utils._private_file import write_private


def main():
    module = AnsibleModule(
        argument_spec=dict(
            directory=dict(type="path", required=True),
            checklist=dict(type="dict", required=True),
            results=dict(type="dict", required=True),
        ),
        supports_check_mode=True,
    )
    now = datetime.datetime.now(datetime.timezone.utc).replace(microsecond=0)
    try:
        report = report_lib.build(module.params["checklist"], module.params["results"], now.isoformat())
    except report_lib.ReportError as exc:
        module.fail_json(msg=str(exc))
    directory = module.params["directory"]
    stem = os.path.join(directory, f"pbxguard-audit-{now.strftime('%Y%m%dT%H%M%SZ')}")
    failed = [name for name in report_lib.host_order(report)
              if report["hosts"][name]["counts"][report_lib.FAIL] + report["hosts"][name]["counts"][report_lib.NOT_AUDITED]]
    result = dict(changed=not module.check_mode, json_path=stem + ".json", html_path=stem + ".html",
                  failed_hosts=failed, report=report)
    if not module.check_mode:
        try:
            write_private(module, stem + ".json", json.dumps(report, indent=1, sort_keys=True) + "\n", ".pbxguard-audit-")
            write_private(module, stem + ".html", report_lib.render_html(report), ".pbxguard-audit-")
        except OSError as exc:
            module.fail_json(msg=f"cannot write the report in {directory}: {exc}")
    module.exit_json(**result)


if __name__ == "__main__":
    main()
