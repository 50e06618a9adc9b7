"""Road 13, the web UI and AMI from outside the admin networks: unreachable. The web UI
stand-in (TCP 80 and 443) answers the admin network only; AMI (5038) and Asterisk's HTTP
server (8088) listen on the PBX's loopback only, where AMI answers."""

import pytest
from lab import legitimate_path

WEB_PORTS = [80, 443]
ASTERISK_PORTS = [5038, 8088]
STRANGERS = [("insider", "ipv4"), ("insider", "ipv6"), ("outsider", "ipv4"), ("outsider", "ipv6")]


@pytest.mark.parametrize(("client", "family"), STRANGERS)
@pytest.mark.parametrize("pbx", ["office", "world"])
def test_road13_admin_interfaces_are_unreachable_from_outside_the_admin_networks(lab, pbx, client, family):
    ports = WEB_PORTS + ASTERISK_PORTS
    assert lab.reachable(client, pbx, ports, family) == dict.fromkeys(ports, "unreachable")


@pytest.mark.parametrize("pbx", ["office", "world"])
def test_road13_the_web_ui_is_reachable_from_the_admin_network(lab, pbx):
    assert lab.reachable("phone", pbx, WEB_PORTS) == dict.fromkeys(WEB_PORTS, "pbxguard-lab web UI")


def test_road13_ami_and_asterisk_http_are_unreachable_even_from_the_admin_network(lab):
    assert lab.reachable("phone", "office", ASTERISK_PORTS) == dict.fromkeys(ASTERISK_PORTS, "unreachable")


def test_road13_ami_answers_on_the_pbxs_loopback(lab):
    probe = "import socket; s = socket.create_connection(('127.0.0.1', 5038), 3); print(s.recv(80).decode())"
    banner = lab.host("office").sh(f"python3 -c \"{probe}\"")
    assert banner.startswith("Asterisk Call Manager")


@pytest.mark.parametrize("pbx", ["office", "world"])
def test_road13_the_phones_still_register_and_call(lab, pbx):
    legitimate_path(lab, pbx)
