#!/usr/bin/python
# Copyright (c) pbxguard developers
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

from __future__ import annotations

DOCUMENTATION = r"""
module: dialplan_check
short_description: Check an Asterisk dial plan on the PBX for toll-fraud roads
version_added: 0.1.0
author: pbxguard developers (@pbxguard)
description:
  - Read an Asterisk dial plan (C(extensions.conf) and every file it C(#include)s) on the
    target and report what lets a caller run up a phone bill. Nothing is changed.
  - V(wildcard) (error) - a pattern that matches numbers of any length (V(_X.), V(_.), V(_!),
    V(_011.)) in a context reachable from an extension, trunk or inbound context (V(default)
    counts as inbound). Bounded patterns such as
    V(_NXXNXXXXXX), V(_1NXXNXXXXXX) or V(911) are fine.
  - V(unfiltered-exten) (error) - C(${EXTEN}), C(${EXTEN:1}) (any substring) or the caller ID (the C(CALLERID) function) passed to
    C(Dial), C(System), C(TrySystem) or C(SHELL) without the C(FILTER) function around it, in any
    context, reachable or not. C(${EXTEN}) of an extension whose pattern admits only letters,
    digits, C(*), C(#) and C(+) (V(_NXXNXXXXXX), V(201), V(s)) is safe and not reported.
  - V(outbound-from-inbound) (error) - an outbound route context reachable from V(default) or an
    inbound context, reported where the last jump into it is.
  - V(disa-without-pin) (error) - C(DISA) with no password or C(no-password), in any context.
  - V(unresolved-jump) (warning) - a jump whose target context is a variable, which the checker
    cannot follow.
  - V(unknown-context), V(include-missing), V(include-loop), V(parse-error) (warnings) - an
    entry point that is not a context of the dial plan, an C(#include) file that cannot be read,
    an C(#include) loop (not followed), a line Asterisk would not read.
  - Reachability follows C(include =>), C(Goto), C(GotoIf), C(GotoIfTime), C(Gosub),
    C(GosubIf), C(Macro), C(MacroIf), C(Dial) of a C(Local/exten@context) channel, the context of C(DISA), and
    the applications that C(Exec) and C(ExecIf) run.
  - The P(pbxguard.hardening.dialplan_findings#filter) filter runs the same checker on text on
    the controller.
options:
  path:
    description:
      - The dial plan's main file. C(#include) and C(#tryinclude) are resolved relative to the
        directory of the file that holds them.
    type: path
    default: /etc/asterisk/extensions.conf
  entry_points:
    description:
      - Which contexts calls enter the dial plan by.
    type: dict
    default: {}
    suboptions:
      extensions:
        description: Where phones' calls start (the C(context) of the PJSIP endpoints).
        type: list
        elements: str
        default: []
      trunks:
        description: Where the providers' calls start.
        type: list
        elements: str
        default: []
      inbound:
        description: Contexts reachable by callers from outside; V(default) always counts as one.
        type: list
        elements: str
        default: []
      outbound_routes:
        description: Contexts that dial out through a trunk.
        type: list
        elements: str
        default: []
  fail_on_findings:
    description:
      - Fail when a finding of severity V(error) exists. Warnings never make the module fail.
      - With V(false) the findings are only returned.
    type: bool
    default: true
attributes:
  check_mode:
    description: Can run in check mode and return changed status prediction without modifying target.
    support: full
    details:
      - The module only reads; it runs the same in check mode.
  diff_mode:
    description: Will return details on what has changed (or possibly needs changing in check mode), when in diff mode.
    support: none
  platform:
    description: Target OS/families that can be operated against.
    support: full
    platforms: posix
notes:
  - C(#exec) is never run; it is reported as a V(parse-error) warning.
  - Jumps whose target is computed at run time (a context in a variable, AGI, AMI, call files)
    cannot be followed; unresolved jumps are reported as warnings.
seealso:
  - plugin: pbxguard.hardening.dialplan_findings
    plugin_type: filter
"""

EXAMPLES = r"""
- name: Check the dial plan; fail on any error finding
  pbxguard.hardening.dialplan_check:
    entry_points:
      extensions: [from-internal]
      trunks: [from-trunk]
      inbound: [from-trunk]
      outbound_routes: [outbound-allowed]

- name: Report on a user's own file without failing
  pbxguard.hardening.dialplan_check:
    path: /etc/asterisk/extensions_custom.conf
    entry_points:
      extensions: [from-internal-custom]
    fail_on_findings: false
  register: __dialplan

- name: Show the findings
  ansible.builtin.debug:
    msg: "{{ __dialplan.findings | map(attribute='message') }}"
"""

RETURN = r"""
findings:
  description: The findings, sorted by file and line; empty when there is none.
  returned: always
  type: list
  elements: dict
  sample:
    - kind: wildcard
      severity: error
      file: /etc/asterisk/extensions.conf
      line: 27
      context: from-trunk
      pattern: _X.
      message: _X. matches numbers of any length and is reachable from the trunk context from-trunk; spell out the numbers it may dial, like _NXXNXXXXXX
      path: [from-trunk]
  contains:
    kind:
      description: What was found - V(wildcard), V(unfiltered-exten), V(outbound-from-inbound),
        V(disa-without-pin), V(unresolved-jump), V(unknown-context), V(include-missing),
        V(include-loop) or V(parse-error).
      type: str
    severity:
      description: V(error) for the first four kinds, V(warning) for the others.
      type: str
    file:
      description: The file of the line; null for an entry point that is not in the dial plan.
      type: str
    line:
      description: The line number in the file, from 1; null when the finding has no line.
      type: int
    context:
      description: The context the line belongs to (null outside any context).
      type: str
    pattern:
      description: The extension pattern of the line, null for lines that are no extension.
      type: str
    message:
      description: What is wrong and how to fix it.
      type: str
    path:
      description: For V(wildcard) and V(outbound-from-inbound), the contexts from the entry point
        to the context concerned; empty for the other kinds.
      type: list
      elements: str
counts:
  description: The number of findings of each severity.
  returned: always
  type: dict
  sample: {error: 1, warning: 0}
  contains:
    error:
      description: Findings of severity V(error).
      type: int
    warning:
      description: Findings of severity V(warning).
      type: int
files:
  description: The files read, the main file first, then the included ones in the order they were read.
  returned: always
  type: list
  elements: str
  sample: [/etc/asterisk/extensions.conf, /etc/asterisk/extensions_custom.conf]
"""

import os

from ansible.module_utils.basic import AnsibleModule

from ansible_collections.pbxguard.hardening.plugins.module_utils._dialplan import (
    ERROR,
    check_path,
    count_severities,
)

CONTEXT_LIST = dict(type="list", elements="str", default=[])


def main():
    module = AnsibleModule(
        argument_spec=dict(
            path=dict(type="path", default="/etc/asterisk/extensions.conf"),
            entry_points=dict(
                type="dict",
                default={},
                options=dict(extensions=CONTEXT_LIST, trunks=CONTEXT_LIST, inbound=CONTEXT_LIST, outbound_routes=CONTEXT_LIST),
            ),
            fail_on_findings=dict(type="bool", default=True),
        ),
        supports_check_mode=True,
    )
    path = module.params["path"]
    if not os.path.isfile(path) or not os.access(path, os.R_OK):
        module.fail_json(msg=f"dial plan {path} is not a readable file", findings=[], counts=count_severities([]), files=[])
    try:
        findings, files = check_path(path, module.params["entry_points"])
    except ValueError as exc:
        module.fail_json(msg=f"dialplan_check: {exc}")
    counts = count_severities(findings)
    result = dict(changed=False, findings=findings, counts=counts, files=files)
    if counts[ERROR] and module.params["fail_on_findings"]:
        first = next(item for item in findings if item["severity"] == ERROR)
        module.fail_json(
            msg=f"{counts[ERROR]} dial plan finding(s) of severity error in {path}; the first: "
            f"{first['file']}:{first['line']} [{first['context']}] {first['kind']}: {first['message']}",
            **result,
        )
    module.exit_json(**result)


if __name__ == "__main__":
    main()
