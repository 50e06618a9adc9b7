#!/usr/bin/python
# Copyright (c) pbxguard developers
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

from __future__ import annotations

DOCUMENTATION = r"""
module: pbx_host_facts
short_description: Find what a PBX host runs, once, for every pbxguard role
version_added: 0.2.0
author: pbxguard developers (@pbxguard)
description:
  - Reads, without changing anything, whether Asterisk is installed and running, whether
    FreePBX manages it, how Asterisk's logger is laid out, which firewall tools and web
    servers are installed, whether python3-pyinotify is there, and whether sshd logs only to
    the journal.
  - Sets the fact C(pbx_host), which M(pbxguard.hardening.pbx_site) and the roles read.
options: {}
attributes:
  check_mode:
    support: full
    description: Reads only; runs the same in check mode.
  diff_mode:
    support: none
    description: Changes nothing.
  facts:
    support: full
    description: Sets C(pbx_host).
"""

EXAMPLES = r"""
- name: Find what the host runs
  pbxguard.hardening.pbx_host_facts:

- name: Show whether FreePBX manages Asterisk
  ansible.builtin.debug:
    var: pbx_host.freepbx
"""

RETURN = r"""
ansible_facts:
  description: The fact C(pbx_host).
  returned: always
  type: dict
  contains:
    pbx_host:
      description: What the host runs.
      type: dict
      returned: always
      contains:
        asterisk:
          description: C(installed) (C(/etc/asterisk/logger.conf) exists), C(running) (answers
            C(asterisk -rx)) and C(version) (empty when not running).
          type: dict
          returned: always
        freepbx:
          description: Whether FreePBX manages Asterisk (C(/etc/freepbx.conf) or C(/etc/amportal.conf)).
          type: bool
          returned: always
        logger:
          description:
            - C(file) - where log channels of the collection go (FreePBX's
              C(logger_logfiles_custom.conf) when C(logger.conf) includes it, else C(logger.conf));
            - C(has_logfiles_section) - whether C(logger.conf) has C([logfiles]);
            - C(has_security_channel) - whether a channel outside the collection's own block
              already writes the C(security) file.
          type: dict
          returned: always
        pyinotify:
          description: Whether python3-pyinotify is installed (fail2ban then reads logs without polling).
          type: bool
          returned: always
        web:
          description: C(apache), C(nginx) or empty - the web server whose log the web jail reads.
          type: str
          returned: always
        sshd_journal:
          description: Whether sshd logs to the journal only (no C(/var/log/auth.log)).
          type: bool
          returned: always
        tools:
          description: Whether C(nft), C(iptables), C(ipset) and C(conntrack) are installed.
          type: dict
          returned: always
        ami:
          description:
            - What C(/etc/asterisk/manager.conf) says about AMI, from its C([general]) section (the
              last setting wins, as in Asterisk) - C(enabled) (bool), C(bindaddr) (default
              C(0.0.0.0)), C(port) (default C(5038)).
            - C(includes_manager_d) - whether it includes C(manager.d/*.conf) (Debian's file does);
              C(include_in) - where a file of the collection must be included otherwise
              (FreePBX's C(manager_custom.conf) when C(manager.conf) includes it).
          type: dict
          returned: always
"""

import os
import re

from ansible.module_utils.basic import AnsibleModule

LOGGER = "/etc/asterisk/logger.conf"
CUSTOM_LOGGER = "/etc/asterisk/logger_logfiles_custom.conf"
MANAGER = "/etc/asterisk/manager.conf"
OWN_BLOCK = re.compile(r"(?s); BEGIN pbxguard\.hardening fail2ban.*?; END pbxguard\.hardening fail2ban")
SECURITY_CHANNEL = re.compile(r"(?m)^\s*security\s*=>")
TOOLS = {"nft": "/usr/sbin/nft", "iptables": "/usr/sbin/iptables", "ipset": "/usr/sbin/ipset", "conntrack": "/usr/sbin/conntrack"}


def read_text(path):
    try:
        with open(path, encoding="utf-8", errors="replace") as handle:
            return handle.read()
    except OSError:
        return None


def logger_layout(text):
    """Where the collection's channels go, from logger.conf's text."""
    text = text or ""
    custom = re.search(r'(?m)^\s*#include\s+"?logger_logfiles_custom\.conf', text) is not None
    # Everything but the collection's own block: does someone else write the security file?
    others = OWN_BLOCK.sub("", text) + (OWN_BLOCK.sub("", read_text(CUSTOM_LOGGER) or "") if custom else "")
    return {
        "file": CUSTOM_LOGGER if custom else LOGGER,
        "has_logfiles_section": re.search(r"(?m)^\[logfiles\]", text) is not None,
        "has_security_channel": SECURITY_CHANNEL.search(others) is not None,
    }


def manager_layout(text):
    """AMI's settings and include layout, from manager.conf's text."""
    text = text or ""
    general = ""
    section = None
    for line in text.splitlines():
        header = re.match(r"^\s*\[([^\]]+)\]", line)
        if header:
            section = header.group(1).strip()
        elif section == "general":
            general += line.split(";", 1)[0] + "\n"

    def setting(name, default):
        found = re.findall(r"(?m)^\s*" + name + r"\s*=>?\s*(\S+)", general)
        return found[-1] if found else default

    includes = re.findall(r'(?m)^\s*#include\s+"?([^"\s]+)', text)
    return {
        "enabled": setting("enabled", "no").lower() in ("yes", "true", "y", "t", "1", "on"),
        "bindaddr": setting("bindaddr", "0.0.0.0"),
        "port": setting("port", "5038"),
        "includes_manager_d": "manager.d/*.conf" in includes,
        "include_in": "/etc/asterisk/manager_custom.conf" if "manager_custom.conf" in includes else MANAGER,
    }


def main():
    module = AnsibleModule(argument_spec={}, supports_check_mode=True)
    logger = read_text(LOGGER)
    version = ""
    if logger is not None and module.get_bin_path("asterisk"):
        rc, out, dummy = module.run_command(["asterisk", "-rx", "core show version"])
        version = out.strip() if rc == 0 else ""
    facts = {
        "asterisk": {"installed": logger is not None, "running": bool(version), "version": version},
        "freepbx": any(os.path.exists(path) for path in ("/etc/freepbx.conf", "/etc/amportal.conf")),
        "logger": logger_layout(logger),
        "pyinotify": os.path.exists("/usr/lib/python3/dist-packages/pyinotify.py"),
        "web": "apache" if os.path.exists("/usr/sbin/apache2") else "nginx" if os.path.exists("/usr/sbin/nginx") else "",
        "sshd_journal": not os.path.exists("/var/log/auth.log"),
        "tools": {name: os.path.exists(path) for name, path in TOOLS.items()},
        "ami": manager_layout(read_text(MANAGER)),
    }
    module.exit_json(changed=False, ansible_facts={"pbx_host": facts})


if __name__ == "__main__":
    main()
