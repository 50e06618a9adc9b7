"""The fail2ban role's settings, and what its jails draw from the site and the host."""

import pytest

ASTERISK = {"asterisk": {"installed": True}}
RETRY_HINT = "; with 0 fail2ban bans on nothing or on every line (3, 2 and 2 are the defaults)"
NO_ASTERISK = {"asterisk": {"installed": False}}
NO_ASTERISK_WARNING = (
    "Asterisk is not installed on this host (/etc/asterisk/logger.conf is missing): fail2ban's SIP,"
    " IAX2 and AMI jails are left out. Run the playbook again once Asterisk or FreePBX is installed."
)


def test_default_view(site):
    fail2ban = site(host=ASTERISK)["fail2ban"]
    assert fail2ban == {
        "recidive_enabled": True, "asterisk_enabled": True, "iax2_enabled": True, "ami_enabled": True,
        "sshd_enabled": True, "web_enabled": True, "asterisk_ban_auth_errors": False, "ignoreip_all_jails": True,
        "maxretry": 3, "sip_world_maxretry": 2, "recidive_maxretry": 2, "findtime": 86400, "bantime": 604800, "recidive_findtime": 2592000,
        "recidive_bantime": 31536000, "log_backend": "pyinotify", "banaction": "nftables", "ignoreip_extra": [],
        "jails": {
            "asterisk": {"port": "5060,5061", "protocol": "udp,tcp"},
            "iax2": {"port": "4569", "protocol": "udp"},
            "sshd": {"port": "22", "protocol": "tcp"},
            "ami": {"port": "5038", "protocol": "tcp"},
        },
        "sip_maxretry": 3,
        "learned": None,
        "ignoreip": ["127.0.0.1/8", "::1", "10.1.0.0/24"],
        "mode": "normal",
        "dbpurgeage": 31536000,
        "web": "",
        "sshd_journal": False,
        "stock_sshd": "disabled",
        "packages": ["fail2ban", "conntrack", "nftables", "python3-pyinotify"],
    }


@pytest.mark.parametrize(
    ("variables", "banaction", "ssh", "asterisk"),
    [
        ({}, "nftables", "2222-2223", "5070-5071,5061"),
        ({"firewall_backend": "iptables"}, "iptables", "2222:2223", "5070:5071,5061"),
        ({"firewall_backend": "iptables", "fail2ban_banaction_backend": "nftables"}, "nftables", "2222-2223",
         "5070-5071,5061"),
        ({"fail2ban_banaction_backend": "iptables"}, "iptables", "2222:2223", "5070:5071,5061"),
    ],
    ids=["nftables", "follows-firewall-iptables", "own-nftables", "own-iptables"],
)
def test_jail_ports_in_the_ban_action_spelling(site, variables, banaction, ssh, asterisk):
    fail2ban = site({**variables, "pbx_ports": {"ssh": "2222-2223", "sip_udp": "5070-5071", "sip_tcp": "5070-5071"}},
                    host=ASTERISK)["fail2ban"]
    assert fail2ban["banaction"] == banaction
    assert fail2ban["jails"]["sshd"] == {"port": ssh, "protocol": "tcp"}
    assert fail2ban["jails"]["asterisk"] == {"port": asterisk, "protocol": "udp,tcp"}
    assert fail2ban["packages"] == ["fail2ban", "conntrack", banaction, "python3-pyinotify"]


def test_jails_follow_the_switches_the_ports_and_the_host(site):
    fail2ban = site({"fail2ban_iax2_enabled": "no", "fail2ban_ami_enabled": False, "pbx_ports": {"sip_tls": None,
                     "http": None}}, host={**ASTERISK, "web": "nginx"})["fail2ban"]
    assert fail2ban["jails"] == {
        "asterisk": {"port": "5060", "protocol": "udp,tcp"},
        "sshd": {"port": "22", "protocol": "tcp"},
        "web": {"port": "443", "protocol": "tcp"},
    }
    assert fail2ban["web"] == "nginx"


def test_web_jail_needs_a_web_server(site):
    assert "web" not in site(host={**ASTERISK, "web": ""})["fail2ban"]["jails"]


def test_ignoreip_order_and_uniqueness(site):
    fail2ban = site({"pbx_lan_networks": ["10.1.0.0/24", "fd00::/64"], "pbx_admin_networks": ["10.1.0.0/28"],
                     "fail2ban_ignoreip_extra": ["192.0.2.1", "10.1.0.0/24", "::1", "2001:db8::/32", "192.0.2.1"]},
                    ssh_client="198.51.100.200 51000 22")["fail2ban"]
    assert fail2ban["ignoreip_extra"] == ["192.0.2.1/32", "10.1.0.0/24", "::1/128", "2001:db8::/32", "192.0.2.1/32"]
    assert fail2ban["ignoreip"] == [
        "127.0.0.1/8", "::1", "10.1.0.0/24", "198.51.100.200/32", "fd00::/64", "192.0.2.1/32", "::1/128",
        "2001:db8::/32",
    ]


# auto is pyinotify whatever the host has now: the role installs it, so a fresh host's first
# and second runs draw the same jails.
@pytest.mark.parametrize(
    ("backend", "host", "expected", "packages"),
    [
        ("auto", {"pyinotify": True}, "pyinotify", ["python3-pyinotify"]),
        ("auto", {"pyinotify": False}, "pyinotify", ["python3-pyinotify"]),
        ("auto", {}, "pyinotify", ["python3-pyinotify"]),
        ("pyinotify", {"pyinotify": False}, "pyinotify", ["python3-pyinotify"]),
        ("polling", {"pyinotify": True}, "polling", []),
    ],
    ids=["auto-with-pyinotify", "auto-without", "auto-no-facts", "pyinotify-installed-by-the-role", "polling"],
)
def test_log_backend(site, backend, host, expected, packages):
    fail2ban = site({"fail2ban_log_backend": backend}, host={**ASTERISK, **host})["fail2ban"]
    assert fail2ban["log_backend"] == expected
    assert fail2ban["packages"] == ["fail2ban", "conntrack", "nftables"] + packages


@pytest.mark.parametrize(
    ("variables", "jails"),
    [
        ({}, ["sshd"]),
        ({"fail2ban_asterisk_enabled": False, "fail2ban_iax2_enabled": "false"}, ["sshd"]),
    ],
    ids=["defaults", "ami-jail-alone"],
)
def test_a_host_without_asterisk_gets_the_other_jails_and_a_warning(site, variables, jails):
    built = site(variables, host=NO_ASTERISK)
    assert sorted(built["fail2ban"]["jails"]) == jails
    assert built["fail2ban"]["recidive_enabled"] is True
    assert built["warnings"] == [NO_ASTERISK_WARNING]


def test_no_warning_when_no_asterisk_jail_is_asked_for(site):
    built = site({"fail2ban_asterisk_enabled": False, "fail2ban_iax2_enabled": False, "fail2ban_ami_enabled": False},
                 host=NO_ASTERISK)
    assert (sorted(built["fail2ban"]["jails"]), built["warnings"]) == (["sshd"], [])


@pytest.mark.parametrize("host", [{}, {"pyinotify": True}], ids=["no-facts", "facts-without-asterisk-key"])
def test_the_asterisk_jails_stay_when_the_facts_do_not_say_it_is_missing(site, host):
    built = site(host=host)
    assert sorted(built["fail2ban"]["jails"]) == ["ami", "asterisk", "iax2", "sshd"]
    assert built["warnings"] == []


@pytest.mark.parametrize(
    ("sshd", "journal", "python3_systemd", "stock_sshd"),
    [
        (True, True, True, "disabled"),
        (True, False, False, "disabled"),
        (False, True, True, "journal"),
        (False, False, False, "unchanged"),
    ],
    ids=["sshd-journal", "sshd-log-file", "no-sshd-jail-journal", "no-sshd-jail-log-file"],
)
def test_debian_sshd_jail_and_packages(site, sshd, journal, python3_systemd, stock_sshd):
    fail2ban = site({"fail2ban_sshd_enabled": sshd}, host={**ASTERISK, "sshd_journal": journal})["fail2ban"]
    assert fail2ban["packages"] == ["fail2ban", "conntrack", "nftables", "python3-pyinotify"] + (
        ["python3-systemd"] if python3_systemd else [])
    assert fail2ban["sshd_journal"] is journal
    assert fail2ban["stock_sshd"] == stock_sshd


@pytest.mark.parametrize(
    ("variables", "mode", "dbpurgeage"),
    [
        ({}, "normal", 31536000),
        ({"fail2ban_asterisk_ban_auth_errors": "true"}, "aggressive", 31536000),
        ({"fail2ban_recidive_enabled": "false"}, "normal", 604800),
    ],
    ids=["defaults", "ban-auth-errors", "no-recidive"],
)
def test_mode_and_dbpurgeage(site, variables, mode, dbpurgeage):
    fail2ban = site(variables, host=ASTERISK)["fail2ban"]
    assert (fail2ban["mode"], fail2ban["dbpurgeage"]) == (mode, dbpurgeage)


@pytest.mark.parametrize(
    ("variables", "expected"),
    [
        ({"fail2ban_maxretry": 0}, [f"fail2ban_maxretry: 0 is below the minimum of 1{RETRY_HINT}"]),
        ({"fail2ban_recidive_maxretry": "0"}, [f"fail2ban_recidive_maxretry: 0 is below the minimum of 1{RETRY_HINT}"]),
        ({"fail2ban_sip_world_maxretry": True},
         [f"fail2ban_sip_world_maxretry: boolean True is not an integer{RETRY_HINT}"]),
        ({"fail2ban_findtime": 0}, ["fail2ban_findtime: 0 is below the minimum of 1 (seconds)"]),
        ({"fail2ban_bantime": -1}, ["fail2ban_bantime: -1 is below the minimum of 1 (seconds)"]),
        ({"fail2ban_recidive_findtime": 0}, ["fail2ban_recidive_findtime: 0 is below the minimum of 1 (seconds)"]),
        ({"fail2ban_recidive_bantime": "1d"}, ["fail2ban_recidive_bantime: text '1d' is not an integer (seconds)"]),
        ({"fail2ban_bantime": 3600, "fail2ban_findtime": 3601},
         ["fail2ban_bantime: 3600 s is shorter than fail2ban_findtime (3601 s): a banned guesser is back before his"
          " failures are forgotten; raise fail2ban_bantime to at least fail2ban_findtime"]),
        ({"fail2ban_recidive_findtime": 604800},
         ["fail2ban_recidive_findtime: 604800 s must be longer than fail2ban_bantime (604800 s), or no second ban"
          " ever falls in its window; raise it"]),
        ({"fail2ban_recidive_bantime": 604799},
         ["fail2ban_recidive_bantime: 604799 s must be at least fail2ban_bantime (604800 s); raise it"]),
        ({"fail2ban_log_backend": "systemd"}, ["fail2ban_log_backend: 'systemd' is not one of auto, pyinotify, polling"]),
        ({"fail2ban_banaction_backend": "ufw"}, ["fail2ban_banaction_backend: 'ufw' is not one of nftables, iptables"]),
        ({"fail2ban_banaction_backend": ["nftables"]}, ["fail2ban_banaction_backend: list ['nftables'] is not text"]),
        ({"firewall_backend": "ufw"}, ["firewall_backend: 'ufw' is not one of nftables, iptables"]),
        ({"fail2ban_ignoreip_extra": ["example.com"]},
         ["fail2ban_ignoreip_extra[0]: 'example.com' is not an IP address or CIDR"]),
        ({"fail2ban_ignoreip_extra": ["192.0.2.1/24"]},
         ["fail2ban_ignoreip_extra[0]: '192.0.2.1/24' has host bits set; did you mean '192.0.2.0/24'?"]),
        ({"fail2ban_ignoreip_extra": "192.0.2.1"},
         ["fail2ban_ignoreip_extra: text '192.0.2.1' is not a list; write [item, ...]"]),
        ({"fail2ban_sshd_enabled": "enabled"}, ["fail2ban_sshd_enabled: text 'enabled' is not a boolean; write true or false"]),
    ],
    ids=["maxretry-0", "recidive-maxretry-0", "sip-world-maxretry-bool", "findtime-0", "bantime-negative", "recidive-findtime-0",
         "recidive-bantime-text", "bantime-below-findtime", "recidive-window-not-longer", "recidive-ban-shorter",
         "log-backend", "banaction", "banaction-list", "firewall-backend-reported-once", "ignoreip-hostname",
         "ignoreip-host-bits", "ignoreip-text", "switch-text"],
)
def test_bad_setting(problems, variables, expected):
    assert problems(variables) == expected


@pytest.mark.parametrize(
    ("variables", "sip_maxretry"),
    [
        ({}, 3),
        ({"pbx_sip_open_to_world": True}, 2),
        ({"pbx_sip_open_to_world": "false", "fail2ban_sip_world_maxretry": 1}, 3),
        ({"pbx_sip_open_to_world": "true", "fail2ban_sip_world_maxretry": "4", "fail2ban_maxretry": 5}, 4),
    ],
    ids=["closed", "world", "text-false-world", "world-own-value"],
)
def test_the_sip_jail_bans_sooner_when_sip_is_open_to_the_world(site, variables, sip_maxretry):
    """The byte budget holds a nonce-per-guess guesser to about 2 guesses: the SIP jail bans there."""
    assert site(variables, host=ASTERISK)["fail2ban"]["sip_maxretry"] == sip_maxretry


def test_recidive_windows_unchecked_without_recidive(site):
    assert site({"fail2ban_recidive_enabled": False, "fail2ban_recidive_findtime": 1, "fail2ban_recidive_bantime": 1})


def test_bantime_equal_to_findtime_is_enough(site):
    assert site({"fail2ban_bantime": 86400, "fail2ban_findtime": 86400, "fail2ban_recidive_bantime": 86400,
                 "fail2ban_recidive_findtime": 86401})["fail2ban"]["bantime"] == 86400


ROAMING = {"pbx_sip_open_to_world": True,
           "pbx_extensions": [{"number": "401", "roaming": True}, {"number": "402", "roaming": True}]}


@pytest.mark.parametrize(("backend", "expected"), [("nftables", "nftables"), ("iptables", "iptables")])
def test_learned_jail_follows_the_firewall_backend(site, backend, expected):
    # The sets live in the firewall's backend, whatever backend the bans use.
    fail2ban = site({**ROAMING, "firewall_backend": backend, "fail2ban_banaction_backend": "nftables",
                     "pbx_roaming_expiration": 600}, host=ASTERISK)["fail2ban"]
    assert fail2ban["learned"] == {"accounts": ["401", "402"], "timeout": 660, "backend": expected}


def test_no_learned_jail_before_asterisk_is_installed(site):
    assert site(ROAMING, host={"asterisk": {"installed": False}})["fail2ban"]["learned"] is None


def test_roaming_needs_the_sip_jail(problems):
    assert problems({**ROAMING, "fail2ban_asterisk_enabled": False}, host=ASTERISK) == [
        "fail2ban_asterisk_enabled: is false, but extension 401 roams: the SIP jail bans its guessers, and its"
        " watcher tells the firewall where the phone registered from; set it to true"
    ]
