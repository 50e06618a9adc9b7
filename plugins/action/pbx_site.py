# Copyright (c) pbxguard developers
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""Action plugin pbx_site: build the site model on the controller from the task's variables."""

from __future__ import annotations

from ansible.errors import AnsibleError
from ansible.plugins.action import ActionBase

from ansible_collections.pbxguard.hardening.plugins.plugin_utils._site import FACTS, SiteError, build, prefixes
from ansible_collections.pbxguard.hardening.plugins.plugin_utils._site.defaults import role_defaults
from ansible_collections.pbxguard.hardening.plugins.plugin_utils._site.site_links import PEER_VARIABLES


class ActionModule(ActionBase):
    TRANSFERS_FILES = False
    _requires_connection = False
    _VALID_ARGS = frozenset()

    def _value(self, name, task_vars):
        """A variable as the play sees it, templates resolved."""
        return self._templar.template(task_vars[name])

    def _peers(self, task_vars):
        """The variables of every inventory host that cross hosts (site links).

        A value that cannot be read is left out: that host's own run names the problem.
        """
        hostvars = task_vars.get("hostvars") or {}
        hosts = {}
        for name in (task_vars.get("groups") or {}).get("all", []):
            view = hostvars.get(name) or {}
            hosts[name] = {}
            for variable in PEER_VARIABLES:
                try:
                    if variable in view:
                        hosts[name][variable] = self._templar.template(view[variable])
                except AnsibleError:
                    continue
        return {"self": task_vars.get("inventory_hostname"), "hosts": hosts}

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
            site = build(variables, defaults, host, environment.get("SSH_CLIENT", ""), self._peers(task_vars))
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
