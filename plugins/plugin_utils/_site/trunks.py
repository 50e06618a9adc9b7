# Copyright (c) pbxguard developers
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""Trunk providers, pinned to their addresses, each with a cap on simultaneous calls."""

from __future__ import annotations

from ansible_collections.pbxguard.hardening.plugins.plugin_utils._site import _types
from ansible_collections.pbxguard.hardening.plugins.plugin_utils._site._addresses import merged
from ansible_collections.pbxguard.hardening.plugins.plugin_utils._site.networks import read_name, unique_names

KEYS = ("name", "addresses", "protocol", "max_channels")
PROTOCOLS = ("pjsip", "iax2")
DEFAULT_MAX_CHANNELS = 2
# A leaked trunk costs what it can carry at once: the checklist's cap is 1 to 2.
CHANNELS_HINT = "; 0 does not mean unlimited: give the trunk a cap of 1 or more (2 is the checklist's)"


def read(ctx):
    trunks = []
    for index, entry in enumerate(ctx.list("pbx_trunks") or []):
        path = f"pbx_trunks[{index}]"
        entry = _types.read_mapping(ctx.problems, path, entry, KEYS, ("name", "addresses"))
        if entry is None:
            continue
        nets = ctx.networks(None, entry.get("addresses"), f"{path}.addresses")
        if "addresses" in entry and entry["addresses"] is not None and not entry["addresses"]:
            ctx.problems.add(f"{path}.addresses", "is empty; list the provider's signalling and media addresses")
        trunks.append({
            "name": read_name(ctx.problems, f"{path}.name", entry.get("name")),
            "nets": nets,
            "protocol": _types.read_str(ctx.problems, f"{path}.protocol", entry.get("protocol", "pjsip"), choices=PROTOCOLS),
            "max_channels": _types.read_int(
                ctx.problems, f"{path}.max_channels", entry.get("max_channels", DEFAULT_MAX_CHANNELS),
                minimum=1, hint=CHANNELS_HINT,
            ),
        })
    unique_names(ctx.problems, "pbx_trunks", [trunk["name"] for trunk in trunks])
    ctx.nets["sip_trunks"] = [net for trunk in trunks if trunk["protocol"] == "pjsip" for net in trunk["nets"]]
    ctx.nets["iax2_trunks"] = [net for trunk in trunks if trunk["protocol"] == "iax2" for net in trunk["nets"]]
    ctx.site["trunks"] = [
        {key: trunk[key] for key in ("name", "protocol", "max_channels")} | {"addresses": merged(trunk["nets"])}
        for trunk in trunks
    ]
