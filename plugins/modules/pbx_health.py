#!/usr/bin/python
# Copyright (c) pbxguard developers
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

from __future__ import annotations

DOCUMENTATION = r"""
module: pbx_health
short_description: The health gate of a hardened PBX
version_added: 0.3.0
author: pbxguard developers (@pbxguard)
description:
  - Asks the running host, without changing anything, whether Asterisk has fully booted, the
    expected PJSIP endpoints and IAX2 peers are loaded, the IAX2 peers that must answer do
    (qualify C(OK)), the PJSIP registrations are registered, the collection's firewall ruleset
    is loaded and the expected fail2ban jails are active.
  - Asks again every second until every check passes or O(timeout) seconds have passed, then
    fails with every failed check named.
  - Role M(pbxguard.hardening.health) fills the options in from the site model.
options:
  asterisk:
    description: Whether Asterisk is expected to run; when false only the firewall and the jails are checked.
    type: bool
    default: true
  endpoints:
    description: PJSIP endpoints that must be loaded.
    type: list
    elements: str
    default: []
  iax2_peers:
    description: IAX2 peers that must be loaded.
    type: list
    elements: str
    default: []
  reachable_peers:
    description: IAX2 peers that must answer Asterisk's qualify (status C(OK)).
    type: list
    elements: str
    default: []
  registrations:
    description: PJSIP outbound registrations that must be C(Registered).
    type: list
    elements: str
    default: []
  firewall:
    description: The firewall backend whose ruleset of the collection must be loaded (C(inet pbxguard) table or C(PBXGUARD-INPUT) chain).
    type: str
    choices: [nftables, iptables, none]
    default: none
  jails:
    description: fail2ban jails that must be active.
    type: list
    elements: str
    default: []
  timeout:
    description: Seconds to wait for every check to pass.
    type: int
    default: 30
attributes:
  check_mode:
    support: full
    description: Reads only; runs the same in check mode.
  diff_mode:
    support: none
    description: Changes nothing.
"""

EXAMPLES = r"""
- name: Wait until the PBX is healthy
  pbxguard.hardening.pbx_health:
    endpoints: ["201", "202"]
    iax2_peers: [hq]
    reachable_peers: [hq]
    firewall: nftables
    jails: [pbxguard-asterisk, pbxguard-sshd]
"""

RETURN = r"""
checks:
  description: Each check of the gate with its verdict, as last asked.
  returned: always
  type: list
  elements: dict
  contains:
    name:
      description: What was checked, such as C(trunks reachable).
      type: str
    ok:
      description: Whether it passed.
      type: bool
    detail:
      description: C(ok), or what is missing.
      type: str
  sample: [{"name": "jails active", "ok": true, "detail": "ok"}]
seconds:
  description: Seconds the gate waited.
  returned: always
  type: float
"""

import time

from ansible.module_utils.basic import AnsibleModule

from ansible_collections.pbxguard.hardening.plugins.module_utils import _health


def run(module, argv):
    """(rc, stdout) of a command; a missing program counts as a failure."""
    if not module.get_bin_path(argv[0]):
        return 127, ""
    rc, out, _err = module.run_command(argv)
    return rc, out


def asterisk(module, command):
    rc, out = run(module, ["asterisk", "-rx", command])
    return out if rc == 0 else ""


def answers(module, params):
    result = {"booted": False, "endpoints": "", "iax2": "", "registrations": "", "firewall_loaded": False, "jails": ""}
    if params["asterisk"]:
        rc, out = run(module, ["asterisk", "-rx", "core waitfullybooted"])
        result["booted"] = rc == 0 and "fully booted" in out
        if result["booted"]:
            result["endpoints"] = asterisk(module, "pjsip show endpoints")
            result["iax2"] = asterisk(module, "iax2 show peers") if params["iax2_peers"] or params["reachable_peers"] else ""
            result["registrations"] = asterisk(module, "pjsip show registrations") if params["registrations"] else ""
    if params["firewall"] == "nftables":
        result["firewall_loaded"] = run(module, ["nft", "list", "table", "inet", "pbxguard"])[0] == 0
    elif params["firewall"] == "iptables":
        result["firewall_loaded"] = run(module, ["iptables", "-S", "PBXGUARD-INPUT"])[0] == 0
    if params["jails"]:
        rc, out = run(module, ["fail2ban-client", "status"])
        result["jails"] = out if rc == 0 else ""
    return result


def main():
    module = AnsibleModule(
        argument_spec={
            "asterisk": {"type": "bool", "default": True},
            "endpoints": {"type": "list", "elements": "str", "default": []},
            "iax2_peers": {"type": "list", "elements": "str", "default": []},
            "reachable_peers": {"type": "list", "elements": "str", "default": []},
            "registrations": {"type": "list", "elements": "str", "default": []},
            "firewall": {"type": "str", "choices": ["nftables", "iptables", "none"], "default": "none"},
            "jails": {"type": "list", "elements": "str", "default": []},
            "timeout": {"type": "int", "default": 30},
        },
        supports_check_mode=True,
    )
    params = module.params
    if params["timeout"] < 0:
        module.fail_json(msg=f"timeout: {params['timeout']} is below 0")
    start = time.monotonic()
    while True:
        checks = _health.gate(params, answers(module, params))
        failed = [check for check in checks if not check["ok"]]
        waited = round(time.monotonic() - start, 1)
        if not failed:
            module.exit_json(changed=False, checks=checks, seconds=waited)
        if waited >= params["timeout"]:
            break
        time.sleep(1)
    module.fail_json(msg="The health gate failed: " + "; ".join(f"{check['name']}: {check['detail']}" for check in failed),
                     checks=checks, seconds=waited)


if __name__ == "__main__":
    main()
