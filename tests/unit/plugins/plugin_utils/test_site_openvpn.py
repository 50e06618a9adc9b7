"""The openvpn role's part of the site: its phones, its revocations, its floors."""

import pytest

VPN = {
    "pbx_vpn_enabled": True,
    "openvpn_remote": "pbx.example.org",
    "openvpn_profiles_dir": "/srv/ansible/openvpn profiles",
}
PHONES = [
    {"number": "201", "vpn_address": "10.8.0.10"},
    {"number": 202, "vpn_address": "10.8.0.11"},
    {"number": "203", "networks": ["10.1.0.0/24"]},
]


def test_the_phones_are_the_extensions_with_a_vpn_address(site):
    built = site({**VPN, "pbx_extensions": PHONES})["openvpn"]
    assert built == {
        "enabled": True,
        "cipher": "AES-256-GCM",
        "tls_version_min": "1.2",
        "remote": "pbx.example.org",
        "profiles_dir": "/srv/ansible/openvpn profiles",
        "certificate_days": 3650,
        "keepalive": 15,
        "network": "10.8.0.0/24",
        "server": {"address": "10.8.0.1", "netmask": "255.255.255.0"},
        "port": 1194,
        "protocol": {"server": "udp", "client": "udp"},
        "phones": [
            {"number": "201", "name": "phone-201", "address": "10.8.0.10"},
            {"number": "202", "name": "phone-202", "address": "10.8.0.11"},
        ],
        "revoked": [],
        "missing": [],
    }


def test_the_extension_of_a_vpn_phone_permits_only_its_address(site):
    objects = site({**VPN, "pbx_extensions": PHONES})["sip_extensions"]["extensions"]
    assert [o["acl"]["permit"] for o in objects] == [["10.8.0.10/32"], ["10.8.0.11/32"], ["10.1.0.0/24"]]


def test_the_firewall_admits_the_pool_for_sip_and_rtp_and_the_port_from_anywhere(site):
    built = site({**VPN, "pbx_extensions": PHONES})
    assert "10.8.0.0/24" in built["sources"]["sip"]["ipv4"]
    rules = {rule["service"]: rule["source"] for rule in built["firewall"]["rules"]}
    assert (rules["sip_udp"], rules["rtp"], rules["openvpn"]) == ("sip", "sip", "any")


def test_revoked_phones_get_nothing_but_the_crl(site):
    built = site({**VPN, "pbx_extensions": PHONES, "openvpn_revoked_phones": [201, "201", "299"]})["openvpn"]
    assert [phone["number"] for phone in built["phones"]] == ["202"]
    # 299 has left pbx_extensions; its certificate may still exist, so it is revoked too.
    assert built["revoked"] == [{"number": "201", "name": "phone-201"}, {"number": "299", "name": "phone-299"}]


def test_over_tcp_on_its_own_port(site):
    built = site({**VPN, "pbx_vpn_protocol": "tcp", "pbx_ports": {"openvpn": "1195"}})["openvpn"]
    assert (built["protocol"], built["port"]) == ({"server": "tcp-server", "client": "tcp-client"}, 1195)


@pytest.mark.parametrize(("cipher", "tls"), [("aes-128-gcm", 1.3), ("CHACHA20-POLY1305", "1.3"), ("AES-256-GCM", 1.2)])
def test_ciphers_and_tls_versions_at_the_floor_or_above(site, cipher, tls):
    built = site({**VPN, "openvpn_cipher": cipher, "openvpn_tls_version_min": tls})["openvpn"]
    assert (built["cipher"], built["tls_version_min"]) == (cipher.upper(), str(tls))


def test_off_draws_nothing(site):
    built = site({"pbx_vpn_enabled": "false", "pbx_extensions": [{"number": "203", "networks": ["10.1.0.0/24"]}]})
    assert built["openvpn"]["enabled"] is False and built["openvpn"]["phones"] == []


def test_what_only_the_role_needs_is_named_for_it(site):
    # The pbx role alone (smoke, the rendering tests) does not need them; the openvpn role
    # and harden.yml's first play stop on these before any change.
    built = site({"pbx_vpn_enabled": True, "pbx_extensions": PHONES})["openvpn"]
    assert built["missing"] == [
        "openvpn_remote: is not set; give the name or address the phones reach the PBX at",
        "openvpn_profiles_dir: is not set; name the folder on the controller for the phones' profiles",
    ]
    assert site({"pbx_vpn_enabled": True, "openvpn_remote": " "})["openvpn"]["missing"] == []


@pytest.mark.parametrize(
    ("variables", "expected"),
    [
        ({"pbx_lan_networks": ["10.8.0.0/16"]},
         ["pbx_vpn_network: 10.8.0.0/24 overlaps 10.8.0.0/16 of pbx_lan_networks; give the VPN a pool of its own"]),
        ({"pbx_extensions": [{"number": "201", "vpn_address": "10.8.0.10"}, {"number": "202", "vpn_address": "10.8.0.10"}]},
         ["pbx_extensions (extension 202).vpn_address: 10.8.0.10 is also the address of extension 201;"
          " give each phone its own"]),
        ({"pbx_extensions": [{"number": "201", "vpn_address": "10.9.0.10"}]},
         ["pbx_extensions[0].vpn_address: 10.9.0.10 needs pbx_vpn_enabled: true and an address inside"
          " pbx_vpn_network (10.8.0.0/24)"]),
        ({"pbx_extensions": [{"number": "201", "vpn_address": "10.8.0.1"}]},
         ["pbx_extensions (extension 201).vpn_address: 10.8.0.1 is the VPN's network, broadcast or server address"
          " (10.8.0.1); give the phone another address of 10.8.0.0/24"]),
        ({"pbx_extensions": [{"number": "201", "vpn_address": "10.8.0.255"}]},
         ["pbx_extensions (extension 201).vpn_address: 10.8.0.255 is the VPN's network, broadcast or server address"
          " (10.8.0.1); give the phone another address of 10.8.0.0/24"]),
        ({"openvpn_cipher": "BF-CBC"},
         ["openvpn_cipher: 'BF-CBC' is below the floor; use one of AES-256-GCM, AES-128-GCM, CHACHA20-POLY1305"
          " (AEAD ciphers only)"]),
        ({"openvpn_cipher": "AES-256-CBC"},
         ["openvpn_cipher: 'AES-256-CBC' is below the floor; use one of AES-256-GCM, AES-128-GCM, CHACHA20-POLY1305"
          " (AEAD ciphers only)"]),
        ({"openvpn_cipher": ""}, ["openvpn_cipher: is empty"]),
        ({"openvpn_tls_version_min": 1.1}, ["openvpn_tls_version_min: '1.1' is below the floor; use 1.2 or 1.3"]),
        ({"openvpn_tls_version_min": "1.0"}, ["openvpn_tls_version_min: '1.0' is below the floor; use 1.2 or 1.3"]),
        ({"openvpn_tls_version_min": True}, ["openvpn_tls_version_min: boolean True is not text"]),
        ({"openvpn_revoked_phones": "201"}, ["openvpn_revoked_phones: text '201' is not a list; write [item, ...]"]),
        ({"openvpn_revoked_phones": ["phone-201"]},
         ["openvpn_revoked_phones[0]: 'phone-201' is not an extension number; list the numbers of the phones to revoke"]),
        ({"openvpn_remote": "pbx.example.org; rm -rf /"}, ["openvpn_remote: 'pbx.example.org; rm -rf /' is not a host name or an address"]),
        ({"openvpn_profiles_dir": "profiles"},
         ["openvpn_profiles_dir: 'profiles' must be an absolute path on the controller (letters, digits, spaces and _ . / -)"]),
        ({"openvpn_certificate_days": "7"}, ["openvpn_certificate_days: 7 is below the minimum of 30 (days)"]),
        ({"openvpn_keepalive": True}, ["openvpn_keepalive: boolean True is not an integer (seconds between pings)"]),
        ({"pbx_vpn_network": "fd00:8::/64"},
         ["pbx_vpn_network: fd00:8::/64 is IPv6; the openvpn role needs an IPv4 pool for its phones"]),
        ({"pbx_vpn_network": "10.8.0.0/30"},
         ["pbx_vpn_network: 10.8.0.0/30 is too small for a server and its phones; use a /29 or larger"]),
        ({"pbx_ports": {"openvpn": "1194-1195"}}, ["pbx_ports.openvpn: 1194-1195 is a range; the server listens on one port"]),
        ({"openvpn_cipher_floor": "none"}, ["openvpn_cipher_floor: unknown variable; did you mean openvpn_cipher?"]),
    ],
    ids=["overlaps-lan", "two-phones-one-address", "outside-the-pool", "server-address", "broadcast", "blowfish",
         "cbc", "empty-cipher", "tls-1.1-number", "tls-1.0", "tls-bool", "revoked-text", "revoked-name",
         "remote-injection", "relative-profiles", "days", "keepalive-bool", "ipv6-pool", "tiny-pool", "port-range",
         "typo"],
)
def test_bad_input_is_named(problems, variables, expected):
    assert problems({**VPN, **variables}) == expected
