# Copyright (c) pbxguard developers
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""The OpenVPN pool that remote phones with changing addresses come in through."""

from __future__ import annotations

from ansible_collections.pbxguard.hardening.plugins.plugin_utils._site._addresses import overlapping, read_network

PROTOCOLS = ("udp", "tcp")


def read(ctx):
    enabled = ctx.bool("pbx_vpn_enabled")
    protocol = ctx.str("pbx_vpn_protocol", choices=PROTOCOLS)
    network = read_network(ctx.problems, "pbx_vpn_network", ctx.vars.get("pbx_vpn_network"))
    if network is not None and network.size == 1:
        ctx.problems.add("pbx_vpn_network", f"{network} is one address; give the VPN's pool, e.g. 10.8.0.0/24")
        network = None
    ctx.nets["vpn"] = [network] if enabled and network is not None else []
    if ctx.nets["vpn"]:
        # An address in both would reach the PBX from the LAN and through the tunnel alike.
        others = {"pbx_lan_networks": ctx.nets["lan"], "pbx_admin_networks": ctx.nets["admin"],
                  "pbx_remote_sites": ctx.nets["sites"], "pbx_trunks": ctx.nets["sip_trunks"] + ctx.nets["iax2_trunks"]}
        for variable, nets in others.items():
            for clash in overlapping(nets, ctx.nets["vpn"]):
                ctx.problems.add(
                    "pbx_vpn_network",
                    f"{network} overlaps {clash} of {variable}; give the VPN a pool of its own",
                )
    ctx.site["vpn"] = {
        "enabled": bool(enabled),
        "network": str(network) if network is not None else None,
        "protocol": protocol or "udp",
    }
