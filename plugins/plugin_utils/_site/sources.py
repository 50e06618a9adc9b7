# Copyright (c) pbxguard developers
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""Who may reach what: the allow-lists every layer shares.

The firewall admits exactly these sources, fail2ban never bans the trusted ones, and each
extension's ACL is a subset of the SIP sources.
"""

from __future__ import annotations

from ansible_collections.pbxguard.hardening.plugins.plugin_utils._site._addresses import admits_everyone, merged

NO_SIP_HINT = (
    "no source may reach SIP: pbx_lan_networks, pbx_remote_sites, pbx_trunks (pjsip) and the VPN"
    " are all empty and pbx_sip_open_to_world is false, so every phone would be cut off. This is"
    " usually a group_vars file that does not apply to this host: check the inventory's groups,"
    " or list the networks the phones use"
)

# The variables whose networks make up each allow-list, as a problem names them.
EVERYONE_VARIABLES = {
    "sip": "pbx_lan_networks, pbx_remote_sites, pbx_trunks and pbx_vpn_network",
    "iax2": "pbx_remote_sites and pbx_trunks (IAX2)",
    "admin": "pbx_admin_networks and pbx_controller_address",
}


def read(ctx):
    nets = ctx.nets
    world = ctx.bool("pbx_sip_open_to_world")
    sip = nets["lan"] + nets["sites"] + nets["sip_trunks"] + nets["vpn"]
    iax2 = nets["iax2_sites"] + nets["iax2_trunks"]
    admin = nets["admin"] + nets["controller"]
    nets["sip"] = sip
    groups = {"sip": sip, "iax2": iax2, "admin": admin, "vpn": nets["vpn"], "trusted": sip + iax2 + admin}
    # Networks that merge into every address (0.0.0.0/1 and 128.0.0.0/1) are "anywhere" too.
    everyone = [name for name in EVERYONE_VARIABLES if admits_everyone(groups[name])]
    for name in everyone:
        ctx.problems.add(
            EVERYONE_VARIABLES[name],
            "together admit every address; list narrower networks"
            " (SIP open to the world is pbx_sip_open_to_world: true)",
        )
    if not everyone and admits_everyone(groups["trusted"]):
        ctx.problems.add(
            "pbx_lan_networks, pbx_admin_networks, pbx_remote_sites, pbx_trunks and pbx_vpn_network",
            "together hold every address, so fail2ban would never ban anyone; list narrower networks",
        )
    # Only when the networks were read: a list of bad entries is not an empty one.
    if not sip and world is False and not ctx.problems:
        ctx.problems.add("pbx_lan_networks", NO_SIP_HINT)
    ctx.site["sip_open_to_world"] = bool(world)
    ctx.site["sources"] = {name: merged(group) for name, group in groups.items()}
    if world:
        ctx.warnings.append(
            "pbx_sip_open_to_world is true. This weakens the host: SIP from any address is admitted,"
            " limited per source address, and known scanner User-Agents are dropped. Prefer the VPN"
            " (pbx_vpn_enabled) for roaming phones."
        )
