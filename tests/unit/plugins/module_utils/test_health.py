"""The health gate's reading of what Asterisk and fail2ban answer (Asterisk 22 output)."""

from ansible_collections.pbxguard.hardening.plugins.module_utils import _health

ENDPOINTS = """
 Endpoint:  <Endpoint/CID.....................................>  <State.....>  <Channels.>
==========================================================================================

 Endpoint:  201/201                                              Not in use    0 of inf
     InAuth:  201/201
 Endpoint:  itsp                                                 Unavailable   0 of inf
"""
PEERS = """Name/Username              Host                 Mask             Port          Status      Description
hq/north         10.242.10.10                             (S)  255.255.255.255                           4569      (E)  OK (2 ms)
south/hq                   10.242.10.12    (S)  255.255.255.255  4569          UNREACHABLE
lab/lab                    10.242.10.13    (S)  255.255.255.255  4569          Unmonitored
3 iax2 peers [1 online, 1 offline, 1 unmonitored]
"""
REGISTRATIONS = """
 <Registration/ServerURI..............................>  <Auth....................>  <Status.......>
 itsp/sip:10.242.3.30:5060                               itsp-auth                   Registered
 other/sip:10.242.3.31:5060                              other-auth                  Rejected
"""
JAILS = "Status\n|- Number of jail:\t2\n`- Jail list:\tpbxguard-asterisk, pbxguard-sshd\n"
EXPECTED = {"asterisk": True, "endpoints": ["201", "itsp"], "iax2_peers": ["hq"], "reachable_peers": ["hq"],
            "registrations": ["itsp"], "firewall": "nftables", "jails": ["pbxguard-asterisk", "pbxguard-sshd"]}
ANSWERS = {"booted": True, "endpoints": ENDPOINTS, "iax2": PEERS, "registrations": REGISTRATIONS,
           "firewall_loaded": True, "jails": JAILS}


def test_parsers():
    assert _health.endpoints(ENDPOINTS) == {"201", "itsp"}
    assert _health.iax2_peers(PEERS) == {"hq": "OK (2 ms)", "south": "UNREACHABLE", "lab": "Unmonitored"}
    assert _health.registered(REGISTRATIONS, "itsp")
    assert not _health.registered(REGISTRATIONS, "other")
    assert not _health.registered(REGISTRATIONS, "its")
    assert _health.jails(JAILS) == {"pbxguard-asterisk", "pbxguard-sshd"}
    assert _health.jails("") == set()


def test_a_healthy_host_passes_every_check():
    checks = _health.gate(EXPECTED, ANSWERS)
    assert [check["name"] for check in checks] == [
        "asterisk booted", "endpoints loaded", "iax2 peers loaded", "trunks reachable", "trunks registered",
        "firewall loaded", "jails active"]
    assert all(check["ok"] for check in checks)


def test_each_failure_is_named():
    expected = {**EXPECTED, "endpoints": ["201", "202"], "iax2_peers": ["hq", "north"],
                "reachable_peers": ["hq", "south", "north"], "registrations": ["other"],
                "jails": ["pbxguard-asterisk", "pbxguard-iax2"]}
    answers = {**ANSWERS, "booted": False, "firewall_loaded": False}
    failed = {check["name"]: check["detail"] for check in _health.gate(expected, answers) if not check["ok"]}
    assert failed == {
        "asterisk booted": "Asterisk is not running or has not fully booted",
        "endpoints loaded": "PJSIP endpoints not loaded: 202",
        "iax2 peers loaded": "IAX2 peers not loaded: north",
        "trunks reachable": "IAX2 peers not reachable: south (UNREACHABLE), north (not loaded)",
        "trunks registered": "PJSIP registrations not registered: other",
        "firewall loaded": "the collection's nftables ruleset is not loaded",
        "jails active": "fail2ban jails not active: pbxguard-iax2",
    }


def test_a_host_without_asterisk_checks_the_firewall_and_the_jails_only():
    checks = _health.gate({**EXPECTED, "asterisk": False, "firewall": "none"}, {**ANSWERS, "booted": False})
    assert [check["name"] for check in checks] == ["jails active"]
