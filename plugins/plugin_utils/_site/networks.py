# Copyright (c) pbxguard developers
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""The site's own networks: the LAN, the admins, the remote sites, the controller."""

from __future__ import annotations

import re

from ansible_collections.pbxguard.hardening.plugins.plugin_utils._site import _types
from ansible_collections.pbxguard.hardening.plugins.plugin_utils._site._addresses import merged, read_address

# Names end up in config files and rule comments: letters, digits and - _ . only.
NAME = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_.-]{0,39}$")
NAME_HINT = "use 1 to 40 letters, digits, '-', '_' or '.', starting with a letter or digit"


def read_name(problems, path, value):
    if value is None:
        return None  # read_mapping has reported it as required
    name = _types.read_str(problems, path, value)
    if name is not None and not NAME.match(name):
        problems.add(path, f"{name!r} is not a usable name; {NAME_HINT}")
        return None
    return name


def unique_names(problems, variable, names):
    seen = set()
    for index, name in enumerate(names):
        if name is not None and name in seen:
            problems.add(f"{variable}[{index}].name", f"{name!r} is used twice; rename the duplicate")
        seen.add(name)


def read_sites(ctx):
    sites = []
    for index, entry in enumerate(ctx.list("pbx_remote_sites") or []):
        path = f"pbx_remote_sites[{index}]"
        entry = _types.read_mapping(ctx.problems, path, entry, ("name", "networks", "iax2"), ("name", "networks"))
        if entry is None:
            continue
        networks = ctx.networks(None, entry.get("networks"), f"{path}.networks")
        if "networks" in entry and entry["networks"] is not None and not entry["networks"]:
            ctx.problems.add(f"{path}.networks", "is empty; list the site's addresses or networks")
        iax2 = _types.read_bool(ctx.problems, f"{path}.iax2", entry.get("iax2", False))
        sites.append({"name": read_name(ctx.problems, f"{path}.name", entry.get("name")), "nets": networks, "iax2": iax2})
    unique_names(ctx.problems, "pbx_remote_sites", [site["name"] for site in sites])
    return sites


def read_controller(ctx):
    """The controller's address: given, or the first field of the SSH session's SSH_CLIENT."""
    given = ctx.str("pbx_controller_address")
    if given:
        return read_address(ctx.problems, "pbx_controller_address", given.strip())
    fields = (ctx.ssh_client or "").split()
    if not fields:
        return None
    found = read_address(_types.Problems(), "SSH_CLIENT", fields[0])
    if found is None:
        ctx.warnings.append(f"SSH_CLIENT names no address ({fields[0]!r}): set pbx_controller_address")
    return found


def read(ctx):
    ctx.nets["lan"] = ctx.networks("pbx_lan_networks")
    ctx.nets["admin"] = ctx.networks("pbx_admin_networks")
    sites = read_sites(ctx)
    ctx.nets["sites"] = [net for site in sites for net in site["nets"]]
    ctx.nets["iax2_sites"] = [net for site in sites if site["iax2"] for net in site["nets"]]
    controller = read_controller(ctx)
    ctx.nets["controller"] = [controller] if controller is not None else []
    ctx.site["controller"] = (
        {"address": str(controller.ip), "family": controller.version} if controller is not None else None
    )
    ctx.site["remote_sites"] = [
        {"name": site["name"], "networks": merged(site["nets"]), "iax2": site["iax2"]} for site in sites
    ]
