"""The trunks role's settings and what the model draws: bounded routes, blocked destinations
refused unless allowed, caps, inbound contexts that reach only their DIDs, DISA, and the
checker finds nothing in the dial plan the model draws."""

import pytest

from ansible_collections.pbxguard.hardening.plugins.module_utils._cdr_review import BLOCKED_FAMILY, pjsip_endpoint
from ansible_collections.pbxguard.hardening.plugins.module_utils._dialplan import check_texts
from ansible_collections.pbxguard.hardening.plugins.plugin_utils._site.trunks_role import (
    BLOCKED,
    patterns_overlap,
)

SECRET = "Kx7RmQ2vTzN9wLp4HbY6cJ3sDf8GaE5u"
SITE = {
    "pbx_extensions": [
        {"number": "201", "networks": ["10.1.0.16/28"]},
        {"number": "202", "networks": ["10.1.0.16/28"]},
    ],
    "pbx_trunks": [
        {"name": "itsp", "addresses": ["192.0.2.7"], "dids": {"5551000": "201"}},
        {"name": "peer", "addresses": ["198.51.100.9"], "protocol": "iax2", "dids": {"5551001": "202"}},
    ],
    "trunks_secrets": {"peer": SECRET},
}


def text_of(role):
    """The dial plan as the template draws it (without the PIN)."""
    return "".join(f"[{context['name']}]\n" + "\n".join(context["lines"]) + "\n" for context in role["contexts"])


def findings(role):
    return check_texts({"pbxguard_trunks_extensions.conf": text_of(role)}, role["entry_points"])


def context(role, name):
    return next(c for c in role["contexts"] if c["name"] == name)


def lines_of(role, name, pattern):
    """The lines of one extension of a context: its exten line and the same lines after it."""
    lines = context(role, name)["lines"]
    start = lines.index(next(line for line in lines if line.startswith(f"exten => {pattern},1,")))
    end = next((i for i in range(start + 1, len(lines)) if lines[i].startswith("exten => ")), len(lines))
    return lines[start:end]


def test_default_route_and_objects(site):
    role = site(SITE)["trunks_role"]
    assert role["mode"] == "asterisk"
    assert role["routes"][0]["name"] == "outbound" and role["routes"][0]["trunks"] == ["itsp", "peer"]
    assert "_NXXNXXXXXX" in role["routes"][0]["patterns"] and "911" in role["routes"][0]["patterns"]
    assert role["pjsip"][0] | {} == {
        "name": "itsp", "context": "pbxguard-from-itsp", "codecs": ["ulaw", "alaw"], "auth": None, "username": None,
        "contact": "sip:192.0.2.7:5060", "match": ["192.0.2.7/32"],
        "acl": {"deny": ["0.0.0.0/0.0.0.0", "::/0"], "permit": ["192.0.2.7/32"]}, "registration": None,
    }
    assert role["iax2"] == [{
        "name": "peer", "context": "pbxguard-from-peer", "codecs": ["ulaw", "alaw"], "host": "198.51.100.9",
        "port": 4569, "username": "peer", "acl": {"deny": ["0.0.0.0/0.0.0.0", "::/0"], "permit": ["198.51.100.9/32"]},
    }]
    assert role["secrets"] == ["peer"] and SECRET not in repr(role)
    assert role["disa"]["enabled"] is False
    assert role["entry_points"]["inbound"] == ["pbxguard-from-itsp", "pbxguard-from-peer"]


def test_the_checker_finds_nothing_in_what_the_model_draws(site):
    role = site({**SITE, "trunks_routes": [
        {"name": "outbound", "trunks": ["itsp", "peer"]},
        {"name": "abroad", "trunks": ["itsp"], "dial": [], "allow": ["01144", "1876"], "extensions": ["202"]},
        {"name": "custom", "trunks": ["peer"], "dial": [], "patterns": ["_8[2-4]XX", "4110"]},
    ]})["trunks_role"]
    assert findings(role) == []


def test_the_checker_sees_a_wildcard_if_one_slipped_in(site):
    """The check the role runs would catch a wildcard in what the model drew."""
    role = site(SITE)["trunks_role"]
    context(role, "from-internal")["lines"].append("exten => _X.,1,Goto(pbxguard-route-outbound,${EXTEN},1)")
    assert [f["kind"] for f in findings(role) if f["severity"] == "error"] == ["wildcard"]


def test_inbound_contexts_reach_only_their_dids(site):
    role = site(SITE)["trunks_role"]
    lines = context(role, "pbxguard-from-itsp")["lines"]
    assert [line.split(",")[0] for line in lines if line.startswith("exten")] == ["exten => 5551000"]
    assert "Dial(PJSIP/201,30)" in "\n".join(lines)
    assert not any("pbxguard-route" in line or "pbxguard-out" in line or "include" in line for line in lines)
    # The trunk's cap counts inbound calls too.
    assert lines[0:2] == ["exten => 5551000,1,Set(GROUP(pbxguard-trunk)=itsp)",
                          " same => n,GotoIf($[${GROUP_COUNT(itsp@pbxguard-trunk)} > 2]?full)"]


def test_blocked_destinations_refuse_unless_a_route_allows_them(site):
    role = site({**SITE, "trunks_routes": [
        {"name": "outbound", "trunks": ["itsp"]},
        {"name": "jamaica", "trunks": ["itsp"], "dial": [], "allow": ["1876"], "extensions": ["202"]},
    ]})["trunks_role"]
    assert lines_of(role, "from-internal", "_1900NXXXXXX") == [
        "exten => _1900NXXXXXX,1,Gosub(pbxguard-extension-cap,s,1)",
        " same => n,Goto(pbxguard-refuse,blocked,1)",
    ]
    assert lines_of(role, "from-internal", "_1876NXXXXXX") == [
        "exten => _1876NXXXXXX,1,Gosub(pbxguard-extension-cap,s,1)",
        ' same => n,GotoIf($["${CHANNEL(endpoint)}" = "202"]?pbxguard-route-jamaica,${EXTEN},1)',
        " same => n,Goto(pbxguard-refuse,blocked,1)",
    ]
    assert lines_of(role, "from-internal", "_011XXXXXXXXXXXX")[-1] == " same => n,Goto(pbxguard-refuse,blocked,1)"
    assert lines_of(role, "from-internal", "_1NXXNXXXXXX")[-1] == " same => n,Goto(pbxguard-route-outbound,${EXTEN},1)"
    # Emergency calls are never held back by the extension's cap.
    assert lines_of(role, "from-internal", "911") == ["exten => 911,1,Goto(pbxguard-route-outbound,${EXTEN},1)"]


@pytest.mark.parametrize("freepbx", [False, True], ids=["asterisk", "freepbx"])
def test_an_extension_the_call_review_blocked_is_refused_before_any_route(site, freepbx):
    role = site(SITE, host={"freepbx": freepbx})["trunks_role"]
    check = lines_of(role, "pbxguard-extension-cap", "s")
    # Keyed on the endpoint the call comes from, the key the call review writes; never the caller ID.
    assert check[0] == "exten => s,1,GotoIf(${DB_EXISTS(pbxguard-blocked/${CHANNEL(endpoint)})}?blocked)"
    assert BLOCKED_FAMILY == "pbxguard-blocked" and pjsip_endpoint("PJSIP/201-0000001a") == "201"
    assert "CALLERID" not in text_of(role)
    assert check[-1] == " same => n(blocked),Goto(pbxguard-refuse,extension-blocked,1)"
    assert lines_of(role, "pbxguard-refuse", "extension-blocked") == [
        "exten => extension-blocked,1,Log(NOTICE,pbxguard: extension ${CHANNEL(endpoint)} is blocked"
        " (pbxguard-blocked) until an admin clears it)",
        " same => n,Hangup(21)",
    ]
    # Every outside number passes through the check first; emergency numbers and the
    # extensions' own numbers never do.
    extensions = "from-internal-custom" if freepbx else "from-internal"
    firsts = {line.split(",")[0][len("exten => "):]: line for line in context(role, extensions)["lines"]
              if line.startswith("exten => ")}
    outside = [pattern for pattern in firsts if pattern not in ("201", "202", "911", "933")]
    assert "_NXXNXXXXXX" in outside and "_011XXXXXXXXXXXX" in outside and "_1800NXXXXXX" in outside
    assert [p for p in outside if firsts[p] != f"exten => {p},1,Gosub(pbxguard-extension-cap,s,1)"] == []
    assert firsts["911"] == "exten => 911,1,Goto(pbxguard-route-outbound,${EXTEN},1)"


def test_route_failover_and_caps(site):
    role = site({**SITE, "trunks_routes": [{"name": "outbound", "trunks": ["itsp", "peer"]}],
                 "trunks_extension_max_channels_overrides": {"201": "3"}})["trunks_role"]
    assert lines_of(role, "pbxguard-route-outbound", "_NXXNXXXXXX") == [
        "exten => _NXXNXXXXXX,1,Gosub(pbxguard-out-itsp,s,1(${EXTEN}))",
        ' same => n,GotoIf($["${GOSUB_RETVAL}" = "done"]?end)',
        " same => n,Gosub(pbxguard-out-peer,s,1(${EXTEN}))",
        ' same => n,GotoIf($["${GOSUB_RETVAL}" = "done"]?end)',
        " same => n,Goto(pbxguard-refuse,trunks-busy,1)",
        " same => n(end),Hangup()",
    ]
    assert "Dial(IAX2/peer/${FILTER(0-9*#+,${ARG1})})" in "\n".join(context(role, "pbxguard-out-peer")["lines"])
    assert role["extension_caps"] == {"201": 3, "202": 2}
    assert context(role, "pbxguard-extension-max")["lines"] == ["exten => 201,1,Return(3)", "exten => 202,1,Return(2)"]


def test_the_976_exchange_of_a_toll_free_code_is_dialled(site):
    role = site(SITE)["trunks_role"]
    assert "_1800976XXXX" in role["routes"][0]["patterns"]


def test_registration_and_freepbx_mode(site):
    role = site({**SITE, "pbx_trunks": [{"name": "itsp", "addresses": ["192.0.2.0/28"], "host": "sip.example.net",
                                         "registration": "true", "username": "acct1"}],
                 "trunks_secrets": {"itsp": SECRET}}, host={"freepbx": True})["trunks_role"]
    assert role["mode"] == "freepbx"
    assert role["files"][0] == {"topic": "extensions", "main": "extensions.conf", "own": "extensions_custom.conf"}
    assert role["entry_points"]["extensions"] == ["from-internal-custom"]
    assert role["pjsip"][0]["registration"] == {"server_uri": "sip:sip.example.net:5060",
                                                "client_uri": "sip:acct1@sip.example.net:5060"}
    assert role["pjsip"][0]["auth"] == "itsp-auth" and role["pjsip"][0]["match"] == ["192.0.2.0/28"]


def test_disa_in_its_own_context_behind_a_pin(site):
    role = site({**SITE, "pbx_trunks": [SITE["pbx_trunks"][0] | {"dids": {"5551000": "201", "5551009": "disa"}},
                                        SITE["pbx_trunks"][1]],
                 "trunks_disa_enabled": "true", "trunks_disa_routes": ["outbound"]})["trunks_role"]
    assert role["disa"] == {"enabled": True, "pin": "generated", "routes": ["outbound"], "pin_mark": "%DISA_PIN%",
                            "context": "pbxguard-disa"}
    assert " same => n,DISA(%DISA_PIN%,pbxguard-disa-dial)" in context(role, "pbxguard-disa")["lines"]
    assert " same => n,GotoIf($[0${DB(pbxguard/disa_failures)} >= 5]?refuse)" in context(role, "pbxguard-disa")["lines"]
    # The one road from a trunk out: through DISA, which the role accepts.
    errors = [f for f in findings(role) if f["severity"] == "error"]
    assert errors and all(f["kind"] == "outbound-from-inbound" and "pbxguard-disa" in f["path"] for f in errors)


def test_patterns_overlap():
    assert patterns_overlap("_1NXXNXXXXXX", "_1876NXXXXXX")
    assert not patterns_overlap("_1NXXNXXXXXX", "_NXXNXXXXXX")
    assert patterns_overlap("_01[0-2]X", "_011X")
    assert not patterns_overlap("_01[02]X", "_011X")
    assert not patterns_overlap("4110", "4111")
    assert all(not pattern.endswith((".", "!")) for pattern in BLOCKED["nanp"])


CARIBBEAN_AFTER_242 = ("246", "264", "268", "284", "345", "441", "473", "649", "658", "664", "721", "758", "767",
                       "784", "809", "829", "849", "868", "869", "876")
WILDCARD = "is a wildcard pattern: it matches numbers of any length (toll fraud's favourite); spell out the numbers, like _NXXNXXXXXX"


@pytest.mark.parametrize(
    ("variables", "expected"),
    [
        ({"trunks_routes": [{"name": "r", "trunks": ["itsp"], "patterns": ["_X."]}]},
         [f"trunks_routes[0].patterns[0]: '_X.' {WILDCARD}"]),
        ({"trunks_routes": [{"name": "r", "trunks": ["itsp"], "patterns": ["_011!"]}]},
         [f"trunks_routes[0].patterns[0]: '_011!' {WILDCARD}"]),
        ({"trunks_routes": [{"name": "r", "trunks": ["itsp"], "dial": [], "patterns": ["_1NXXXXXXXXX"]}]},
         ["trunks_routes[0].patterns[0]: '_1NXXXXXXXXX' dials blocked destinations (high-fraud area code 242, "
          + ", ".join(f"high-fraud area code {c}" for c in CARIBBEAN_AFTER_242)
          + ", premium-rate area code 900, premium-rate exchange 976); use the route's allow list for the ones it may dial"]),
        ({"trunks_routes": [{"name": "r", "trunks": ["itsp"], "allow": ["+44"]}]},
         ["trunks_routes[0].allow[0]: '+44' is not a number: give the digits as dialled, such as 01144"
          " (international to +44) or 1876 (Jamaica)"]),
        ({"trunks_routes": [{"name": "r", "trunks": ["itsp"], "allow": ["1212"]}]},
         ["trunks_routes[0].allow[0]: 1212 is not a blocked destination; allow takes 011 and a country code (01144)"
          " or 1 and a premium or high-fraud NANP area code (1876, 1900)"]),
        ({"trunks_routes": [{"name": "r", "trunks": ["nope"]}]}, ["trunks_routes[0].trunks[0]: nope is not a trunk of pbx_trunks"]),
        ({"trunks_routes": [{"name": "r", "trunks": ["itsp"], "dial": ["international"]}]},
         ["trunks_routes[0].dial[0]: 'international' is not a category of the nanp plan: domestic, tollfree, emergency"]),
        ({"trunks_routes": [{"name": "r", "trunks": ["itsp"], "extensions": ["299"]}]},
         ["trunks_routes[0].extensions[0]: 299 is not an extension of pbx_extensions"]),
        ({"trunks_routes": [{"name": "r", "trunk": ["itsp"]}]},
         ["trunks_routes[0].trunk: unknown key; trunks_routes[0] takes name, trunks, dial, patterns, allow, extensions",
          "trunks_routes[0].trunks: is required"]),
        ({"trunks_extension_max_channels": 0},
         ["trunks_extension_max_channels: 0 is below the minimum of 1; 0 does not mean unlimited: 1 or 2 calls at once suit a phone"]),
        ({"trunks_extension_max_channels_overrides": {"201": "0"}},
         ["trunks_extension_max_channels_overrides.201: 0 is below the minimum of 1; 0 does not mean unlimited:"
          " give the extension 1 call or more"]),
        ({"pbx_trunks": [{**SITE["pbx_trunks"][0], "max_channels": 3, "provider_max_channels": 2}], "trunks_secrets": {}},
         ["pbx_trunks[0].max_channels: 3 is above the provider's 2 (provider_max_channels): calls past it would fail"
          " at the provider; lower it"]),
        ({"pbx_trunks": [{**SITE["pbx_trunks"][0], "dids": {"5551000": "299"}}], "trunks_secrets": {}},
         ["pbx_trunks[0].dids.5551000: 299 is not an extension of pbx_extensions (or disa)"]),
        ({"pbx_trunks": [{**SITE["pbx_trunks"][0], "dids": {"555-1000": "201"}}], "trunks_secrets": {}},
         ["pbx_trunks[0].dids.555-1000: is not a DID: digits only, at most 15, optionally after a +"]),
        ({"trunks_secrets": {"peer": "password1"}},
         None),
        ({"trunks_disa_enabled": True, "trunks_disa_pin": "", "trunks_disa_routes": ["outbound"],
          "pbx_trunks": [{**SITE["pbx_trunks"][0], "dids": {"5551009": "disa"}}, SITE["pbx_trunks"][1]]},
         ["trunks_disa_pin: DISA without a PIN lets any caller dial out: leave trunks_disa_pin out to have a"
          " 12-digit PIN generated on the PBX, or give one"]),
        ({"trunks_disa_enabled": True, "trunks_disa_routes": ["outbound"]},
         ["trunks_disa_enabled: is true, but no DID of pbx_trunks leads to disa; send one there or turn DISA off"]),
        ({"pbx_trunks": [{**SITE["pbx_trunks"][0], "dids": {"5551009": "disa"}}, SITE["pbx_trunks"][1]]},
         ["pbx_trunks[0].dids.5551009: leads to disa, but trunks_disa_enabled is false; enable DISA or send the DID to an extension"]),
        ({"trunks_disa_enabled": True, "trunks_disa_pin": "123456789012", "trunks_disa_routes": ["outbound"],
          "pbx_trunks": [{**SITE["pbx_trunks"][0], "dids": {"5551009": "disa"}}, SITE["pbx_trunks"][1]]},
         None),
        ({"pbx_trunks": [{"name": "itsp", "addresses": ["192.0.2.7"], "registration": True}], "trunks_secrets": {}},
         ["pbx_trunks[0].username: is required with registration: the account name at the provider"]),
        ({"trunks_unknown": 1}, ["trunks_unknown: unknown variable; did you mean trunks_mode?"]),
    ],
    ids=["wildcard-X.", "wildcard-bang", "overlaps-blocked", "allow-not-a-number", "allow-not-blocked", "unknown-trunk",
         "unknown-category", "unknown-extension", "unknown-route-key", "extension-cap-0", "extension-override-0",
         "above-provider", "did-to-nowhere", "did-not-digits", "weak-secret",
         "disa-without-pin", "disa-without-did", "did-to-disabled-disa", "weak-disa-pin",
         "registration-needs", "unknown-variable"],
)
def test_bad_input(problems, variables, expected):
    found = problems({**SITE, **variables})
    if expected is None:
        # Audit messages are the audit's own; the path and the hint must be there, never the value.
        assert len(found) == 1 and found[0].split(":")[0] in ("trunks_secrets.peer", "trunks_disa_pin")
        assert "password1" not in found[0] and "123456789012" not in found[0]
    else:
        assert found == expected


def test_what_only_the_trunks_role_needs_stops_only_that_role(site):
    """Other layers run on a site whose trunks lack a secret or a host; the role stops on them."""
    role = site({**SITE, "trunks_secrets": {},
                 "pbx_trunks": [{"name": "itsp", "addresses": ["192.0.2.0/28"], "registration": True, "username": "a"},
                                SITE["pbx_trunks"][1]]})["trunks_role"]
    assert role["blockers"] == [
        "pbx_trunks[0].host: is required when addresses is not one address: name the provider's signalling"
        " address or host name calls go to",
        "trunks_secrets.itsp: is required: it registers; give the provider's secret (in a vault)",
        "trunks_secrets.peer: is required: an IAX2 peer authenticates with it (md5); give the provider's secret (in a vault)",
    ]
    assert "contexts" not in role
