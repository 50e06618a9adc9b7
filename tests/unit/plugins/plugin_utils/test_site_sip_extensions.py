"""The sip_extensions role's settings: strict types, audited given secrets and PINs that never
appear in a problem, the PJSIP objects and transports drawn for each extension, the mode."""

import pytest

EXTENSIONS = {
    "pbx_lan_networks": ["10.1.0.0/24", "fd00:10::/64"],
    "pbx_extensions": [
        {"number": "201", "networks": ["10.1.0.16/28", "fd00:10::20/126"]},
        {"number": 202, "networks": ["10.1.0.32/28"]},
    ],
}
# Strong, random-looking values that pass the audit (none holds an extension number).
GOOD_SECRET = "q7XvB9mKe4TzW8nRs3YpLc6HdJ5uGa2F"
GOOD_PIN = "80574913"
WEAK_SECRETS = {
    "short": "Xk9q4TzW",
    "words": "Password1Password1Password1Password1",
    "walk": "1qaz2wsx3edc4rfv5tgb6yhn7ujm8ik,",
    "has-number": "q7XvB9mKe4TzW8nRs3YpLc6HdJ5u201F",
}
DEFAULTS = {
    "mode": "asterisk", "secret_length": 32, "secret_store": "/etc/pbxguard/secrets.json", "max_contacts": 1,
    "context": "from-internal", "codecs": ["ulaw", "alaw", "g722"], "user_agent": "PBX",
    "unidentified_request_count": 3, "unidentified_request_period": 5, "unidentified_request_prune_interval": 30,
    "voicemail_enabled": True, "voicemail_context": "default", "voicemail_pin_length": 8, "voicemail_maxlogins": 3,
    "ami": "localhost", "http": "localhost",
}


GENERATED_TLS_FILES = {"cert_file": "/etc/asterisk/pbxguard-tls/sip.crt",
                       "priv_key_file": "/etc/asterisk/pbxguard-tls/sip.key", "method": "tlsv1_2"}


def test_default_objects_and_transports(site):
    built = site(EXTENSIONS)["sip_extensions"]
    assert {key: built[key] for key in DEFAULTS} == DEFAULTS
    assert built["transports"] == [
        {"name": "pbxguard-udp", "protocol": "udp", "bind": "0.0.0.0:5060"},
        {"name": "pbxguard-udp6", "protocol": "udp", "bind": "[::]:5060"},
        {"name": "pbxguard-tcp", "protocol": "tcp", "bind": "0.0.0.0:5060"},
        {"name": "pbxguard-tcp6", "protocol": "tcp", "bind": "[::]:5060"},
        {"name": "pbxguard-tls", "protocol": "tls", "bind": "0.0.0.0:5061", **GENERATED_TLS_FILES},
        {"name": "pbxguard-tls6", "protocol": "tls", "bind": "[::]:5061", **GENERATED_TLS_FILES},
    ]
    assert built["tls"] == {"certificate": "/etc/asterisk/pbxguard-tls/sip.crt",
                            "private_key": "/etc/asterisk/pbxguard-tls/sip.key", "generate": True}
    assert built["extensions"] == [
        {"number": "201", "endpoint": "201", "auth": "201-auth", "aor": "201", "max_contacts": 1, "roaming": None,
         "secret": "generated", "pin": "generated", "mailbox": "201@default",
         "acl": {"deny": ["0.0.0.0/0.0.0.0", "::/0"], "permit": ["10.1.0.16/28", "fd00:10::20/126"]}},
        {"number": "202", "endpoint": "202", "auth": "202-auth", "aor": "202", "max_contacts": 1, "roaming": None,
         "secret": "generated", "pin": "generated", "mailbox": "202@default",
         "acl": {"deny": ["0.0.0.0/0.0.0.0", "::/0"], "permit": ["10.1.0.32/28"]}},
    ]
    assert built["files"]["pjsip"] == {"main": "pjsip.conf", "own": "pbxguard_pjsip.conf"}


def test_given_values_are_flagged_never_copied(site):
    built = site({**EXTENSIONS, "sip_extensions_secrets": {"201": GOOD_SECRET},
                  "sip_extensions_voicemail_pins": {202: GOOD_PIN},
                  "sip_extensions_max_contacts_overrides": {"202": "3"}})
    objects = built["sip_extensions"]["extensions"]
    assert [(o["secret"], o["pin"], o["max_contacts"]) for o in objects] == [("given", "generated", 1),
                                                                             ("generated", "given", 3)]
    assert GOOD_SECRET not in repr(built) and GOOD_PIN not in repr(built)


def test_transports_follow_the_port_plan_and_the_families(site):
    built = site({"pbx_ports": {"sip_udp": 5070, "sip_tcp": None, "sip_tls": None},
                  "pbx_extensions": [{"number": "201", "networks": ["10.1.0.0/24"]}]})["sip_extensions"]
    assert built["transports"] == [{"name": "pbxguard-udp", "protocol": "udp", "bind": "0.0.0.0:5070"}]
    assert built["tls"] is None


def test_the_hosts_own_certificate_serves_tls(site):
    built = site({"pbx_ports": {"sip_udp": None, "sip_tcp": None, "sip_tls": 5071},
                  "sip_extensions_tls_certificate": "/etc/ssl/pbx.pem", "sip_extensions_tls_private_key": "/etc/ssl/pbx.key",
                  "pbx_extensions": [{"number": "201", "networks": ["10.1.0.0/24"]}]})["sip_extensions"]
    assert built["tls"] == {"certificate": "/etc/ssl/pbx.pem", "private_key": "/etc/ssl/pbx.key", "generate": False}
    assert built["transports"] == [{"name": "pbxguard-tls", "protocol": "tls", "bind": "0.0.0.0:5071",
                                    "cert_file": "/etc/ssl/pbx.pem", "priv_key_file": "/etc/ssl/pbx.key",
                                    "method": "tlsv1_2"}]


@pytest.mark.parametrize(("given", "problem"), [
    ({"sip_extensions_tls_certificate": "/etc/ssl/pbx.pem"},
     "sip_extensions_tls_private_key: is empty but sip_extensions_tls_certificate is set; give both"),
    ({"sip_extensions_tls_private_key": "/etc/ssl/pbx.key"},
     "sip_extensions_tls_certificate: is empty but sip_extensions_tls_private_key is set; give both"),
    ({"sip_extensions_tls_certificate": "../pbx.pem", "sip_extensions_tls_private_key": "/etc/ssl/pbx.key"},
     "sip_extensions_tls_certificate: '../pbx.pem' must be an absolute path without '..'"),
    ({"sip_extensions_tls_certificate": "/etc/ssl/pbx.pem", "sip_extensions_tls_private_key": "/etc/ssl/../x"},
     "sip_extensions_tls_private_key: '/etc/ssl/../x' must be an absolute path without '..'"),
], ids=["key-missing", "certificate-missing", "relative", "dot-dot"])
def test_tls_files_both_or_neither_and_absolute(problems, given, problem):
    assert any(message.startswith(problem) for message in problems({**EXTENSIONS, **given}))


@pytest.mark.parametrize(("host", "setting", "mode", "own"), [
    ({"freepbx": True}, "auto", "freepbx", "pjsip.endpoint_custom_post.conf"),
    ({"freepbx": False}, "auto", "asterisk", None),
    ({}, "freepbx", "freepbx", "pjsip.endpoint_custom_post.conf"),
    ({"freepbx": True}, "asterisk", "asterisk", None),
], ids=["auto-freepbx", "auto-asterisk", "forced-freepbx", "forced-asterisk"])
def test_mode_from_the_host(site, host, setting, mode, own):
    built = site({**EXTENSIONS, "sip_extensions_mode": setting}, host=host)["sip_extensions"]
    assert built["mode"] == mode
    assert built["files"].get("endpoint", {}).get("own") == own
    assert (built["transports"] == []) == (mode == "freepbx")


@pytest.mark.parametrize("name", sorted(WEAK_SECRETS))
def test_a_weak_given_secret_is_refused_without_being_shown(problems, name):
    secret = WEAK_SECRETS[name]
    found = problems({**EXTENSIONS, "sip_extensions_secrets": {"201": secret}})
    assert len(found) == 1
    assert found[0].startswith("sip_extensions_secrets.201: the given secret ")
    assert found[0].endswith("; give a stronger one or leave it out to have one generated on the PBX")
    assert secret not in found[0]


def test_weak_secret_messages(problems):
    assert problems({**EXTENSIONS, "sip_extensions_secrets": {"201": WEAK_SECRETS["has-number"]}}) == [
        "sip_extensions_secrets.201: the given secret contains the extension number 201; give a stronger one"
        " or leave it out to have one generated on the PBX"]
    assert problems({**EXTENSIONS, "sip_extensions_secrets": {"202": WEAK_SECRETS["short"]}}) == [
        "sip_extensions_secrets.202: the given secret estimated strength is 47 bits, below the 128 required;"
        " give a stronger one or leave it out to have one generated on the PBX"]


@pytest.mark.parametrize(("variables", "expected"), [
    ({"sip_extensions_secrets": {"203": GOOD_SECRET}},
     ["sip_extensions_secrets.203: is not an extension of pbx_extensions; remove it or add the extension"]),
    ({"sip_extensions_secrets": {"201": 12345}}, ["sip_extensions_secrets.201: is a int; a secret is text (quote it)"]),
    ({"sip_extensions_secrets": {"201": GOOD_SECRET[:20] + " x" + GOOD_SECRET[20:]}},
     ["sip_extensions_secrets.201: holds spaces, quotes or characters outside printable ASCII; use letters and digits"]),
    ({"sip_extensions_secrets": [GOOD_SECRET]},
     ["sip_extensions_secrets: is a list, not a mapping of extension numbers to values"]),
    ({"sip_extensions_voicemail_pins": {"201": "8057491"}},
     ["sip_extensions_voicemail_pins.201: the given PIN is 7 digits long, shorter than"
      " sip_extensions_voicemail_pin_length (8); is 7 long, a voicemail PIN needs at least 8 digits"]),
    ({"sip_extensions_voicemail_pins": {"201": "80574913"}, "sip_extensions_voicemail_pin_length": 10},
     ["sip_extensions_voicemail_pins.201: the given PIN is 8 digits long, shorter than"
      " sip_extensions_voicemail_pin_length (10)"]),
    ({"sip_extensions_voicemail_pins": {"201": "12345678"}},
     ["sip_extensions_voicemail_pins.201: the given PIN has an ascending sequence of 8 digits"]),
    ({"sip_extensions_voicemail_pins": {"202": "97202583"}},
     ["sip_extensions_voicemail_pins.202: the given PIN contains the extension number 202"]),
    ({"sip_extensions_voicemail_pins": {"201": 80574913}},
     ["sip_extensions_voicemail_pins.201: is a int; quote PINs in YAML so that leading zeros are kept"]),
    ({"sip_extensions_max_contacts": 0},
     ["sip_extensions_max_contacts: 0 is below the minimum of 1; 0 would refuse every registration (Asterisk's"
      " default), 1 is one phone per extension"]),
    ({"sip_extensions_max_contacts_overrides": {"201": 0}},
     ["sip_extensions_max_contacts_overrides.201: 0 is below the minimum of 1; 0 would refuse every registration"
      " (Asterisk's default), 1 is one phone per extension"]),
    ({"sip_extensions_max_contacts": True},
     ["sip_extensions_max_contacts: boolean True is not an integer; 0 would refuse every registration (Asterisk's"
      " default), 1 is one phone per extension"]),
    ({"sip_extensions_secret_length": 16},
     ["sip_extensions_secret_length: 16 is below the minimum of 24 (letters and digits; 24 hold well over 128 bits)"]),
    ({"sip_extensions_voicemail_pin_length": 6},
     ["sip_extensions_voicemail_pin_length: 6 is below the minimum of 8 (digits; 8 is the policy's floor)"]),
    ({"sip_extensions_voicemail_maxlogins": 0},
     ["sip_extensions_voicemail_maxlogins: 0 is below the minimum of 1 (wrong PINs before VoiceMailMain hangs up)"]),
    ({"sip_extensions_voicemail_enabled": "maybe"},
     ["sip_extensions_voicemail_enabled: text 'maybe' is not a boolean; write true or false"]),
    ({"sip_extensions_user_agent": "Asterisk PBX 22.1"},
     ["sip_extensions_user_agent: 'Asterisk PBX 22.1' names a product or a version (or holds odd characters);"
      " a scanner picks its exploits from it: say something plain, such as PBX"]),
    ({"sip_extensions_user_agent": "PBX v2.3"},
     ["sip_extensions_user_agent: 'PBX v2.3' names a product or a version (or holds odd characters);"
      " a scanner picks its exploits from it: say something plain, such as PBX"]),
    ({"sip_extensions_context": "from internal"},
     ["sip_extensions_context: 'from internal' must be letters, digits and _ . @ + - only"]),
    ({"sip_extensions_codecs": ["ulaw", "a law"]},
     ["sip_extensions_codecs[1]: text 'a law' is not a codec name such as ulaw"]),
    ({"sip_extensions_codecs": []}, ["sip_extensions_codecs: is empty; list the codecs the phones use, e.g. [ulaw, alaw]"]),
    ({"sip_extensions_mode": "incredible"}, ["sip_extensions_mode: 'incredible' is not one of auto, asterisk, freepbx"]),
    ({"sip_extensions_ami": "0.0.0.0"}, ["sip_extensions_ami: '0.0.0.0' is not one of localhost, off"]),
    ({"sip_extensions_secret_store": "/etc/../tmp/s.json"},
     ["sip_extensions_secret_store: '/etc/../tmp/s.json' must be an absolute path without '..'"]),
    ({"sip_extensions_unidentified_request_count": 0},
     ["sip_extensions_unidentified_request_count: 0 is below the minimum of 1"]),
], ids=["secret-unknown-extension", "secret-int", "secret-space", "secrets-list", "pin-too-short",
        "pin-shorter-than-setting", "pin-sequence", "pin-has-number", "pin-int", "max-contacts-0",
        "override-0", "max-contacts-bool", "secret-length", "pin-length", "maxlogins", "voicemail-bool",
        "user-agent-version", "user-agent-v", "context", "codec", "codecs-empty", "mode", "ami", "store",
        "unidentified"])
def test_bad_settings(problems, variables, expected):
    assert problems({**EXTENSIONS, **variables}) == expected


def test_no_problem_quotes_a_given_value(problems):
    secrets = {"201": WEAK_SECRETS["words"], "202": 123456789}
    pins = {"201": "12345678", "202": "2020"}
    text = "\n".join(problems({**EXTENSIONS, "sip_extensions_secrets": secrets, "sip_extensions_voicemail_pins": pins}))
    for value in [*secrets.values(), *pins.values()]:
        assert str(value) not in text.replace("sip_extensions", "")


def test_freepbx_keeps_its_own_secrets_and_needs_ami(problems):
    assert problems({**EXTENSIONS, "sip_extensions_secrets": {"201": GOOD_SECRET}, "sip_extensions_ami": "off"},
                    host={"freepbx": True}) == [
        "sip_extensions_secrets: FreePBX keeps the extensions' secrets in its own database; set them in FreePBX,"
        " not here",
        "sip_extensions_ami: is off, but FreePBX drives Asterisk through AMI; use localhost",
    ]


@pytest.mark.parametrize(("variables", "expected"), [
    ({"pbx_extensions": [{"number": "201", "networks": ["10.1.0.0/24"]}, {"number": "201", "networks": ["10.1.0.0/24"]}]},
     "pbx_extensions[1].number: 201 is listed twice (also pbx_extensions[0]); each number once"),
    ({"pbx_extensions": [{"number": "201", "networks": []}]},
     "pbx_extensions[0].networks: is empty; list the networks the extension may register from"),
    ({"pbx_extensions": [{"number": "201", "networks": ["10.9.0.0/24"]}]},
     "pbx_extensions[0].networks: 10.9.0.0/24 is not inside pbx_lan_networks, pbx_remote_sites, pbx_trunks or the"
     " VPN, so the firewall would drop it. Add the network there, or narrow the extension's networks"),
    ({"pbx_lan_networks": [], "pbx_extensions": []},
     None),
], ids=["duplicate-number", "empty-permit", "outside-sources", "no-site"])
def test_the_extensions_the_role_needs_are_checked_first(problems, variables, expected):
    """Bad extensions fail in the model before the role touches a file; a site with no SIP
    source at all (a group_vars file that does not apply: an unknown site) fails too."""
    found = problems(variables)
    if expected:
        assert expected in found
    else:
        assert any("SIP" in problem for problem in found), found


# The fail2ban role's watcher reads security events through AMI: turning AMI off would blind the SIP jail.
def test_ami_off_needs_the_sip_jail_off(problems, site):
    assert problems({**EXTENSIONS, "sip_extensions_ami": "off"}) == [
        "sip_extensions_ami: is off, but the SIP jail of the fail2ban role reads Asterisk's security events"
        " through AMI on localhost (pbxguard-secwatch); use localhost",
    ]
    assert site({**EXTENSIONS, "sip_extensions_ami": "off", "fail2ban_asterisk_enabled": False})["sip_extensions"]["ami"] == "off"


ROAMING = {"pbx_sip_open_to_world": True, "pbx_lan_networks": ["10.1.0.0/24"],
           "pbx_extensions": [{"number": "201", "networks": ["10.1.0.0/24"]}, {"number": "401", "roaming": True}]}


def test_roaming_endpoint_answers_where_packets_come_from_with_one_contact(site):
    built = site({**ROAMING, "pbx_roaming_expiration": 120, "sip_extensions_max_contacts": 3,
                  "sip_extensions_max_contacts_overrides": {"401": 1}})["sip_extensions"]
    ordinary, roaming = built["extensions"]
    assert (ordinary["max_contacts"], ordinary["roaming"]) == (3, None)
    assert roaming["max_contacts"] == 1
    assert roaming["roaming"] == {
        "endpoint": {"rtp_symmetric": "yes", "force_rport": "yes", "rewrite_contact": "yes", "direct_media": "no"},
        "expiration": 120,
        "qualify_frequency": 24,
    }
    assert roaming["acl"] == {"deny": ["0.0.0.0/0.0.0.0", "::/0"], "permit": ["0.0.0.0/0", "::/0"]}


@pytest.mark.parametrize(
    ("variables", "expected"),
    [
        ({"sip_extensions_max_contacts_overrides": {401: 2}},
         ["sip_extensions_max_contacts_overrides.401: is 2, but extension 401 roams: a roaming extension takes one"
          " contact; remove the override"]),
        ({"sip_extensions_secret_length": 24},
         ["sip_extensions_secret_length: is 24, but extension 401 roams: a roaming extension's secret faces the"
          " whole Internet; use 32 or more"]),
        ({"sip_extensions_secrets": {401: "q7XvB9mKe4TzW8nRs3YpLc6H"}},
         ["sip_extensions_secrets.401: is 24 characters long, but extension 401 roams: give 32 or more, or leave it"
          " out to have one generated"]),
    ],
    ids=["two-contacts", "generated-too-short", "given-too-short"],
)
def test_bad_roaming_extension_settings(problems, variables, expected):
    assert problems({**ROAMING, **variables}) == expected


def test_long_given_secret_of_a_roaming_extension_is_flagged_not_copied(site):
    built = site({**ROAMING, "sip_extensions_secrets": {"401": GOOD_SECRET}})
    assert built["sip_extensions"]["extensions"][1]["secret"] == "given"
    assert GOOD_SECRET not in str(built)
