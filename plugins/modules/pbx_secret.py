#!/usr/bin/python
# Copyright (c) pbxguard developers
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

from __future__ import annotations

DOCUMENTATION = r"""
module: pbx_secret
short_description: Generate a SIP secret or PIN on the PBX and keep it there
version_added: 0.1.0
author: pbxguard developers (@pbxguard)
description:
  - Generate a SIP secret, voicemail PIN or DISA PIN from the operating system's
    cryptographically secure random source, and keep it in a store on the target that only
    root can read, so that reruns, other controllers and AWX all get the same value.
  - A value already in the store is returned as it is, unless O(regenerate=true) rotates it.
  - Every value generated passes the policy of the P(pbxguard.hardening.secret_audit#filter)
    filter; draws that fail it are discarded and drawn again, up to 10,000 times.
  - The module returns the value in clear text. Set C(no_log) on the task; the module
    warns when it is not set.
options:
  name:
    description:
      - Name of the value in the store, for example V(sip_201) or V(vm_201).
      - Letters, digits, C(_), C(.), C(@) and C(-), beginning with a letter or a digit.
    type: str
    required: true
  kind:
    description:
      - V(sip_secret) is letters and digits (no punctuation, which breaks quoting in
        C(pjsip.conf) and in phone provisioning). 32 characters hold about 190 bits.
      - V(voicemail_pin) and V(disa_pin) are digits only.
    type: str
    choices: [sip_secret, voicemail_pin, disa_pin]
    default: sip_secret
  length:
    description:
      - Length of a generated value. Defaults to V(32) for V(sip_secret), V(8) for
        V(voicemail_pin) and V(12) for V(disa_pin).
      - Shorter lengths than the policy floor are refused - V(24) for V(sip_secret) (the
        shortest length whose random draws carry well over 128 bits after the audit's
        rejections), V(8) for V(voicemail_pin), V(12) for V(disa_pin). At most V(128)
        characters for a secret and V(32) digits for a PIN.
      - A value already in the store must have this length; the module fails otherwise rather
        than rotate a password that phones use. Set O(regenerate=true) to rotate it.
    type: int
  store:
    description:
      - JSON file on the target that keeps the values, created with mode C(0600) in a
        directory created with mode C(0700).
      - The module refuses a store that its group or others may read.
    type: path
    default: /etc/pbxguard/secrets.json
  exclude:
    description:
      - Strings a generated value must not contain, for example the extension number.
      - A value already in the store that contains one of them makes the module fail;
        set O(regenerate=true) to replace it.
    type: list
    elements: str
    default: []
  regenerate:
    description:
      - Generate a new value even if the store holds one (rotation).
    type: bool
    default: false
attributes:
  check_mode:
    description: Can run in check mode and return changed status prediction without modifying target.
    support: full
    details:
      - In check mode nothing is written. When a value would be generated, a fresh value is
        returned that is not stored, so the next real run returns another one.
  diff_mode:
    description: Will return details on what has changed (or possibly needs changing in check mode), when in diff mode.
    support: full
    details:
      - The diff lists the names in the store, never a value.
  platform:
    description: Target OS/families that can be operated against.
    support: full
    platforms: posix
notes:
  - Values come from Python's C(secrets) module only.
  - Two tasks that write the same store at the same time may lose one of the new values;
    do not run this module for one host in parallel.
seealso:
  - plugin: pbxguard.hardening.secret_audit
    plugin_type: filter
"""

EXAMPLES = r"""
- name: SIP secret of extension 201
  pbxguard.hardening.pbx_secret:
    name: sip_201
    exclude: ["201"]
  register: __sip_201
  no_log: true

- name: Voicemail PIN of extension 201, in another store
  pbxguard.hardening.pbx_secret:
    name: vm_201
    kind: voicemail_pin
    exclude: ["201"]
    store: /etc/asterisk/pbxguard-secrets.json
  register: __vm_201
  no_log: true

- name: Rotate the DISA PIN
  pbxguard.hardening.pbx_secret:
    name: disa
    kind: disa_pin
    length: 14
    regenerate: true
  register: __disa
  no_log: true
"""

RETURN = r"""
secret:
  description:
    - The value, from the store or newly generated. In check mode a value that would be
      generated is returned without being stored.
    - It is returned in clear text, so set C(no_log) on the task.
  returned: success
  type: str
  sample: 3hJq8WkV0pZcN5uR7tYbE2mL9sXaD4fG
name:
  description: Name of the value in the store, as given.
  returned: success
  type: str
  sample: sip_201
kind:
  description: Kind of the value, as given.
  returned: success
  type: str
  sample: sip_secret
store:
  description: Path of the store.
  returned: success
  type: str
  sample: /etc/pbxguard/secrets.json
"""

import json
import os
import re
import stat

from ansible.module_utils.basic import AnsibleModule
from ansible.module_utils.common.text.converters import to_native

from ansible_collections.pbxguard.hardening.plugins.module_utils._private_file import write_private
from ansible_collections.pbxguard.hardening.plugins.module_utils._secrets import (
    audit_secret,
    generate_secret,
)

# kind -> (audit kind, default length, shortest length allowed, longest length allowed)
KINDS = {
    "sip_secret": ("sip", 32, 24, 128),
    "voicemail_pin": ("pin", 8, 8, 32),
    "disa_pin": ("disa", 12, 12, 32),
}
STORE_FORMAT = 1
NAME_PATTERN = re.compile(r"[A-Za-z0-9][A-Za-z0-9_.@-]*")


def read_store(module, path):
    """Return the store's secrets dict ({} if the file does not exist yet)."""
    if not os.path.exists(path):
        return {}
    mode = stat.S_IMODE(os.stat(path).st_mode)
    if mode & 0o077:
        module.fail_json(msg=f"store {path} has mode {mode:04o}: others than its owner may read it; run chmod 600 {path}")
    try:
        with open(path, encoding="utf-8") as handle:
            content = json.load(handle)
    except (OSError, ValueError) as exc:
        module.fail_json(msg=f"cannot read store {path}: {to_native(exc)}")
    entries = content.get("secrets") if isinstance(content, dict) and content.get("format") == STORE_FORMAT else None
    well_formed = isinstance(entries, dict) and all(
        isinstance(entry, dict) and isinstance(entry.get("kind"), str) and isinstance(entry.get("value"), str)
        for entry in entries.values()
    )
    if not well_formed:
        module.fail_json(msg=f"store {path} is not a pbx_secret store (format {STORE_FORMAT})")
    return entries


def write_store(module, path, entries):
    """Write the store through a temporary file in the same directory, mode 0600."""
    text = json.dumps({"format": STORE_FORMAT, "secrets": entries}, indent=2, sort_keys=True) + "\n"
    write_private(module, path, text, ".pbx_secret-")


def check_stored(module, name, kind, length, exclude, entry):
    """Fail unless the stored value still fits the task's kind, length and exclusions."""
    hint = "set regenerate: true to rotate it"
    if entry["kind"] != kind:
        module.fail_json(msg=f"stored value {name} is a {entry['kind']}, not a {kind}; {hint}")
    value = entry["value"]
    if len(value) != length:
        module.fail_json(msg=f"stored value {name} has {len(value)} characters, length asks for {length}; {hint}")
    problems = audit_secret(value, KINDS[kind][0], exclude=exclude)["problems"]
    if problems:
        module.fail_json(msg=f"stored value {name} no longer passes the policy ({'; '.join(problems)}); {hint}")
    return value


def names_text(names):
    return "".join(f"{name}\n" for name in names)


def main():
    module = AnsibleModule(
        argument_spec=dict(
            name=dict(type="str", required=True),
            kind=dict(type="str", default="sip_secret", choices=list(KINDS)),
            length=dict(type="int"),
            store=dict(type="path", default="/etc/pbxguard/secrets.json"),
            exclude=dict(type="list", elements="str", default=[]),
            regenerate=dict(type="bool", default=False),
        ),
        supports_check_mode=True,
    )
    name = module.params["name"]
    kind = module.params["kind"]
    store = module.params["store"]
    exclude = module.params["exclude"]
    audit_kind, default_length, shortest, longest = KINDS[kind]
    length = default_length if module.params["length"] is None else module.params["length"]

    if not NAME_PATTERN.fullmatch(name):
        module.fail_json(msg=f"name {name!r} may hold only letters, digits, _ . @ and -, beginning with a letter or digit")
    if not shortest <= length <= longest:
        module.fail_json(msg=f"length {length} is outside {shortest}-{longest}, the policy for a {kind}")
    if any(not value for value in exclude):
        module.fail_json(msg="exclude must not hold empty strings")
    if not module.no_log:
        module.warn("pbx_secret returns the secret in clear text: set no_log: true on this task")

    entries = read_store(module, store)
    result = dict(changed=False, name=name, kind=kind, store=store)
    if name in entries and not module.params["regenerate"]:
        result["secret"] = check_stored(module, name, kind, length, exclude, entries[name])
        module.exit_json(**result)

    try:
        value = generate_secret(audit_kind, length, exclude=exclude)
    except ValueError as exc:
        module.fail_json(msg=f"cannot generate {kind} {name}: {exc}")
    before = sorted(entries)
    after = [f"{entry} (new value)" if entry == name else entry for entry in sorted(set(entries) | {name})]
    result.update(changed=True, secret=value)
    if module._diff:
        result["diff"] = dict(before=names_text(before), after=names_text(after), before_header=store, after_header=store)
    if not module.check_mode:
        entries = dict(entries)
        entries[name] = {"kind": kind, "value": value}
        try:
            write_store(module, store, entries)
        except OSError as exc:
            module.fail_json(msg=f"cannot write store {store}: {to_native(exc)}")
    module.exit_json(**result)


if __name__ == "__main__":
    main()
