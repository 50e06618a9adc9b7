# Copyright (c) pbxguard developers
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

from __future__ import annotations

DOCUMENTATION = r"""
name: secret_audit
short_description: Judge a SIP secret or a PIN against the collection's policy
version_added: 0.1.0
author: pbxguard developers (@pbxguard)
description:
  - Estimate the strength of a SIP secret or a voicemail or DISA PIN and list, in words,
    what makes it guessable. The same rules decide what M(pbxguard.hardening.pbx_secret)
    generates.
  - B(Strength estimate.) Each character is worth log2 of the alphabet the secret actually
    uses (the sum of lower case 26, upper case 26, digits 10 and other characters 33, for
    each class present). A character that repeats the one before it, follows it in sequence
    (C(ab), C(21)) or sits next to it on a US keyboard (C(qw), C(1q)) is worth 1 bit. A common
    word of four letters or more, after undoing l33t spelling, is worth log2 of the size of the
    shipped word list as a whole.
  - B(SIP secrets) need an estimate of at least 128 bits, must not be mostly common words
    (V(P@ssw0rd1!)) or mostly a keyboard walk (V(1qaz2wsx)), and must not contain the
    extension number.
  - B(PINs) must be digits only, at least 8 long for voicemail (O(kind=pin)) and 12 for DISA
    (O(kind=disa)), and have no run of one digit (V(111)), no ascending or descending sequence
    of three digits or more (V(123), V(987)), no repeated block of two to four digits
    (V(1212), V(123123)), no year (1930-2039) or date (DDMMYY, MMDDYY, YYMMDD) at the start or
    the end, and must not contain the extension number.
options:
  _input:
    description:
      - The secret or PIN, as a string. Quote PINs in YAML so that leading zeros are kept.
    type: str
    required: true
  kind:
    description:
      - V(sip) for a SIP secret, V(pin) for a voicemail PIN, V(disa) for a DISA PIN.
    type: str
    choices: [sip, pin, disa]
    default: sip
  extension:
    description:
      - The extension number the value belongs to, as a number or a string; the value must
        not contain it.
    type: raw
"""

EXAMPLES = r"""
- name: Refuse weak voicemail PINs in the inventory
  ansible.builtin.assert:
    that: __audit.ok
    fail_msg: "Voicemail PIN of {{ item.number }} {{ __audit.problems | join(', ') }}"
  vars:
    __audit: "{{ item.voicemail_pin | pbxguard.hardening.secret_audit(kind='pin', extension=item.number) }}"
  loop: "{{ pbx_extensions }}"
  loop_control:
    label: "{{ item.number }}"
  no_log: true

- name: Audit a SIP secret
  ansible.builtin.debug:
    msg: "{{ 'Password1' | pbxguard.hardening.secret_audit(kind='sip', extension='201') }}"
  # => {"ok": false, "bits": 13, "problems": ["estimated strength is 13 bits, below the 128
  #     required", "is mostly common words"]}
"""

RETURN = r"""
_value:
  description: The verdict.
  type: dict
  contains:
    ok:
      description: Whether the value meets the policy (RV(_value.problems) is empty).
      type: bool
    bits:
      description: The estimated strength in bits, rounded down.
      type: int
    problems:
      description:
        - What is wrong, one phrase each, to follow the words "the PIN" or "the secret".
        - The phrases describe patterns without quoting the value, which may end up in logs.
      type: list
      elements: str
"""

from ansible.errors import AnsibleFilterError

from ansible_collections.pbxguard.hardening.plugins.module_utils._secrets import audit_secret


def secret_audit(secret, kind="sip", extension=None):
    """Return {ok, bits, problems} for a SIP secret or a PIN."""
    try:
        return audit_secret(secret, kind, extension=extension)
    except ValueError as exc:
        raise AnsibleFilterError(f"secret_audit: {exc}") from exc


class FilterModule:
    """Ansible filter secret_audit."""

    def filters(self):
        return {"secret_audit": secret_audit}
