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


def parse_network(filter_name, entry, allow_any=False):
    """Return one entry as a netaddr.IPNetwork; a bare address becomes a /32 or /128."""
    require_netaddr(filter_name)
    if not isinstance(entry, str):
        raise AnsibleFilterError(
            f"{filter_name}: {type(entry).__name__} {entry!r} is not an address or CIDR string"
        )
    if not _CIDR_TEXT.fullmatch(entry):
        raise AnsibleFilterError(f"{filter_name}: {entry!r} is not an IP address or CIDR")
    try:
        network = netaddr.IPNetwork(entry)
    except (netaddr.AddrFormatError, ValueError, TypeError) as exc:
        raise AnsibleFilterError(f"{filter_name}: {entry!r} is not an IP address or CIDR") from exc
    if network.ip != network.network:
        raise AnsibleFilterError(
            f"{filter_name}: {entry!r} has host bits set; did you mean '{network.cidr}'?"
        )
    if network.prefixlen == 0 and not allow_any:
        raise AnsibleFilterError(
            f"{filter_name}: {entry!r} admits every address; set allow_any=true if that is really meant"
        )
    return network


def check_allow_any(filter_name, allow_any):
    if not isinstance(allow_any, bool):
        raise AnsibleFilterError(f"{filter_name}: allow_any must be true or false, got {allow_any!r}")
