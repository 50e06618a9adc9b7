# Copyright (c) pbxguard developers
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""Parse port numbers and port ranges (private to this collection).

Every error is a ValueError whose message names the bad value; callers
prefix it with the name of their filter or module.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence

PORT_MIN = 1
PORT_MAX = 65535

# Plain decimal digits only: int() would also take "+5", "5_060" and non-ASCII digits.
_RANGE_TEXT = re.compile(r"^\s*([0-9]+)\s*(?:[-:]\s*([0-9]+)\s*)?$")


def _describe(value):
    """Name a value's type next to the value, e.g. "bool True"."""
    return f"{type(value).__name__} {value!r}"


def _port(value):
    """Return one port number as a plain int."""
    # bool is a subclass of int: check it first.
    if isinstance(value, bool):
        raise ValueError(f"{value!r} is a boolean, not a port number")
    if isinstance(value, float):
        raise ValueError(f"{value!r} is a float, not a port number")
    if isinstance(value, str):
        if not re.match(r"^\s*[0-9]+\s*$", value):
            raise ValueError(f"{value!r} is not a port number")
        value = int(value)
    elif not isinstance(value, int):
        raise ValueError(f"{_describe(value)} is not a port number")
    if not PORT_MIN <= value <= PORT_MAX:
        raise ValueError(f"port {int(value)} is out of range {PORT_MIN}-{PORT_MAX}")
    return int(value)


def _bounds(spec):
    """Return (start, end) from any accepted form; the caller checks their order."""
    if isinstance(spec, bool):
        raise ValueError(f"{spec!r} is a boolean, not a port number")
    if isinstance(spec, (int, float)):
        port = _port(spec)
        return port, port
    if isinstance(spec, str):
        if not spec.strip():
            raise ValueError("empty port specification")
        match = _RANGE_TEXT.match(spec)
        if not match:
            raise ValueError(f"{spec!r} is not a port or a range like '10000-20000' or '10000:20000'")
        start, end = match.groups()
        return _port(start), _port(start if end is None else end)
    if isinstance(spec, Mapping):
        if not spec:
            raise ValueError("empty port specification")
        if set(spec) != {"start", "end"}:
            raise ValueError(f"a range dict needs exactly the keys start and end, got {sorted(map(str, spec))}")
        return _port(spec["start"]), _port(spec["end"])
    if isinstance(spec, Sequence) and not isinstance(spec, (bytes, bytearray)):
        if not spec:
            raise ValueError("empty port specification")
        if len(spec) != 2:
            raise ValueError(f"a range list needs exactly 2 items [start, end], got {len(spec)}")
        return _port(spec[0]), _port(spec[1])
    if spec is None:
        raise ValueError("empty port specification")
    raise ValueError(
        f"expected a port, a 'start-end' or 'start:end' string, a [start, end] list"
        f" or a {{start, end}} dict, got {_describe(spec)}"
    )


def parse_port_range(spec):
    """Return a dict start, end, count, iptables, nft for one port or range.

    Accepted forms: 5060, "5060", "10000-20000", "10000:20000",
    [10000, 20000] and {"start": 10000, "end": 20000}.
    """
    start, end = _bounds(spec)
    if start > end:
        raise ValueError(f"start {start} is greater than end {end}")
    single = start == end
    return {
        "start": start,
        "end": end,
        "count": end - start + 1,
        # iptables --dport takes "a:b", nftables "a-b"; one port is the same in both.
        "iptables": str(start) if single else f"{start}:{end}",
        "nft": str(start) if single else f"{start}-{end}",
    }
