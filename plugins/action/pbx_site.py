# Copyright (c) pbxguard developers
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""Action plugin pbx_site: build the site model on the controller from the task's variables."""

from __future__ import annotations

from ansible.errors import AnsibleError
from ansible.plugins.action import ActionBase

from ansible_collections.pbxguard.hardening.plugins.plugin_utils._site import FACTS, SiteError, build, prefixes
from ansible_collections.pbxguard.hardening.plugins.plugin_utils._site.defaults import role_defaults


class ActionModule(ActionBase):
    TRANSFERS_FILES = False
    _requires_connection = False
    _VALID_ARGS = frozenset()

    def _value(self, name, task_vars):
        """A variable as the play sees it, templates resolved."""
        return self._templar.template(task_vars[name])

    def run(self, tmp=None, task_vars=None):
        task_vars = task_vars or {}
        result = super().run(tmp, task_vars)
        defaults = role_defaults()
        variables = {}
        unreadable = []
        for name in task_vars:
            if name.startswith(prefixes(defaults)) and name not in FACTS:
                try:
                    variables[name] = self._value(name, task_vars)
                except AnsibleError as exc:
                    unreadable.append(f"{name}: cannot be read: {exc.message}")
        host = self._templar.template(task_vars.get("pbx_host", {}))
        environment = self._templar.template(task_vars.get("ansible_env", {})) or {}
        try:
            if unreadable:
                raise SiteError(unreadable)
            site = build(variables, defaults, host, environment.get("SSH_CLIENT", ""))
        except SiteError as exc:
            count = len(exc.problems)
            result.update(
                failed=True,
                problems=exc.problems,
                msg=f"The site description has {count} problem{'s' if count > 1 else ''}:\n" + "\n".join(exc.problems),
            )
            return result
        for warning in site["warnings"]:
            self._display.warning(warning)
        result.update(changed=False, ansible_facts={"pbx_site": site})
        return result
