#!/usr/bin/python
# Copyright (c) pbxguard developers
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

from __future__ import annotations

DOCUMENTATION = r"""
module: openvpn_config_check
short_description: Check an OpenVPN server configuration by starting it where it can do no harm
version_added: 0.4.0
author: pbxguard developers (@pbxguard)
description:
  - OpenVPN has no option that checks a whole configuration - C(--test-crypto) tests a static key,
    and options are only acted upon at start. This module starts C(openvpn) with the candidate
    configuration inside a network namespace of its own (C(unshare --net)), where its port and tun
    device cannot clash with the running server, and waits for C(Initialization Sequence Completed)
    - every option parsed, the CA, certificate, key, CRL and tls-crypt key loaded, the tun device
    up with its address. Then it stops that trial server.
  - Fails with the last lines OpenVPN printed when it exits or does not complete in O(timeout) seconds.
  - Changes nothing; the namespace and its tun device go with the trial server.
requirements:
  - openvpn and unshare (util-linux) on the host, and the right to create a network namespace (root).
options:
  content:
    description: The configuration to check, as it will be written. It names files by absolute path.
    type: str
    required: true
  directory:
    description: The working directory of the trial server (as C(--cd)), for relative paths.
    type: path
    default: /etc/openvpn/server
  timeout:
    description: Seconds to wait for the trial server to complete its initialisation.
    type: int
    default: 20
attributes:
  check_mode:
    description: Reads only; runs the same in check mode.
    support: full
  diff_mode:
    description: Changes nothing.
    support: none
  platform:
    description: Target OS/families that can be operated against.
    support: full
    platforms: posix
"""

EXAMPLES = r"""
- name: Check the rendered server configuration before it replaces the live one
  pbxguard.hardening.openvpn_config_check:
    content: "{{ lookup('ansible.builtin.template', 'server.conf.j2') }}"
"""

RETURN = r"""
output:
  description: What the trial server printed, one line each (OpenVPN prints no key material).
  returned: always
  type: list
  elements: str
"""

import os
import tempfile

from ansible.module_utils.basic import AnsibleModule

from ansible_collections.pbxguard.hardening.plugins.module_utils._openvpn_trial import trial

SHOWN_LINES = 15


def main():
    module = AnsibleModule(
        argument_spec=dict(
            content=dict(type="str", required=True),
            directory=dict(type="path", default="/etc/openvpn/server"),
            timeout=dict(type="int", default=20),
        ),
        supports_check_mode=True,
    )
    openvpn = module.get_bin_path("openvpn", required=True)
    unshare = module.get_bin_path("unshare", required=True)
    with tempfile.TemporaryDirectory(prefix="pbxguard-openvpn-check-") as workdir:
        path = os.path.join(workdir, "candidate.conf")
        with open(path, "w", encoding="utf-8") as handle:
            handle.write(module.params["content"])
        command = [unshare, "--net", "--", openvpn, "--cd", module.params["directory"], "--config", path,
                   "--suppress-timestamps"]
        completed, lines = trial(command, module.params["timeout"])
    if not completed:
        tail = "\n".join(lines[-SHOWN_LINES:]) or "(no output)"
        module.fail_json(msg=f"OpenVPN does not start with this configuration; the live one is kept:\n{tail}",
                         output=lines)
    module.exit_json(changed=False, output=lines)


if __name__ == "__main__":
    main()
