# Copyright (c) pbxguard developers
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""Inter-site trunks derived from the inventory: each branch office to its headquarters.

A branch names its headquarters' inventory host in site_links_hq; every site that takes part
gives the address the others reach it at in site_links_address. From the whole inventory
(the peers, gathered by the action plugin) this topic adds, on each side, an IAX2 trunk to
the other site, pinned to its address: the firewall then admits the other side's IAX2,
fail2ban never bans it, and the peer's ACL permits only it. Each side dials the other's
extension numbers through the link (a route of explicit numbers) and takes the other's calls
to its own extensions only (the trunk's DIDs). The shared secret lives in the headquarters'
secret store; the site_links role hands it to the trunks role.
"""

from __future__ import annotations

import difflib
from collections.abc import Mapping

from ansible_collections.pbxguard.hardening.plugins.plugin_utils._site import _types
from ansible_collections.pbxguard.hardening.plugins.plugin_utils._site._addresses import merged, read_address, read_network
from ansible_collections.pbxguard.hardening.plugins.plugin_utils._site.networks import NAME, NAME_HINT

# The variables of every inventory host the action plugin reads for this topic.
PEER_VARIABLES = ("site_links_hq", "site_links_address", "pbx_extensions")
IAX2_PORT = 4569


def peer_view(variables):
    """What this topic needs of another host: its headquarters, its address, its numbers.

    Lenient on purpose: a host's own bad values are reported by its own run of the model.
    """
    hq = variables.get("site_links_hq")
    address = variables.get("site_links_address")
    numbers = []
    extensions = variables.get("pbx_extensions")
    for entry in extensions if isinstance(extensions, list) else []:
        number = entry.get("number") if isinstance(entry, Mapping) else None
        if isinstance(number, (str, int)) and not isinstance(number, bool):
            numbers.append(str(number))
    return {
        "hq": hq if isinstance(hq, str) and hq.strip() else None,
        "address": address if isinstance(address, str) and address.strip() else None,
        "numbers": numbers,
    }


def peer_address(address):
    """The peer's address as text, or None when it is missing or no single address."""
    if address is None:
        return None
    network = read_network(_types.Problems(), "", address)
    return str(network.ip) if network is not None and network.size == 1 else None


def read_hq(ctx, hq, me, hosts):
    """The headquarters this host links to, or None; problems name site_links_hq."""
    if not hq or not hq.strip():
        return None
    path = "site_links_hq"
    if hq == me:
        ctx.problems.add(path, f"names this host itself ({me}); leave it empty on the headquarters")
    elif hq not in hosts:
        close = difflib.get_close_matches(hq, sorted(hosts), n=1)
        hint = f"did you mean {close[0]}?" if close else "name the headquarters' host as the inventory spells it"
        ctx.problems.add(path, f"{hq!r} is not a host of the inventory; {hint}")
    elif hosts[hq]["hq"]:
        ctx.problems.add(path, f"{hq} is itself a branch (its site_links_hq is {hosts[hq]['hq']}); a branch links to"
                               " its headquarters, not to another branch")
    elif peer_address(hosts[hq]["address"]) is None:
        ctx.problems.add(path, f"{hq} has no usable site_links_address; give the headquarters the address its"
                               " branches reach it at")
    else:
        return hq
    return None


def check_numbers(ctx, me, group, hosts):
    """The sites of one group dial each other by number: no number may live on two of them."""
    mine = hosts[me]["numbers"]
    for other in group:
        if other == me:
            continue
        common = sorted(set(mine) & set(hosts[other]["numbers"]))
        if common:
            ctx.problems.add("pbx_extensions", f"{', '.join(common)} also {'is an extension' if len(common) == 1 else 'are extensions'}"
                                               f" of {other}; linked sites dial each other by extension number, so"
                                               " give each site its own numbers")


def link(me, peer, hosts, hq, max_channels):
    """One side of a link: the IAX2 trunk to peer, in the shape of the trunks topic's entries."""
    address = peer_address(hosts[peer]["address"])
    branch = me if peer == hq else peer
    return {
        "name": peer,
        "address": address,
        "username": me,
        "secret_host": hq,
        "secret_name": f"site_link_{branch}",
        "numbers": hosts[peer]["numbers"],
        # A branch's gate waits for its headquarters, hardened in an earlier wave; not the reverse.
        "reachable": peer == hq,
        "max_channels": max_channels,
    }


def add_trunks(ctx, links, own_numbers):
    """The links as trunks: the sources, the trunks role's peers, dial plan and routes follow."""
    names = {trunk["name"] for trunk in ctx.site.get("trunks", [])}
    for entry in links:
        if entry["name"] in names:
            ctx.problems.add("pbx_trunks", f"a trunk is named {entry['name']}, like the site link to that host;"
                                           " rename the trunk")
            continue
        net = read_address(ctx.problems, "site_links_address", entry["address"])
        ctx.nets["iax2_trunks"].append(net)
        ctx.site["trunks"].append({
            "name": entry["name"], "protocol": "iax2", "max_channels": entry["max_channels"],
            "host": entry["address"], "port": IAX2_PORT, "username": entry["username"], "registration": False,
            "provider_max_channels": None, "dids": {number: number for number in own_numbers},
            "addresses": merged([net]),
        })
    routes = ctx.vars.get("trunks_routes")
    if routes in (None, []):
        # The trunks role's default route (every trunk) must not send calls out to another site.
        providers = [trunk["name"] for trunk in ctx.site.get("trunks", []) if trunk["name"] not in
                     {entry["name"] for entry in links} and trunk["name"] is not None]
        routes = [{"name": "outbound", "trunks": providers}] if providers else []
    if isinstance(routes, list):
        ctx.vars["trunks_routes"] = routes + [
            {"name": f"site-{entry['name']}", "trunks": [entry["name"]], "dial": [], "patterns": entry["numbers"]}
            for entry in links if entry["numbers"]
        ]


def read(ctx):
    peers = ctx.peers or {}
    me = peers.get("self")
    hosts = {name: peer_view(variables) for name, variables in (peers.get("hosts") or {}).items()}
    hq_value = ctx.str("site_links_hq")
    max_channels = ctx.int("site_links_max_channels", minimum=1, maximum=100,
                           hint="; the calls the link carries at once")
    address_value = ctx.vars.get("site_links_address")
    address = None
    if address_value not in (None, ""):
        address = read_address(ctx.problems, "site_links_address", address_value)
    section = {"hq": None, "address": str(address.ip) if address is not None else None, "links": []}
    ctx.site["site_links"] = section
    if me is None or me not in hosts:
        # Built without an inventory (a unit test, or the module alone): no links to derive.
        return
    if not NAME.match(me) and (hosts[me]["hq"] or any(view["hq"] == me for view in hosts.values())):
        ctx.problems.add("site_links_hq", f"the inventory name {me!r} names this site's trunk, and is no usable"
                                          f" name; {NAME_HINT}")
        return
    hq = read_hq(ctx, hq_value, me, hosts)
    branches = sorted(name for name, view in hosts.items() if view["hq"] == me and name != me)
    if hq and branches:
        ctx.problems.add("site_links_hq", f"this host is a branch of {hq}, but {', '.join(branches)} name it as"
                                          " their headquarters; a headquarters leaves site_links_hq empty")
        return
    peers_of_me = [hq] if hq else [name for name in branches if peer_address(hosts[name]["address"])]
    if not peers_of_me:
        return
    if address is None and not ctx.problems:
        ctx.problems.add("site_links_address", f"is required: this site links to {', '.join(peers_of_me)}; give the"
                                               " address the other sites reach it at")
    head = hq or me
    check_numbers(ctx, me, [head] + sorted(name for name, view in hosts.items() if view["hq"] == head), hosts)
    if ctx.problems or max_channels is None:
        return
    links = [link(me, peer, hosts, head, max_channels) for peer in peers_of_me]
    section.update(hq=head, links=links)
    add_trunks(ctx, links, hosts[me]["numbers"])
