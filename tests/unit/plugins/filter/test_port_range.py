"""port_range: every accepted form and every rejection."""

import pytest
from ansible.errors import AnsibleFilterError

from ansible_collections.pbxguard.hardening.plugins.filter.port_range import FilterModule, port_range

RTP = {"start": 10000, "end": 20000, "count": 10001, "iptables": "10000:20000", "nft": "10000-20000"}
SIP = {"start": 5060, "end": 5060, "count": 1, "iptables": "5060", "nft": "5060"}


def test_filter_is_registered_under_its_name():
    assert FilterModule().filters() == {"port_range": port_range}


@pytest.mark.parametrize("spec", [5060, "5060", " 5060 ", "5060-5060", [5060, 5060], {"start": 5060, "end": 5060}])
def test_single_port(spec):
    assert port_range(spec) == SIP


@pytest.mark.parametrize(
    "spec",
    ["10000-20000", "10000:20000", "10000 - 20000", [10000, 20000], ["10000", "20000"], {"start": 10000, "end": 20000}, (10000, 20000)],
)
def test_range(spec):
    assert port_range(spec) == RTP


def test_bounds_of_the_port_space():
    assert port_range("1-65535") == {"start": 1, "end": 65535, "count": 65535, "iptables": "1:65535", "nft": "1-65535"}


def test_result_holds_plain_ints():
    result = port_range("10000:20000")
    # Exactly int: no bool, no subclass carrying the input's tags.
    assert {type(result[key]) for key in ("start", "end", "count")} == {int}


@pytest.mark.parametrize(
    "spec, message",
    [
        (True, "port_range: True is a boolean, not a port number"),
        (False, "port_range: False is a boolean, not a port number"),
        ([True, 20], "port_range: True is a boolean, not a port number"),
        ({"start": 1, "end": True}, "port_range: True is a boolean, not a port number"),
        (5060.0, "port_range: 5060.0 is a float, not a port number"),
        ([5060.5, 5070], "port_range: 5060.5 is a float, not a port number"),
        (0, "port_range: port 0 is out of range 1-65535"),
        ("0-10", "port_range: port 0 is out of range 1-65535"),
        (65536, "port_range: port 65536 is out of range 1-65535"),
        ("10000-70000", "port_range: port 70000 is out of range 1-65535"),
        (-1, "port_range: port -1 is out of range 1-65535"),
        ("20000-10000", "port_range: start 20000 is greater than end 10000"),
        ([20000, 10000], "port_range: start 20000 is greater than end 10000"),
        ("", "port_range: empty port specification"),
        ("  ", "port_range: empty port specification"),
        ([], "port_range: empty port specification"),
        ({}, "port_range: empty port specification"),
        (None, "port_range: empty port specification"),
        ("sip", "port_range: 'sip' is not a port or a range like '10000-20000' or '10000:20000'"),
        ("+5060", "port_range: '\\+5060' is not a port or a range"),
        ("5_060", "port_range: '5_060' is not a port or a range"),
        ("0x13c4", "port_range: '0x13c4' is not a port or a range"),
        ("5060.0", "port_range: '5060.0' is not a port or a range"),
        ("10000-20000-30000", "port_range: '10000-20000-30000' is not a port or a range"),
        ("\u0665\u0660\u0666\u0660", "port_range: '\u0665\u0660\u0666\u0660' is not a port or a range"),
        (["5060"], "port_range: a range list needs exactly 2 items \\[start, end\\], got 1"),
        ([1, 2, 3], "port_range: a range list needs exactly 2 items \\[start, end\\], got 3"),
        (["a", 2], "port_range: 'a' is not a port number"),
        ([None, 2], "port_range: NoneType None is not a port number"),
        ({"start": 1}, "port_range: a range dict needs exactly the keys start and end, got \\['start'\\]"),
        ({"start": 1, "end": 2, "step": 1}, "port_range: a range dict needs exactly the keys start and end, got \\['end', 'start', 'step'\\]"),
        ({"port": 5060}, "port_range: a range dict needs exactly the keys start and end, got \\['port'\\]"),
        (b"5060", "port_range: expected a port, a 'start-end' or 'start:end' string, a \\[start, end\\] list or a \\{start, end\\} dict, got bytes b'5060'"),
        ({5060}, "port_range: expected a port, a 'start-end' or 'start:end' string, a \\[start, end\\] list or a \\{start, end\\} dict, got set \\{5060\\}"),
    ],
)
def test_rejections(spec, message):
    with pytest.raises(AnsibleFilterError, match=f"^{message}"):
        port_range(spec)


def test_error_chains_the_cause():
    with pytest.raises(AnsibleFilterError) as caught:
        port_range("x")
    assert isinstance(caught.value.__cause__, ValueError)
