# Copyright (c) pbxguard developers
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""The site model: one typed, validated description of a PBX site (private to this collection).

build() reads the inventory variables of every role of the collection (their defaults
filled in from the roles' defaults files), checks them all, and returns the one fact the
roles read, pbx_site, or raises SiteError with every problem at once.

Each topic module reads its own variables through a Context and writes its own section of
the site. A new role adds its topic module to TOPICS; its variables are the ones its
defaults file declares.
"""

from __future__ import annotations

import difflib
from collections.abc import Mapping

from ansible_collections.pbxguard.hardening.plugins.plugin_utils._site import (
    audit,
    backup,
    call_review,
    extensions,
    fail2ban,
    firewall,
    health,
    networks,
    openvpn,
    patching,
    services,
    sip_extensions,
    site_links,
    sources,
    trunks,
    trunks_role,
    vpn,
)
from ansible_collections.pbxguard.hardening.plugins.plugin_utils._site import _types
from ansible_collections.pbxguard.hardening.plugins.plugin_utils._site._context import Context

SCHEMA_VERSION = 1

# In dependency order: each topic may read the sections the ones before it wrote.
TOPICS = (networks, trunks, site_links, vpn, services, sources, extensions, openvpn, firewall, fail2ban, sip_extensions,
          trunks_role, call_review, backup, patching, audit, health)

# The facts the collection sets itself; an inventory must not set them.
FACTS = ("pbx_site", "pbx_host")


class SiteError(Exception):
    """The site description has problems; problems lists every one."""

    def __init__(self, problems):
        super().__init__("\n".join(problems))
        self.problems = problems


def prefixes(defaults):
    """The variable prefixes of the collection's roles: pbx_, firewall_, fail2ban_ ..."""
    return tuple(sorted(f"{role}_" for role in defaults))


def unknown_variables(problems, variables, defaults):
    """A misspelt key would otherwise be ignored in silence, its setting never applied."""
    known = {name for role_defaults in defaults.values() for name in role_defaults} | set(FACTS)
    for name in sorted(variables):
        if name.startswith(prefixes(defaults)) and name not in known:
            close = difflib.get_close_matches(name, sorted(known), n=1)
            hint = f"did you mean {close[0]}?" if close else "remove it or fix its spelling"
            problems.add(name, f"unknown variable; {hint}")


def build(variables, defaults, host=None, ssh_client="", peers=None):
    """Return pbx_site for variables (the inventory's values by name) or raise SiteError.

    defaults: role name -> {variable: default}, from each role's defaults/main.yml.
    host: the pbx_host facts of the managed host (empty when not gathered).
    ssh_client: the controller's SSH_CLIENT on the host, for its address.
    peers: {"self": inventory name, "hosts": {name: variables}} of the whole inventory, for
    what crosses hosts (site links); the variables are site_links.PEER_VARIABLES.
    """
    merged = {}
    for role_defaults in defaults.values():
        merged.update(role_defaults)
    merged.update({name: value for name, value in variables.items() if name not in FACTS})
    # Facts of the host, not inventory values: anything malformed counts as not gathered.
    host = host if isinstance(host, Mapping) else {}
    ctx = Context(merged, host, ssh_client if isinstance(ssh_client, str) else "")
    ctx.peers = peers if isinstance(peers, Mapping) else {}
    unknown_variables(ctx.problems, variables, defaults)
    ctx.site["schema_version"] = SCHEMA_VERSION
    for topic in TOPICS:
        topic.read(ctx)
    if ctx.problems:
        raise SiteError(ctx.problems.messages)
    ctx.site["warnings"] = ctx.warnings
    return ctx.site


__all__ = ["build", "SiteError", "SCHEMA_VERSION", "TOPICS", "_types"]
