# Copyright (c) pbxguard developers
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""Parse lists of IP addresses and CIDR networks on the controller (private to this collection).

netaddr is needed only when a filter runs, so that ansible-doc and the
sanity import test work without it.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

from ansible.errors import AnsibleFilterError
from ansible.module_utils.basic import missing_required_lib

try:
    import netaddr
except ImportError as exc:
    netaddr = None
    NETADDR_IMPORT_ERROR = exc
else:
    NETADDR_IMPORT_ERROR = None

# "address" or "address/prefix", nothing else: netaddr alone would also take
# netmasks ("/255.255.255.0"), spaces ("/ 8") and a trailing newline.
_CIDR_TEXT = re.compile(r"^[0-9A-Fa-f:.]+(/(0|[1-9][0-9]{0,2}))?$")


class AnyAddressError(ValueError):
    """A network that admits every address (0.0.0.0/0, ::/0), where that is not allowed."""


def require_netaddr(filter_name):
    """Fail the filter with install advice when netaddr is missing."""
    if netaddr is None:
        raise AnsibleFilterError(f"{filter_name}: {missing_required_lib('netaddr')}") from NETADDR_IMPORT_ERROR


def as_entries(filter_name, value, what):
    """Return value as a list: one string becomes a list, null or empty an empty list."""
    if value is None or value == "":
        return []
    if isinstance(value, str):
        return [value]
    if isinstance(value, Sequence):
        return list(value)
    raise AnsibleFilterError(
        f"{filter_name}: {what} must be a list of addresses or CIDRs, got {type(value).__name__} {value!r}"
    )


def parse_cidr(entry, allow_any=False):
    """Return one entry as a netaddr.IPNetwork, or raise ValueError naming the entry.

    A bare address becomes a /32 or /128; host bits and, unless allowed, any-address
    networks are refused.
    """
    if netaddr is None:
        raise ValueError(missing_required_lib("netaddr"))
    if not isinstance(entry, str):
        raise ValueError(f"{type(entry).__name__} {entry!r} is not an address or CIDR string")
    if not _CIDR_TEXT.fullmatch(entry):
        raise ValueError(f"{entry!r} is not an IP address or CIDR")
    try:
        network = netaddr.IPNetwork(entry)
    except (netaddr.AddrFormatError, ValueError, TypeError) as exc:
        raise ValueError(f"{entry!r} is not an IP address or CIDR") from exc
    if network.ip != network.network:
        raise ValueError(f"{entry!r} has host bits set; did you mean '{network.cidr}'?")
    if network.prefixlen == 0 and not allow_any:
        raise AnyAddressError(f"{entry!r} admits every address")
    return network


def parse_network(filter_name, entry, allow_any=False):
    """parse_cidr for a filter: its errors name the filter."""
    require_netaddr(filter_name)
    try:
        return parse_cidr(entry, allow_any)
    # Only a library error is chained: Ansible appends the cause's text to the message.
    except AnyAddressError as exc:
        raise AnsibleFilterError(f"{filter_name}: {exc}; set allow_any=true if that is really meant") from None
    except ValueError as exc:
        raise AnsibleFilterError(f"{filter_name}: {exc}") from exc.__cause__


def merge(networks):
    """{ipv4: [...], ipv6: [...]}: sorted, merged CIDR strings of netaddr networks."""
    return {
        f"ipv{version}": [str(net) for net in netaddr.cidr_merge([net for net in networks if net.version == version])]
        for version in (4, 6)
    }


def check_allow_any(filter_name, allow_any):
    if not isinstance(allow_any, bool):
        raise AnsibleFilterError(f"{filter_name}: allow_any must be true or false, got {allow_any!r}")
