#!/usr/bin/python
# Copyright (c) pbxguard developers
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

from __future__ import annotations

DOCUMENTATION = r"""
module: asterisk_config_check
short_description: Check Asterisk configuration files before a reload, and what Asterisk loaded after it
version_added: 0.3.0
author: pbxguard developers (@pbxguard)
description:
  - Asterisk accepts a broken configuration in silence - it logs an error and drops the object or
    the whole file - and resolves C(auth=), C(aors=) and C(transport=) only when a request comes.
  - With O(stage=rendered), reads each main file of O(files) as Asterisk does (C(#include) and
    C(#tryinclude), templates, inheritance, appends such as C([201](+type=aor))), with the
    O(candidates) in place of the files of the same name and the O(blocks) in place, and
    reports parse errors, appends to categories that do not exist, objects
    defined twice, an endpoint named C(anonymous), references to auths, AORs and transports that
    do not exist, and for each of O(extensions) - its auth and AOR, C(max_contacts),
    C(remove_existing), and endpoint and contact ACLs that deny every IPv4 and IPv6 address and
    then permit exactly its networks.
  - With O(voicemail), also reads the mailboxes of C(voicemail.conf) outside the role's own file. One
    of the role's numbers in the role's context defined before the role's file is a problem
    (Asterisk keeps the first definition and ignores the PIN the role sets); others whose PIN fails
    the PIN policy are returned in RV(weak_mailboxes).
  - With O(stage=loaded), asks the running Asterisk (C(pjsip show endpoints), C(aors), C(auths),
    C(transports)) whether it loaded every object of O(extensions) and O(transports).
  - Changes nothing.
options:
  stage:
    description: V(rendered) checks files, V(loaded) the running Asterisk.
    type: str
    choices: [rendered, loaded]
    default: rendered
  directory:
    description: Asterisk's configuration directory.
    type: path
    default: /etc/asterisk
  files:
    description: The main files to read, with O(stage=rendered).
    type: list
    elements: dict
    default: []
    suboptions:
      main:
        description: The main file, relative to O(directory), for example V(pjsip.conf).
        type: str
        required: true
      pjsip:
        description: Whether the file holds PJSIP objects to check against O(extensions).
        type: bool
        default: false
  blocks:
    description:
      - File name to the text of a marked block (as M(ansible.builtin.blockinfile) writes it with
        O(marker)) that replaces the block of that file, or is added at its end; a file that does
        not exist yet is taken as empty.
    type: dict
    default: {}
  marker:
    description: The marker line of O(blocks), with C({mark}) for C(BEGIN) and C(END).
    type: str
    default: "; {mark} pbxguard.hardening sip_extensions"
  candidates:
    description:
      - File name (relative to O(directory)) to the text that will be written there; read instead
        of the file on disk, so files are checked before they change. They may hold secrets.
    type: dict
    default: {}
  extensions:
    description:
      - The expected extensions, each with C(number), C(endpoint), C(auth), C(aor), C(max_contacts)
        and C(permit) (its networks) or C(acl.permit), as in C(pbx_site.sip_extensions.extensions).
    type: list
    elements: dict
    default: []
  transports:
    description: Transport names that must be loaded, with O(stage=loaded).
    type: list
    elements: str
    default: []
  voicemail:
    description: What to check in the mailboxes of O(files)' C(voicemail.conf), with O(stage=rendered).
    type: dict
    suboptions:
      context:
        description: The voicemail context of the role's mailboxes.
        type: str
        required: true
      numbers:
        description: The role's mailbox numbers.
        type: list
        elements: str
        default: []
      own:
        description: The role's own file (relative to O(directory)), whose mailboxes are the role's.
        type: str
        required: true
      disabled:
        description: Lines the role comments out before the reload; left out of the check.
        type: list
        elements: str
        default: []
      pin_minimum:
        description: The shortest PIN the policy accepts.
        type: int
        default: 8
  fail_on_problems:
    description: Fail when a problem is found; false returns the problems only.
    type: bool
    default: true
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
- name: Check the rendered PJSIP file with the pjsip.conf that will include it
  pbxguard.hardening.asterisk_config_check:
    files:
      - {main: pjsip.conf, pjsip: true}
    blocks:
      pjsip.conf: "#include pbxguard_pjsip.conf"
    candidates:
      pbxguard_pjsip.conf: "{{ lookup('ansible.builtin.template', 'pbxguard_pjsip.conf.j2') }}"
    extensions:
      - {number: "201", endpoint: "201", auth: 201-auth, aor: "201", max_contacts: 1, permit: [10.0.0.0/24]}
  no_log: true

- name: Check what Asterisk loaded
  pbxguard.hardening.asterisk_config_check:
    stage: loaded
    extensions: "{{ pbx_site.sip_extensions.extensions }}"
    transports: [pbxguard-udp]
    fail_on_problems: false
  register: __loaded
"""

RETURN = r"""
problems:
  description: What Asterisk would refuse or lacks, one sentence each; never a secret.
  returned: always
  type: list
  elements: str
categories:
  description: For O(stage=rendered), each main file to the names of its categories (includes read).
  returned: always
  type: dict
weak_mailboxes:
  description: With O(voicemail), each mailbox outside the role's file whose PIN fails the PIN policy, as file:line and mailbox@context.
  returned: always
  type: list
  elements: str
  sample: ["voicemail.conf:561: mailbox 1234@other"]
"""

from ansible.module_utils.basic import AnsibleModule

from ansible_collections.pbxguard.hardening.plugins.module_utils._asterisk_config import (
    Config,
    check_loaded,
    check_pjsip,
    check_voicemail,
)


def rendered(module):
    problems, weak = [], []
    categories = {}
    voicemail = module.params["voicemail"]
    for entry in module.params["files"]:
        config = Config(module.params["directory"], module.params["candidates"], module.params["blocks"],
                        module.params["marker"])
        config.read(entry["main"])
        problems.extend(config.problems)
        if entry.get("pjsip"):
            problems.extend(check_pjsip(config, module.params["extensions"]))
        if voicemail and entry["main"] == "voicemail.conf":
            found, weak = check_voicemail(config, voicemail["numbers"], voicemail["context"], voicemail["own"],
                                          voicemail["disabled"], voicemail["pin_minimum"])
            problems.extend(found)
        categories[entry["main"]] = sorted({category.name for category in config.categories})
    return problems, categories, weak


def loaded(module):
    shown = {}
    for kind in ("endpoints", "aors", "auths", "transports"):
        rc, out, err = module.run_command(["asterisk", "-rx", f"pjsip show {kind}"])
        if rc != 0:
            module.fail_json(msg=f"asterisk -rx 'pjsip show {kind}' failed: {err or out}")
        shown[kind] = out
    return check_loaded(shown, module.params["extensions"], module.params["transports"]), {}, []


def main():
    module = AnsibleModule(
        argument_spec=dict(
            stage=dict(type="str", default="rendered", choices=["rendered", "loaded"]),
            directory=dict(type="path", default="/etc/asterisk"),
            files=dict(type="list", elements="dict", default=[], options=dict(
                main=dict(type="str", required=True),
                pjsip=dict(type="bool", default=False),
            )),
            candidates=dict(type="dict", default={}, no_log=True),
            blocks=dict(type="dict", default={}),
            marker=dict(type="str", default="; {mark} pbxguard.hardening sip_extensions"),
            extensions=dict(type="list", elements="dict", default=[]),
            transports=dict(type="list", elements="str", default=[]),
            voicemail=dict(type="dict", options=dict(
                context=dict(type="str", required=True),
                numbers=dict(type="list", elements="str", default=[]),
                own=dict(type="str", required=True),
                disabled=dict(type="list", elements="str", default=[]),
                pin_minimum=dict(type="int", default=8),
            )),
            fail_on_problems=dict(type="bool", default=True),
        ),
        supports_check_mode=True,
    )
    for extension in module.params["extensions"]:
        # pbx_site.sip_extensions.extensions carries its networks as acl.permit.
        if "permit" not in extension and isinstance(extension.get("acl"), dict):
            extension["permit"] = extension["acl"].get("permit", [])
        missing = [key for key in ("number", "endpoint", "auth", "aor", "max_contacts", "permit") if key not in extension]
        if missing:
            module.fail_json(msg=f"extensions: an entry lacks {', '.join(missing)}")
    if module.params["stage"] == "rendered":
        problems, categories, weak = rendered(module)
    else:
        problems, categories, weak = loaded(module)
    result = dict(changed=False, problems=problems, categories=categories, weak_mailboxes=weak)
    if problems and module.params["fail_on_problems"]:
        module.fail_json(msg="Asterisk would not load what is expected:\n" + "\n".join(problems), **result)
    module.exit_json(**result)


if __name__ == "__main__":
    main()
