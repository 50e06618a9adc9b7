# Copyright (c) pbxguard developers
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

from __future__ import annotations

DOCUMENTATION = r"""
name: dialplan_findings
short_description: Check an Asterisk dial plan given as text for toll-fraud roads
version_added: 0.1.0
author: pbxguard developers (@pbxguard)
description:
  - Parse dial plan files in the syntax of C(extensions.conf) given as text on the controller
    (what a template rendered, a file read with P(ansible.builtin.file#lookup)) and report what
    lets a caller run up a phone bill. It is the checker of the
    M(pbxguard.hardening.dialplan_check) module, run on the controller.
  - V(wildcard) (error) - a pattern that matches numbers of any length (V(_X.), V(_.), V(_!),
    V(_011.)) in a context reachable from an extension, trunk or inbound context (V(default)
    counts as inbound). Bounded patterns such as
    V(_NXXNXXXXXX) are fine.
  - V(unfiltered-exten) (error) - C(${EXTEN}), C(${EXTEN:1}) (any substring) or the caller ID (the C(CALLERID) function) passed to
    C(Dial), C(System), C(TrySystem) or C(SHELL) without the C(FILTER) function around it, in any
    context. C(${EXTEN}) of an extension whose pattern admits only letters, digits, C(*), C(#)
    and C(+) (V(_NXXNXXXXXX), V(201), V(s)) is safe and not reported.
  - V(outbound-from-inbound) (error) - an outbound route context reachable from V(default) or an
    inbound context, reported where the last jump into it is.
  - V(disa-without-pin) (error) - C(DISA) with no password or C(no-password), in any context.
  - V(unresolved-jump) (warning) - a jump whose target context is a variable, which the checker
    cannot follow.
  - V(unknown-context), V(include-missing), V(include-loop), V(parse-error) (warnings) - an
    entry point that is not a context of the dial plan, an C(#include) file that is not given,
    an C(#include) loop (not followed), a line Asterisk would not read.
  - Reachability follows C(include =>), C(Goto), C(GotoIf), C(GotoIfTime), C(Gosub),
    C(GosubIf), C(Macro), C(MacroIf), C(Dial) of a C(Local/exten@context) channel, the context of C(DISA), and
    the applications that C(Exec) and C(ExecIf) run.
options:
  _input:
    description:
      - The files, as a dict of file name to text. The first file is read first, with the files
        it C(#include)s (found among the names, relative to the including file's directory);
        every file not included by an earlier one is then read in turn.
    type: dict
    required: true
  entry_points:
    description:
      - Which contexts calls enter the dial plan by, as a dict of lists of context names.
      - C(extensions) - where phones' calls start (C(context) of the PJSIP endpoints).
      - C(trunks) - where the providers' calls start.
      - C(inbound) - contexts reachable by callers from outside; V(default) always counts as one.
      - C(outbound_routes) - contexts that dial out through a trunk.
      - Every key is optional; other keys are refused.
    type: dict
    default: {}
seealso:
  - module: pbxguard.hardening.dialplan_check
"""

EXAMPLES = r"""
- name: Check the dial plan a template rendered before it is installed
  ansible.builtin.assert:
    that: __findings | selectattr('severity', 'eq', 'error') | list | length == 0
    fail_msg: "{{ __findings | map(attribute='message') | list }}"
  vars:
    __findings: >-
      {{ {'extensions_pbxguard.conf': lookup('ansible.builtin.template', 'extensions.conf.j2')}
         | pbxguard.hardening.dialplan_findings({'extensions': ['from-internal'], 'trunks': ['from-trunk'],
                                                 'inbound': ['from-trunk'], 'outbound_routes': ['outbound-allowed']}) }}

- name: A wildcard reachable from the phones
  ansible.builtin.debug:
    msg: "{{ {'x.conf': '[from-internal]\nexten => _X.,1,Dial(PJSIP/${FILTER(0-9,${EXTEN})}@provider)\n'}
             | pbxguard.hardening.dialplan_findings({'extensions': ['from-internal']})
             | map(attribute='kind') }}"
  # => ["wildcard"]
"""

RETURN = r"""
_value:
  description: The findings, sorted by file and line; an empty list when there is none.
  type: list
  elements: dict
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
"""

from collections.abc import Mapping

from ansible.errors import AnsibleFilterError

from ansible_collections.pbxguard.hardening.plugins.module_utils._dialplan import check_texts


def dialplan_findings(files, entry_points=None):
    """The findings of the dial plan files given as {name: text}."""
    if not isinstance(files, Mapping):
        raise AnsibleFilterError(f"dialplan_findings: expected a dict of file name to text, got {type(files).__name__}")
    texts = {}
    for name, text in files.items():
        if not isinstance(name, str) or not name:
            raise AnsibleFilterError(f"dialplan_findings: file names must be non-empty strings, got {type(name).__name__} {name!r}")
        if not isinstance(text, str):
            raise AnsibleFilterError(f"dialplan_findings: the text of {name} must be a string, got {type(text).__name__}")
        texts[str(name)] = str(text)
    if not texts:
        raise AnsibleFilterError("dialplan_findings: no file given")
    try:
        return check_texts(texts, entry_points)
    except ValueError as exc:
        raise AnsibleFilterError(f"dialplan_findings: {exc}") from exc


class FilterModule:
    """Ansible filter dialplan_findings."""

    def filters(self):
        return {"dialplan_findings": dialplan_findings}
