# Copyright (c) pbxguard developers
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""The sip_extensions role's settings, and the PJSIP objects it draws for each extension.

Given secrets and PINs are audited here and never copied into the site: the site says only
whether a value is given, and the role reads it from the inventory in tasks that hide it.
Problems name the path and what is wrong with a value, never the value.
"""

from __future__ import annotations

import re
from collections.abc import Mapping

from ansible_collections.pbxguard.hardening.plugins.module_utils._secrets import audit_secret
from ansible_collections.pbxguard.hardening.plugins.plugin_utils._site import _types

MODES = ("auto", "asterisk", "freepbx")
SERVICES = ("localhost", "off")
# What a SIP secret or PIN may hold without breaking quoting in the config files.
PRINTABLE = re.compile(r"^[\x21-\x7e]+$")
CONFIG_WORD = re.compile(r"^[A-Za-z0-9_.@+-]+$")
CODEC = re.compile(r"^[a-z0-9_]+$")
PATH = re.compile(r"^/[A-Za-z0-9_./-]+$")
# A product name or a version number in the User-Agent tells a scanner which exploits to try.
REVEALING = re.compile(r"asterisk|freepbx|pjsip|digium|sangoma|\d+\.\d+", re.IGNORECASE)
DENY_ALL = ["0.0.0.0/0.0.0.0", "::/0"]
# pbx_secret's limits for a generated SIP secret and a voicemail PIN.
SECRET_LENGTH = (24, 128)
# A roaming extension's secret faces the whole Internet: at least this many characters.
ROAMING_SECRET_LENGTH = 32
# A roaming phone sits behind NAT: answer where its packets come from, never where its
# headers say; keep the media through Asterisk; check it is reachable every so often.
ROAMING_ENDPOINT = {"rtp_symmetric": "yes", "force_rport": "yes", "rewrite_contact": "yes", "direct_media": "no"}
ROAMING_QUALIFY_DIVISOR = 5
PIN_LENGTH = (8, 32)
# Where the role makes a self-signed certificate when the inventory names none.
GENERATED_TLS = {"certificate": "/etc/asterisk/pbxguard-tls/sip.crt", "private_key": "/etc/asterisk/pbxguard-tls/sip.key"}
# TLS 1.2 is the oldest version without known protocol breaks that desk phones speak.
TLS_METHOD = "tlsv1_2"
FILES = {
    "asterisk": {
        "pjsip": {"main": "pjsip.conf", "own": "pbxguard_pjsip.conf"},
        "voicemail": {"main": "voicemail.conf", "own": "pbxguard_voicemail.conf"},
        "ami": {"main": "manager.conf", "own": "pbxguard_manager.conf"},
        "http": {"main": "http.conf", "own": "pbxguard_http.conf"},
        "options": {"main": "asterisk.conf", "own": "pbxguard_asterisk.conf"},
    },
    # FreePBX includes these after its own objects; nothing else of FreePBX is touched.
    "freepbx": {
        "global": {"main": "pjsip.conf", "own": "pjsip_custom_post.conf"},
        "endpoint": {"main": "pjsip.conf", "own": "pjsip.endpoint_custom_post.conf"},
        "aor": {"main": "pjsip.conf", "own": "pjsip.aor_custom_post.conf"},
        "ami": {"main": "manager.conf", "own": "manager_custom.conf"},
        "http": {"main": "http.conf", "own": "http_custom.conf"},
    },
}


def read_numbers_map(ctx, name, numbers):
    """A mapping keyed by extension numbers; keys that are not extensions are named."""
    value = ctx.vars.get(name)
    if value is None:
        return {}
    if not isinstance(value, Mapping):
        # Never describe the value: it may hold secrets.
        ctx.problems.add(name, f"is a {type(value).__name__}, not a mapping of extension numbers to values")
        return {}
    entries = {}
    for key in value:
        number = str(key)
        if number not in numbers:
            ctx.problems.add(f"{name}.{number}", "is not an extension of pbx_extensions; remove it or add the extension")
            continue
        entries[number] = value[key]
    return entries


def read_secrets(ctx, numbers, freepbx):
    given = read_numbers_map(ctx, "sip_extensions_secrets", numbers)
    if given and freepbx:
        ctx.problems.add(
            "sip_extensions_secrets",
            "FreePBX keeps the extensions' secrets in its own database; set them in FreePBX, not here",
        )
    ok = set()
    for number, secret in given.items():
        path = f"sip_extensions_secrets.{number}"
        if not isinstance(secret, str):
            ctx.problems.add(path, f"is a {type(secret).__name__}; a secret is text (quote it)")
            continue
        if secret and not PRINTABLE.match(secret):
            ctx.problems.add(path, "holds spaces, quotes or characters outside printable ASCII; use letters and digits")
            continue
        verdict = audit_secret(secret, "sip", extension=number)
        if not verdict["ok"]:
            ctx.problems.add(path, "the given secret " + "; ".join(verdict["problems"])
                             + "; give a stronger one or leave it out to have one generated on the PBX")
            continue
        ok.add(number)
    return ok


def read_pins(ctx, numbers, length):
    given = read_numbers_map(ctx, "sip_extensions_voicemail_pins", numbers)
    ok = set()
    for number, pin in given.items():
        path = f"sip_extensions_voicemail_pins.{number}"
        if not isinstance(pin, str):
            ctx.problems.add(path, f"is a {type(pin).__name__}; quote PINs in YAML so that leading zeros are kept")
            continue
        problems = audit_secret(pin, "pin", extension=number)["problems"]
        if length is not None and len(pin) < length and pin.isdigit():
            problems.insert(0, f"is {len(pin)} digits long, shorter than sip_extensions_voicemail_pin_length ({length})")
        if problems:
            ctx.problems.add(path, "the given PIN " + "; ".join(dict.fromkeys(problems)))
            continue
        ok.add(number)
    return ok


def read_overrides(ctx, numbers, roaming):
    overrides = {}
    for number, value in read_numbers_map(ctx, "sip_extensions_max_contacts_overrides", numbers).items():
        path = f"sip_extensions_max_contacts_overrides.{number}"
        count = _types.read_int(ctx.problems, path, value, minimum=1, maximum=100, hint=MAX_CONTACTS_HINT)
        if count is not None and count != 1 and number in roaming:
            ctx.problems.add(path, f"is {count}, but extension {number} roams: a roaming extension takes one contact;"
                             " remove the override")
            continue
        if count is not None:
            overrides[number] = count
    return overrides


def check_roaming_secrets(ctx, settings, roaming, given):
    """A roaming extension's secret, given or generated, is ROAMING_SECRET_LENGTH long or more."""
    length = settings["secret_length"]
    if roaming and length is not None and length < ROAMING_SECRET_LENGTH:
        ctx.problems.add("sip_extensions_secret_length", f"is {length}, but extension {roaming[0]} roams: a roaming"
                         f" extension's secret faces the whole Internet; use {ROAMING_SECRET_LENGTH} or more")
    for number in roaming:
        secret = given.get(number)
        if isinstance(secret, str) and 0 < len(secret) < ROAMING_SECRET_LENGTH:
            ctx.problems.add(f"sip_extensions_secrets.{number}", f"is {len(secret)} characters long, but extension"
                             f" {number} roams: give {ROAMING_SECRET_LENGTH} or more, or leave it out to have one generated")


MAX_CONTACTS_HINT = "; 0 would refuse every registration (Asterisk's default), 1 is one phone per extension"


def read_settings(ctx):
    problems = ctx.problems
    settings = {
        "mode": ctx.str("sip_extensions_mode", choices=MODES),
        "secret_length": ctx.int("sip_extensions_secret_length", minimum=SECRET_LENGTH[0], maximum=SECRET_LENGTH[1],
                                 hint=" (letters and digits; 24 hold well over 128 bits)"),
        "secret_store": ctx.str("sip_extensions_secret_store"),
        "max_contacts": ctx.int("sip_extensions_max_contacts", minimum=1, maximum=100, hint=MAX_CONTACTS_HINT),
        "context": ctx.str("sip_extensions_context", allow_empty=False),
        "codecs": [],
        "user_agent": ctx.str("sip_extensions_user_agent", allow_empty=False),
        "unidentified_request_count": ctx.int("sip_extensions_unidentified_request_count", minimum=1),
        "unidentified_request_period": ctx.int("sip_extensions_unidentified_request_period", minimum=1, hint=" (seconds)"),
        "unidentified_request_prune_interval": ctx.int("sip_extensions_unidentified_request_prune_interval", minimum=1,
                                                       hint=" (seconds)"),
        "voicemail_enabled": ctx.bool("sip_extensions_voicemail_enabled"),
        "voicemail_context": ctx.str("sip_extensions_voicemail_context", allow_empty=False),
        "voicemail_pin_length": ctx.int("sip_extensions_voicemail_pin_length", minimum=PIN_LENGTH[0],
                                        maximum=PIN_LENGTH[1], hint=" (digits; 8 is the policy's floor)"),
        "voicemail_maxlogins": ctx.int("sip_extensions_voicemail_maxlogins", minimum=1, maximum=10,
                                       hint=" (wrong PINs before VoiceMailMain hangs up)"),
        "ami": ctx.str("sip_extensions_ami", choices=SERVICES),
        "http": ctx.str("sip_extensions_http", choices=SERVICES),
        "tls_certificate": ctx.str("sip_extensions_tls_certificate"),
        "tls_private_key": ctx.str("sip_extensions_tls_private_key"),
    }
    for name in ("context", "voicemail_context"):
        value = settings[name]
        if value is not None and not CONFIG_WORD.match(value):
            problems.add(f"sip_extensions_{name}", f"{value!r} must be letters, digits and _ . @ + - only")
            settings[name] = None
    for index, codec in enumerate(ctx.list("sip_extensions_codecs") or []):
        if isinstance(codec, str) and CODEC.match(codec):
            settings["codecs"].append(codec)
        else:
            problems.add(f"sip_extensions_codecs[{index}]", f"{_types.describe(codec)} is not a codec name such as ulaw")
    if not settings["codecs"] and isinstance(ctx.vars.get("sip_extensions_codecs"), list):
        problems.add("sip_extensions_codecs", "is empty; list the codecs the phones use, e.g. [ulaw, alaw]")
    agent = settings["user_agent"]
    if agent is not None and (not PRINTABLE.match(agent.replace(" ", "x")) or REVEALING.search(agent)):
        problems.add("sip_extensions_user_agent", f"{agent!r} names a product or a version (or holds odd characters);"
                     " a scanner picks its exploits from it: say something plain, such as PBX")
    for name in ("secret_store", "tls_certificate", "tls_private_key"):
        path = settings[name]
        if path and (not PATH.match(path) or "/../" in f"{path}/"):
            problems.add(f"sip_extensions_{name}", f"{path!r} must be an absolute path without '..'")
            settings[name] = None
    if bool(settings["tls_certificate"]) != bool(settings["tls_private_key"]):
        given, missing = ("tls_certificate", "tls_private_key") if settings["tls_certificate"] else ("tls_private_key", "tls_certificate")
        problems.add(f"sip_extensions_{missing}", f"is empty but sip_extensions_{given} is set; give both"
                     " (the host's certificate and its key) or neither (the role makes a self-signed one)")
    return settings


def tls_files(settings):
    """The certificate and key of the TLS transport: the inventory's, or the role's own."""
    if settings["tls_certificate"]:
        return {"certificate": settings["tls_certificate"], "private_key": settings["tls_private_key"], "generate": False}
    return GENERATED_TLS | {"generate": True}


def mode_of(settings, host):
    if settings["mode"] in ("asterisk", "freepbx"):
        return settings["mode"]
    return "freepbx" if host.get("freepbx") else "asterisk"


def transports(site, tls):
    """The transports of the SIP ports the port plan enables, for each family the site admits."""
    sip = site["sources"]["sip"]
    families = [("", "0.0.0.0")] + ([("6", "[::]")] if sip["ipv6"] or site["sip_open_to_world"] else [])
    drawn = []
    for service, protocol in (("sip_udp", "udp"), ("sip_tcp", "tcp"), ("sip_tls", "tls")):
        entry = site["port_plan"].get(service)
        if entry is None:
            continue
        for suffix, address in families:
            transport = {"name": f"pbxguard-{protocol}{suffix}", "protocol": protocol,
                         "bind": f"{address}:{entry['start']}"}
            if protocol == "tls":
                transport |= {"cert_file": tls["certificate"], "priv_key_file": tls["private_key"], "method": TLS_METHOD}
            drawn.append(transport)
    return drawn


def roaming_objects(site):
    """What a roaming extension's endpoint and AOR add: NAT handling, its lifetime, qualify."""
    expiration = site["roaming"]["expiration"]
    return {"endpoint": ROAMING_ENDPOINT, "expiration": expiration,
            "qualify_frequency": max(expiration // ROAMING_QUALIFY_DIVISOR, 10)}


def extension_objects(site, settings, given_secrets, given_pins, overrides):
    objects = []
    for extension in site["extensions"]:
        number = extension["number"]
        permit = extension["permit"]["ipv4"] + extension["permit"]["ipv6"]
        roaming = extension["roaming"]
        objects.append({
            "number": number,
            "endpoint": number,
            "auth": f"{number}-auth",
            "aor": number,
            "max_contacts": 1 if roaming else overrides.get(number, settings["max_contacts"]),
            "roaming": roaming_objects(site) if roaming else None,
            "secret": "given" if number in given_secrets else "generated",
            "pin": "given" if number in given_pins else "generated",
            "mailbox": f"{number}@{settings['voicemail_context']}",
            "acl": {"deny": DENY_ALL, "permit": permit},
        })
    return objects


def read(ctx):
    settings = read_settings(ctx)
    # The numbers as written, so that an extension with another problem is not reported twice.
    numbers = {str(entry.get("number")) for entry in ctx.vars.get("pbx_extensions") or [] if isinstance(entry, Mapping)}
    mode = mode_of(settings, ctx.host) if settings["mode"] else None
    given_secrets = read_secrets(ctx, numbers, mode == "freepbx")
    given_pins = read_pins(ctx, numbers, settings["voicemail_pin_length"])
    roaming = ctx.site["roaming"]["numbers"]
    overrides = read_overrides(ctx, numbers, roaming)
    secrets = ctx.vars.get("sip_extensions_secrets")
    # Only secrets that passed the audit: a weak one is reported once, by the audit.
    audited = {str(key): value for key, value in secrets.items() if str(key) in given_secrets} if given_secrets else {}
    check_roaming_secrets(ctx, settings, roaming, audited)
    if mode == "freepbx" and settings["ami"] == "off":
        ctx.problems.add("sip_extensions_ami", "is off, but FreePBX drives Asterisk through AMI; use localhost")
    elif settings["ami"] == "off" and (ctx.site.get("fail2ban") or {}).get("asterisk_enabled"):
        ctx.problems.add(
            "sip_extensions_ami",
            "is off, but the SIP jail of the fail2ban role reads Asterisk's security events through AMI"
            " on localhost (pbxguard-secwatch); use localhost",
        )
    if ctx.problems:
        ctx.site["sip_extensions"] = settings
        return
    tls = tls_files(settings) if mode == "asterisk" and "sip_tls" in ctx.site["port_plan"] else None
    ctx.site["sip_extensions"] = settings | {
        "mode": mode,
        "tls": tls,
        "transports": transports(ctx.site, tls) if mode == "asterisk" else [],
        "extensions": extension_objects(ctx.site, settings, given_secrets, given_pins, overrides),
        "files": FILES[mode],
    }
