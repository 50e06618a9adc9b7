"""Road 14, the attacker through the VPN (the issue's "attackers ... through the VPN"): the
roamer, on an unlisted address, holds VPN phone 202's valid profile. Its tunnel comes up and
202 registers through it; but from 202's tunnel address extension 203 does not register, even
with 203's own secret, and a packet from 203's VPN address sent down 202's tunnel is dropped by
the VPN server, so 203 does not register that way either. 202's secret from the roamer's own
address (outside the tunnel) does not register."""

import re

import pytest
from lab import REFUSED, VPN_PHONES, VPN_SERVER, Tunnel, legitimate_path


@pytest.fixture(scope="module")
def tunnel(lab):
    tunnel = Tunnel(lab, "roamer", "202")
    up = tunnel.start()
    yield tunnel, up
    tunnel.stop()


def contacts(lab, number):
    """The contacts extension number has registered on office."""
    return re.findall(rf"(?m)^\s*Contact:\s+{number}/\S+", lab.asterisk("office", "pjsip show contacts"))


def test_road14_the_vpn_phone_connects_with_its_fixed_address(lab, tunnel):
    vpn, up = tunnel
    assert up, vpn.text()[-2000:]
    assert f"inet {VPN_PHONES['202']}/" in lab.host("roamer").sh("ip -4 -o addr show dev tun0")


def test_road14_the_vpn_phone_registers_through_the_tunnel(lab, tunnel):
    assert tunnel[1]
    assert lab.register("roamer", "office", lab.secret("office", "sip_202"), user="202", server=VPN_SERVER) == "200"
    assert any(VPN_PHONES["202"] in line for line in contacts(lab, "202"))


def test_road14_another_extension_does_not_register_from_the_tunnel(lab, tunnel):
    assert tunnel[1]
    status = lab.register("roamer", "office", lab.secret("office", "sip_203"), user="203", server=VPN_SERVER)
    assert status in REFUSED
    assert contacts(lab, "203") == []


def tun_packets_sent(host):
    return int(host.sh("cat /sys/class/net/tun0/statistics/tx_packets").strip())


def test_road14_another_phones_vpn_address_does_not_pass_the_tunnel(lab, tunnel):
    assert tunnel[1]
    roamer, office = lab.host("roamer"), lab.host("office")
    # A counter (no verdict) of what arrives at office from 203's address through the tunnel.
    office.sh(f"nft add table inet pbxguard_lab && nft add chain inet pbxguard_lab seen"
              f" '{{ type filter hook input priority -400; }}' && nft add rule inet pbxguard_lab seen"
              f" iifname tun0 ip saddr {VPN_PHONES['203']} counter")
    # 203's address on 202's tunnel, and the route to the PBX through it from that address.
    roamer.sh(f"ip addr add {VPN_PHONES['203']}/32 dev tun0 && ip route replace {VPN_SERVER}/32 dev tun0"
              f" src {VPN_PHONES['203']}")
    sent = tun_packets_sent(roamer)
    try:
        status = lab.register("roamer", "office", lab.secret("office", "sip_203"), user="203", server=VPN_SERVER)
        sent = tun_packets_sent(roamer) - sent
        arrived = office.sh("nft list chain inet pbxguard_lab seen")
    finally:
        roamer.sh(f"ip route del {VPN_SERVER}/32 dev tun0; ip addr del {VPN_PHONES['203']}/32 dev tun0", check=False)
        office.sh("nft delete table inet pbxguard_lab", check=False)
    assert sent >= 1  # the REGISTER (and its retransmissions) went down the tunnel ...
    assert "counter packets 0 bytes 0" in arrived, arrived  # ... and the VPN server dropped it
    assert status == "timeout"
    assert contacts(lab, "203") == []


@pytest.mark.parametrize("family", ["ipv4", "ipv6"])
def test_road14_the_vpn_phones_secret_outside_the_tunnel_does_not_register(lab, tunnel, family):
    status = lab.register("roamer", "office", lab.secret("office", "sip_202"), family, user="202")
    assert status in REFUSED


def test_road14_the_vpn_phone_still_registers_after_the_attempts(lab, tunnel):
    assert tunnel[1]
    assert lab.register("roamer", "office", lab.secret("office", "sip_202"), user="202", server=VPN_SERVER) == "200"


@pytest.mark.parametrize("pbx", ["office", "world"])
def test_road14_the_phones_still_register_and_call(lab, pbx):
    legitimate_path(lab, pbx)
