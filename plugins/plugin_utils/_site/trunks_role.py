# Copyright (c) pbxguard developers
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""The trunks role's settings and the dial plan and trunk objects it draws.

Outbound calls leave only through explicit, bounded patterns of a dialing plan (NANP by
default). International, premium-rate and high-fraud NANP destinations get patterns of their
own that refuse the call (Asterisk picks the most specific pattern), unless a route allows
them, for all extensions or for the ones it names. Each trunk's inbound context reaches its
DIDs' destinations and nothing else. Channel caps per trunk and per extension are GROUP
counts in the dial plan. Given secrets are audited and never copied into the site.
"""

from __future__ import annotations

import re
from collections.abc import Mapping

from ansible_collections.pbxguard.hardening.plugins.module_utils._cdr_review import (
    BLOCKED_FAMILY,
    HIGH_FRAUD_AREA_CODES,
    PREMIUM_AREA_CODES,
    PREMIUM_EXCHANGES,
    TOLL_FREE_AREA_CODES,
)
from ansible_collections.pbxguard.hardening.plugins.module_utils._dialplan import pattern_is_unbounded
from ansible_collections.pbxguard.hardening.plugins.module_utils._secrets import audit_secret
from ansible_collections.pbxguard.hardening.plugins.plugin_utils._site import _types
from ansible_collections.pbxguard.hardening.plugins.plugin_utils._site.networks import NAME, NAME_HINT, unique_names

MODES = ("auto", "asterisk", "freepbx")
PLANS = ("nanp", "explicit")
ROUTE_KEYS = ("name", "trunks", "dial", "patterns", "allow", "extensions")
# A secret may not hold ; (a comment in Asterisk's files), spaces or quotes.
SECRET_CHARS = re.compile(r"^[\x21\x23-\x26\x28-\x3a\x3c-\x7e]+$")
PATH = re.compile(r"^/[A-Za-z0-9_./-]+$")
PATTERN = re.compile(r"^(_[0-9XZNxzn*#+\[\]\-.!]+|[0-9*#+]+)$")
DIGITS = re.compile(r"^[0-9]+$")
DISA_PIN_LENGTH = (12, 32)
INTERNATIONAL = "011"
# E.164: a country code and the number after it hold at most 15 digits.
E164_DIGITS = 15
DENY_ALL = ["0.0.0.0/0.0.0.0", "::/0"]
DISA = "disa"
# The dial plan's own contexts; the extensions' context is sip_extensions_context.
REFUSE = "pbxguard-refuse"
EXTENSION_CAP = "pbxguard-extension-cap"
EXTENSION_MAX = "pbxguard-extension-max"
DISA_CONTEXT = "pbxguard-disa"
DISA_DIAL = "pbxguard-disa-dial"
# Stands for the DISA PIN in the lines the model draws; the role puts the PIN in its place.
DISA_PIN_MARK = "%DISA_PIN%"

# The dialing plans: each category of numbers a route may dial, as bounded patterns.
NANP = {
    "domestic": ["_NXXNXXXXXX", "_1NXXNXXXXXX"],
    # The 976 exchange of a toll-free code is no premium number: it gets the most specific patterns.
    "tollfree": [pattern for code in TOLL_FREE_AREA_CODES
                 for pattern in (f"_1{code}NXXXXXX", f"_{code}NXXXXXX", f"_1{code}976XXXX", f"_{code}976XXXX")],
    "emergency": ["911", "933"],
}
PLAN_CATEGORIES = {"nanp": NANP, "explicit": {}}
DEFAULT_DIAL = {"nanp": ["domestic", "tollfree", "emergency"], "explicit": []}
EMERGENCY = frozenset(NANP["emergency"])

FILES = {
    "asterisk": [
        {"topic": "extensions", "main": "extensions.conf", "own": "pbxguard_trunks_extensions.conf"},
        {"topic": "pjsip", "main": "pjsip.conf", "own": "pbxguard_trunks_pjsip.conf"},
        {"topic": "iax2", "main": "iax.conf", "own": "pbxguard_trunks_iax.conf"},
    ],
    # Custom files FreePBX includes and never writes itself: the role's marked block in each.
    "freepbx": [
        {"topic": "extensions", "main": "extensions.conf", "own": "extensions_custom.conf"},
        {"topic": "pjsip", "main": "pjsip.conf", "own": "pjsip_custom.conf"},
        {"topic": "iax2", "main": "iax.conf", "own": "iax_custom.conf"},
    ],
}


# Patterns ----------------------------------------------------------------------------------

_CLASSES = {"X": "0123456789", "Z": "123456789", "N": "23456789"}


def pattern_sets(pattern):
    """The characters each position of a bounded pattern admits (a literal number: itself)."""
    if not pattern.startswith("_"):
        return [frozenset(char) for char in pattern]
    sets = []
    body = pattern[1:]
    index = 0
    while index < len(body):
        char = body[index].upper()
        if char == "[":
            closing = body.index("]", index)
            members = set()
            inner = body[index + 1:closing]
            position = 0
            while position < len(inner):
                if position + 2 < len(inner) and inner[position + 1] == "-":
                    members.update(chr(code) for code in range(ord(inner[position]), ord(inner[position + 2]) + 1))
                    position += 3
                else:
                    members.add(inner[position])
                    position += 1
            sets.append(frozenset(members))
            index = closing + 1
            continue
        sets.append(frozenset(_CLASSES.get(char, char)))
        index += 1
    return sets


def patterns_overlap(first, second):
    """Whether one number matches both bounded patterns."""
    a, b = pattern_sets(first), pattern_sets(second)
    return len(a) == len(b) and all(x & y for x, y in zip(a, b))


def nanp_blocked():
    """pattern -> what it is, for the NANP numbers no route dials unless it allows them."""
    blocked = {}
    for code in PREMIUM_AREA_CODES:
        blocked[f"_1{code}NXXXXXX"] = blocked[f"_{code}NXXXXXX"] = f"premium-rate area code {code}"
    for exchange in PREMIUM_EXCHANGES:
        blocked[f"_1NXX{exchange}XXXX"] = blocked[f"_NXX{exchange}XXXX"] = f"premium-rate exchange {exchange}"
    for code in HIGH_FRAUD_AREA_CODES:
        blocked[f"_1{code}NXXXXXX"] = blocked[f"_{code}NXXXXXX"] = f"high-fraud area code {code}"
    for length in range(1, E164_DIGITS + 1):
        blocked[f"_{INTERNATIONAL}{'X' * length}"] = "international"
    return blocked


BLOCKED = {"nanp": nanp_blocked(), "explicit": {}}


def allow_patterns(prefix):
    """The patterns an allowed prefix opens, or None when it is no blocked destination."""
    if prefix.startswith(INTERNATIONAL) and 1 <= len(prefix) - len(INTERNATIONAL) <= 6:
        given = len(prefix) - len(INTERNATIONAL)
        return [f"_{prefix}{'X' * length}" for length in range(1, E164_DIGITS - given + 1)]
    if len(prefix) == 4 and prefix[0] == "1" and prefix[1:] in HIGH_FRAUD_AREA_CODES + PREMIUM_AREA_CODES:
        return [f"_{prefix}NXXXXXX", f"_{prefix[1:]}NXXXXXX"]
    return None


# Settings ----------------------------------------------------------------------------------


def read_settings(ctx):
    settings = {
        "mode": ctx.str("trunks_mode", choices=MODES),
        "secret_store": ctx.str("trunks_secret_store"),
        "dialing_plan": ctx.str("trunks_dialing_plan", choices=PLANS),
        "extension_max_channels": ctx.int("trunks_extension_max_channels", minimum=1, maximum=100,
                                          hint="; 0 does not mean unlimited: 1 or 2 calls at once suit a phone"),
        "ring_timeout": ctx.int("trunks_ring_timeout", minimum=5, maximum=300, hint=" (seconds)"),
        "codecs": [],
        "disa_enabled": ctx.bool("trunks_disa_enabled"),
        "disa_pin_length": ctx.int("trunks_disa_pin_length", minimum=DISA_PIN_LENGTH[0], maximum=DISA_PIN_LENGTH[1],
                                   hint=" (digits; 12 is the policy's floor for DISA)"),
        "disa_max_attempts": ctx.int("trunks_disa_max_attempts", minimum=1, maximum=20,
                                     hint=" (calls without the right PIN before DISA locks)"),
    }
    for index, codec in enumerate(ctx.list("trunks_codecs") or []):
        if isinstance(codec, str) and re.match(r"^[a-z0-9_]+$", codec):
            settings["codecs"].append(codec)
        else:
            ctx.problems.add(f"trunks_codecs[{index}]", f"{_types.describe(codec)} is not a codec name such as ulaw")
    if not settings["codecs"] and isinstance(ctx.vars.get("trunks_codecs"), list):
        ctx.problems.add("trunks_codecs", "is empty; list the codecs the providers take, e.g. [ulaw, alaw]")
    store = settings["secret_store"]
    if store is not None and (not PATH.match(store) or "/../" in f"{store}/"):
        ctx.problems.add("trunks_secret_store", f"{store!r} must be an absolute path without '..'")
    return settings


def mode_of(settings, host):
    if settings["mode"] in ("asterisk", "freepbx"):
        return settings["mode"]
    return "freepbx" if host.get("freepbx") else "asterisk"


def read_secrets(ctx, trunks):
    """The names of the trunks whose secret the inventory gives and the audit passes."""
    value = ctx.vars.get("trunks_secrets")
    if value is None:
        return set()
    if not isinstance(value, Mapping):
        # Never describe the value: it may hold secrets.
        ctx.problems.add("trunks_secrets", f"is a {type(value).__name__}, not a mapping of trunk names to secrets")
        return set()
    names = {trunk["name"] for trunk in trunks}
    ok = set()
    for key, secret in value.items():
        path = f"trunks_secrets.{key}"
        if str(key) not in names:
            ctx.problems.add(path, "is not a trunk of pbx_trunks; remove it or add the trunk")
        elif not isinstance(secret, str):
            ctx.problems.add(path, f"is a {type(secret).__name__}; a secret is text (quote it)")
        elif secret and not SECRET_CHARS.match(secret):
            ctx.problems.add(path, "holds spaces, quotes, ';' or characters outside printable ASCII")
        else:
            verdict = audit_secret(secret, "sip")
            if verdict["ok"]:
                ok.add(str(key))
            else:
                ctx.problems.add(path, "the given secret " + "; ".join(verdict["problems"])
                                 + "; ask the provider for a stronger one")
    return ok


def trunk_blockers(ctx, trunks, secrets):
    """What the trunks role needs that the other layers do not: it stops on these before any change."""
    given = ctx.vars.get("trunks_secrets")
    given = given if isinstance(given, Mapping) else {}
    blockers = []
    for index, trunk in enumerate(trunks):
        if trunk["host"] is None:
            blockers.append(f"pbx_trunks[{index}].host: is required when addresses is not one address: name the"
                            " provider's signalling address or host name calls go to")
        needs = trunk["protocol"] == "iax2" or trunk["registration"]
        if needs and trunk["name"] not in secrets and trunk["name"] not in given:
            why = "an IAX2 peer authenticates with it (md5)" if trunk["protocol"] == "iax2" else "it registers"
            blockers.append(f"trunks_secrets.{trunk['name']}: is required: {why}; give the provider's secret"
                            " (in a vault)")
    return blockers


def read_disa_pin(ctx):
    """'given', 'generated', or None when the given PIN is refused."""
    if "trunks_disa_pin" not in ctx.vars or ctx.vars["trunks_disa_pin"] is None:
        return "generated"
    pin = ctx.vars["trunks_disa_pin"]
    if not isinstance(pin, str):
        ctx.problems.add("trunks_disa_pin", f"is a {type(pin).__name__}; quote PINs in YAML so that leading zeros are kept")
        return None
    if not pin.strip() or pin.strip().lower() == "no-password":
        ctx.problems.add("trunks_disa_pin", "DISA without a PIN lets any caller dial out: leave trunks_disa_pin"
                                            " out to have a 12-digit PIN generated on the PBX, or give one")
        return None
    problems = audit_secret(pin, "disa")["problems"]
    if problems:
        ctx.problems.add("trunks_disa_pin", "the given PIN " + "; ".join(problems))
        return None
    return "given"


def read_numbers(ctx, path, value, numbers):
    """Extension numbers of a list, each one of pbx_extensions."""
    found = []
    for index, item in enumerate(_types.read_list(ctx.problems, path, value) or []):
        number = _types.read_str(ctx.problems, f"{path}[{index}]", item)
        if number is None:
            continue
        if number not in numbers:
            ctx.problems.add(f"{path}[{index}]", f"{number} is not an extension of pbx_extensions")
            continue
        found.append(number)
    return found


def read_pattern(ctx, path, value, blocked):
    pattern = _types.read_str(ctx.problems, path, value, allow_empty=False)
    if pattern is None:
        return None
    if pattern.startswith("_") and pattern_is_unbounded(pattern):
        ctx.problems.add(path, f"{pattern!r} is a wildcard pattern: it matches numbers of any length (toll fraud's"
                               " favourite); spell out the numbers, like _NXXNXXXXXX")
        return None
    if not PATTERN.match(pattern) or (pattern.startswith("_") and pattern.count("[") != pattern.count("]")):
        ctx.problems.add(path, f"{pattern!r} is not a dial plan pattern such as _1NXXNXXXXXX or 911")
        return None
    pattern = pattern if not pattern.startswith("_") else "_" + pattern[1:].upper()
    hits = sorted({what for other, what in blocked.items() if patterns_overlap(pattern, other)})
    if hits:
        ctx.problems.add(path, f"{pattern!r} dials blocked destinations ({', '.join(hits)});"
                               " use the route's allow list for the ones it may dial")
        return None
    return pattern


def read_allow(ctx, path, value):
    patterns = []
    for index, item in enumerate(_types.read_list(ctx.problems, path, value) or []):
        prefix = _types.read_str(ctx.problems, f"{path}[{index}]", item)
        if prefix is None:
            continue
        if not DIGITS.match(prefix):
            ctx.problems.add(f"{path}[{index}]", f"{prefix!r} is not a number: give the digits as dialled,"
                                                 " such as 01144 (international to +44) or 1876 (Jamaica)")
            continue
        opened = allow_patterns(prefix)
        if opened is None:
            ctx.problems.add(f"{path}[{index}]", f"{prefix} is not a blocked destination; allow takes 011 and a country"
                                                 " code (01144) or 1 and a premium or high-fraud NANP area code (1876, 1900)")
            continue
        patterns.extend(opened)
    return patterns


def read_routes(ctx, settings, trunk_names, numbers):
    plan = settings["dialing_plan"] or "explicit"
    value = ctx.vars.get("trunks_routes")
    if value in (None, []) and trunk_names:
        # No route given: one route over every trunk, in their order, with the plan's categories.
        value = [{"name": "outbound", "trunks": list(trunk_names)}]
    routes = []
    for index, entry in enumerate(_types.read_list(ctx.problems, "trunks_routes", value) or []):
        path = f"trunks_routes[{index}]"
        entry = _types.read_mapping(ctx.problems, path, entry, ROUTE_KEYS, ("name", "trunks"))
        if entry is None:
            continue
        name = _types.read_str(ctx.problems, f"{path}.name", entry.get("name")) if "name" in entry else None
        if name is not None and not NAME.match(name):
            ctx.problems.add(f"{path}.name", f"{name!r} is not a usable name; {NAME_HINT}")
            name = None
        trunks = []
        for position, trunk in enumerate(_types.read_list(ctx.problems, f"{path}.trunks", entry.get("trunks")) or []):
            trunk = _types.read_str(ctx.problems, f"{path}.trunks[{position}]", trunk)
            if trunk is not None and trunk not in trunk_names:
                ctx.problems.add(f"{path}.trunks[{position}]", f"{trunk} is not a trunk of pbx_trunks")
            elif trunk is not None:
                trunks.append(trunk)
        if "trunks" in entry and entry["trunks"] == []:
            ctx.problems.add(f"{path}.trunks", "is empty; name the trunks the route dials out through, in order")
        categories = PLAN_CATEGORIES.get(plan, {})
        dial = entry.get("dial", DEFAULT_DIAL.get(plan, []))
        patterns = []
        for position, category in enumerate(_types.read_list(ctx.problems, f"{path}.dial", dial) or []):
            category = _types.read_str(ctx.problems, f"{path}.dial[{position}]", category)
            if category is not None and category not in categories:
                known = ", ".join(categories) or "none (the explicit plan has only patterns)"
                ctx.problems.add(f"{path}.dial[{position}]", f"{category!r} is not a category of the {plan} plan: {known}")
            elif category is not None:
                patterns.extend(categories[category])
        blocked = BLOCKED.get(plan, {})
        for position, pattern in enumerate(_types.read_list(ctx.problems, f"{path}.patterns", entry.get("patterns")) or []):
            pattern = read_pattern(ctx, f"{path}.patterns[{position}]", pattern, blocked)
            if pattern is not None:
                patterns.append(pattern)
        allowed = read_allow(ctx, f"{path}.allow", entry.get("allow"))
        if allowed and plan != "nanp":
            ctx.problems.add(f"{path}.allow", f"the {plan} plan blocks nothing to allow; give patterns")
        patterns.extend(allowed)
        extensions = read_numbers(ctx, f"{path}.extensions", entry.get("extensions"), numbers)
        if not (dial or entry.get("patterns") or entry.get("allow")):
            ctx.problems.add(path, "dials nothing: give dial categories, patterns or allow")
        routes.append({"name": name, "trunks": trunks, "patterns": list(dict.fromkeys(patterns)),
                       "extensions": extensions})
    unique_names(ctx.problems, "trunks_routes", [route["name"] for route in routes])
    return routes


def read_extension_caps(ctx, settings, numbers):
    caps = {number: settings["extension_max_channels"] for number in numbers}
    value = ctx.vars.get("trunks_extension_max_channels_overrides") or {}
    if not isinstance(value, Mapping):
        ctx.problems.add("trunks_extension_max_channels_overrides", f"{_types.describe(value)} is not a mapping")
        return caps
    for key, count in value.items():
        path = f"trunks_extension_max_channels_overrides.{key}"
        if str(key) not in numbers:
            ctx.problems.add(path, "is not an extension of pbx_extensions; remove it or add the extension")
            continue
        count = _types.read_int(ctx.problems, path, count, minimum=1, maximum=100,
                                hint="; 0 does not mean unlimited: give the extension 1 call or more")
        if count is not None:
            caps[str(key)] = count
    return caps


def check_dids(ctx, trunks, numbers, disa_enabled):
    leads_to_disa = False
    for index, trunk in enumerate(trunks):
        for did, destination in trunk["dids"].items():
            path = f"pbx_trunks[{index}].dids.{did}"
            if destination == DISA:
                leads_to_disa = True
                if not disa_enabled:
                    ctx.problems.add(path, "leads to disa, but trunks_disa_enabled is false; enable DISA or send the DID to an extension")
            elif destination not in numbers:
                ctx.problems.add(path, f"{destination} is not an extension of pbx_extensions (or disa)")
    if disa_enabled and not leads_to_disa:
        ctx.problems.add("trunks_disa_enabled", "is true, but no DID of pbx_trunks leads to disa; send one there or turn DISA off")


# The dial plan ----------------------------------------------------------------------------


def extension(pattern, lines):
    """One extension: its first line with `exten`, the others with `same`."""
    drawn = [f"exten => {pattern},1,{lines[0]}"]
    drawn.extend(f" same => n{line}" if line.startswith("(") else f" same => n,{line}" for line in lines[1:])
    return drawn


def one_of(numbers):
    return " | ".join(f'"${{CHANNEL(endpoint)}}" = "{number}"' for number in numbers)


def trunk_dial(trunk):
    number = "${FILTER(0-9*#+,${ARG1})}"
    if trunk["protocol"] == "iax2":
        return f"IAX2/{trunk['name']}/{number}"
    return f"PJSIP/{number}@{trunk['name']}"


def out_context(trunk):
    return f"pbxguard-out-{trunk['name']}"


def route_context(route):
    return f"pbxguard-route-{route['name']}"


def inbound_context(trunk):
    return f"pbxguard-from-{trunk['name']}"


def trunk_cap(trunk, full_label):
    group = f"{trunk['name']}@pbxguard-trunk"
    return [f"Set(GROUP(pbxguard-trunk)={trunk['name']})",
            f"GotoIf($[${{GROUP_COUNT({group})}} > {trunk['max_channels']}]?{full_label})"]


def draw_refuse():
    lines = []
    lines += extension("blocked", ["Log(NOTICE,pbxguard: refused a blocked or unrouted destination)", "Hangup(21)"])
    lines += extension("extension-blocked", [
        f"Log(NOTICE,pbxguard: extension ${{CHANNEL(endpoint)}} is blocked ({BLOCKED_FAMILY}) until an admin clears it)",
        "Hangup(21)"])
    lines += extension("extension-busy", ["Log(NOTICE,pbxguard: the extension is at its cap of outside calls)",
                                          "Hangup(34)"])
    lines += extension("trunks-busy", ["Log(NOTICE,pbxguard: every trunk of the route is at its cap or down)",
                                       "Hangup(34)"])
    return {"name": REFUSE, "comment": "Clear rejections: 403 for a refused destination or a blocked extension,"
                                       " 503 at a cap", "lines": lines}


def draw_extension_cap(caps):
    # Keyed on the PJSIP endpoint the call comes from, never on the caller ID a phone sets.
    cap = extension("s", [
        f"GotoIf(${{DB_EXISTS({BLOCKED_FAMILY}/${{CHANNEL(endpoint)}})}}?blocked)",
        "Set(GROUP(pbxguard-extension)=${CHANNEL(endpoint)})",
        "Gosub(" + EXTENSION_MAX + ",${CHANNEL(endpoint)},1)",
        "GotoIf($[${GROUP_COUNT(${CHANNEL(endpoint)}@pbxguard-extension)} > ${GOSUB_RETVAL}]?full)",
        "Return()",
        f"(full),Goto({REFUSE},extension-busy,1)",
        f"(blocked),Goto({REFUSE},extension-blocked,1)",
    ])
    maximum = []
    for number, count in sorted(caps.items()):
        maximum += extension(number, [f"Return({count})"])
    return [
        {"name": EXTENSION_CAP, "comment": "Before an outside call: an extension the call review blocked is"
                                           f" refused (family {BLOCKED_FAMILY}), then the outside calls it may have"
                                           " at once; a caller that is no extension finds no cap and is hung up",
         "lines": cap},
        {"name": EXTENSION_MAX, "comment": "Each extension's cap", "lines": maximum},
    ]


def draw_out(trunk):
    lines = extension("s", trunk_cap(trunk, "full") + [
        f"Dial({trunk_dial(trunk)})",
        '''Return(${IF($["${DIALSTATUS}" = "CHANUNAVAIL" | "${DIALSTATUS}" = "CONGESTION"]?next:done)})''',
        "(full),Return(next)",
    ])
    return {"name": out_context(trunk), "comment": f"Out through trunk {trunk['name']}, at most"
                                                   f" {trunk['max_channels']} calls at once", "lines": lines}


def draw_route(route, trunks):
    steps = []
    for name in route["trunks"]:
        steps += [f"Gosub({out_context(trunks[name])},s,1(${{EXTEN}}))", '''GotoIf($["${GOSUB_RETVAL}" = "done"]?end)''']
    steps += [f"Goto({REFUSE},trunks-busy,1)", "(end),Hangup()"]
    lines = []
    for pattern in route["patterns"]:
        lines += extension(pattern, steps)
    return {"name": route_context(route), "comment": f"Route {route['name']}: {', '.join(route['trunks'])}",
            "lines": lines}


def dispatch(routes, blocked):
    """pattern -> [(route, extensions)] in route order; blocked patterns no route opens refuse."""
    table = {}
    for route in routes:
        for pattern in route["patterns"]:
            table.setdefault(pattern, []).append((route, route["extensions"]))
    for pattern in blocked:
        table.setdefault(pattern, [])
    return table


def draw_dispatch(table, capped):
    lines = []
    for pattern, candidates in table.items():
        steps = [f"Gosub({EXTENSION_CAP},s,1)"] if capped and pattern not in EMERGENCY else []
        for route, numbers in candidates:
            target = f"{route_context(route)},${{EXTEN}},1"
            if not numbers:
                steps.append(f"Goto({target})")
                break
            steps.append(f"GotoIf($[{one_of(numbers)}]?{target})")
        else:
            steps.append(f"Goto({REFUSE},blocked,1)")
        if not steps:
            continue
        lines += extension(pattern, steps)
    return lines


def draw_extensions_context(name, site, table, ring_timeout):
    lines = []
    for entry in site["extensions"]:
        lines += extension(entry["number"], [f"Dial(PJSIP/{entry['number']},{ring_timeout})", "Hangup()"])
    lines += draw_dispatch(table, capped=True)
    return {"name": name, "comment": "The extensions' calls: each other, and out only through the routes",
            "lines": lines}


def draw_inbound(trunk, ring_timeout):
    lines = []
    for did, destination in trunk["dids"].items():
        reach = [f"Goto({DISA_CONTEXT},s,1)"] if destination == DISA else [f"Dial(PJSIP/{destination},{ring_timeout})"]
        lines += extension(did, trunk_cap(trunk, "full") + [
            f"Log(NOTICE,pbxguard: call on trunk {trunk['name']} for DID {did})",
        ] + reach + ["Hangup()", f"(full),Log(NOTICE,pbxguard: trunk {trunk['name']} is at its cap)", "Hangup(34)"])
    return {"name": inbound_context(trunk), "comment": f"Calls from trunk {trunk['name']}: its DIDs and nothing else",
            "lines": lines}


def draw_disa(settings, disa_table):
    counter = "DB(pbxguard/disa_failures)"
    lines = extension("s", [
        "Set(GROUP(pbxguard-disa)=disa)",
        "GotoIf($[${GROUP_COUNT(disa@pbxguard-disa)} > 1]?refuse)",
        f"GotoIf($[0${{{counter}}} >= {settings['disa_max_attempts']}]?refuse)",
        f"Set({counter}=$[0${{{counter}}} + 1])",
        "Answer()",
        f"DISA({DISA_PIN_MARK},{DISA_DIAL})",
        "Hangup()",
        "(refuse),Log(NOTICE,pbxguard: DISA is locked after failed PINs or in use)",
        "Hangup(21)",
    ])
    dial = []
    for pattern, candidates in disa_table.items():
        if candidates:
            steps = [f"Set({counter}=0)", f"Goto({route_context(candidates[0][0])},${{EXTEN}},1)"]
        else:
            steps = [f"Goto({REFUSE},blocked,1)"]
        dial += extension(pattern, steps)
    return [
        {"name": DISA_CONTEXT, "comment": "DISA: one caller at a time, one PIN try per call; after"
                                          f" {settings['disa_max_attempts']} calls without the right PIN it stays"
                                          " locked until `database del pbxguard disa_failures`", "lines": lines},
        {"name": DISA_DIAL, "comment": "What a DISA caller may dial: the routes trunks_disa_routes names", "lines": dial},
    ]


# Trunk objects -----------------------------------------------------------------------------


def pjsip_objects(trunk, secrets, codecs):
    name = trunk["name"]
    given = name in secrets
    permit = trunk["addresses"]["ipv4"] + trunk["addresses"]["ipv6"]
    host = f"[{trunk['host']}]" if ":" in trunk["host"] else trunk["host"]
    server = f"sip:{host}:{trunk['port']}"
    return {
        "name": name,
        "context": inbound_context(trunk),
        "codecs": codecs,
        "auth": f"{name}-auth" if given else None,
        "username": trunk["username"],
        "contact": server,
        "match": permit,
        "acl": {"deny": DENY_ALL, "permit": permit},
        "registration": {"server_uri": server, "client_uri": f"sip:{trunk['username']}@{host}:{trunk['port']}"}
        if trunk["registration"] else None,
    }


def iax2_objects(trunk, codecs):
    return {
        "name": trunk["name"],
        "context": inbound_context(trunk),
        "codecs": codecs,
        "host": trunk["host"],
        "port": trunk["port"],
        "username": trunk["username"],
        # IAX2 permit/deny take IPv4 (chan_iax2's ACLs); the addresses are pinned the same way.
        "acl": {"deny": DENY_ALL, "permit": trunk["addresses"]["ipv4"] + trunk["addresses"]["ipv6"]},
    }


# The topic ---------------------------------------------------------------------------------


def read(ctx):
    settings = read_settings(ctx)
    trunks = [trunk for trunk in ctx.site.get("trunks", []) if trunk["name"] is not None]
    trunk_names = [trunk["name"] for trunk in trunks]
    numbers = [entry["number"] for entry in ctx.site.get("extensions", [])]
    mode = mode_of(settings, ctx.host) if settings["mode"] else None
    secrets = read_secrets(ctx, trunks)
    blockers = trunk_blockers(ctx, trunks, secrets)
    routes = read_routes(ctx, settings, trunk_names, numbers)
    caps = read_extension_caps(ctx, settings, numbers)
    disa_pin = read_disa_pin(ctx)
    route_names = [route["name"] for route in routes]
    disa_routes = []
    for index, name in enumerate(ctx.list("trunks_disa_routes") or []):
        name = _types.read_str(ctx.problems, f"trunks_disa_routes[{index}]", name)
        if name is not None and name not in route_names:
            ctx.problems.add(f"trunks_disa_routes[{index}]", f"{name} is not a route of trunks_routes")
        elif name is not None:
            disa_routes.append(name)
    if settings["disa_enabled"] and not disa_routes and not ctx.problems:
        ctx.problems.add("trunks_disa_routes", "is empty, so DISA would dial nothing; name the routes DISA may use")
    check_dids(ctx, trunks, numbers, settings["disa_enabled"])
    if ctx.problems:
        ctx.site["trunks_role"] = settings
        return

    if blockers:
        # Another layer's run goes on; the trunks role stops on these before it changes anything.
        ctx.site["trunks_role"] = settings | {"blockers": blockers}
        return
    blocked = BLOCKED[settings["dialing_plan"]]
    table = dispatch(routes, blocked)
    by_name = {trunk["name"]: trunk for trunk in trunks}
    context = ctx.site["sip_extensions"]["context"]
    extensions_context = f"{context}-custom" if mode == "freepbx" else context
    contexts = [draw_extensions_context(extensions_context, ctx.site, table, settings["ring_timeout"])]
    contexts += draw_extension_cap(caps)
    contexts.append(draw_refuse())
    contexts += [draw_route(route, by_name) for route in routes]
    contexts += [draw_out(trunk) for trunk in trunks]
    contexts += [draw_inbound(trunk, settings["ring_timeout"]) for trunk in trunks]
    if settings["disa_enabled"]:
        disa_table = dispatch([route for route in routes if route["name"] in disa_routes], blocked)
        # DISA callers are no extensions: the routes' extension lists do not apply.
        disa_table = {pattern: [(route, []) for route, _numbers in candidates] for pattern, candidates in disa_table.items()}
        contexts += draw_disa(settings, disa_table)
    inbound = [inbound_context(trunk) for trunk in trunks]
    ctx.site["trunks_role"] = settings | {
        "mode": mode,
        "files": FILES[mode],
        "check_files": [{"main": entry["main"], "pjsip": entry["topic"] == "pjsip"} for entry in FILES[mode]],
        "contexts": contexts,
        "entry_points": {
            "extensions": [extensions_context],
            "trunks": inbound,
            "inbound": inbound,
            "outbound_routes": [route_context(route) for route in routes] + [out_context(trunk) for trunk in trunks],
        },
        "routes": [{"name": route["name"], "context": route_context(route), "trunks": route["trunks"],
                    "patterns": route["patterns"], "extensions": route["extensions"]} for route in routes],
        "extension_caps": caps,
        "pjsip": [pjsip_objects(trunk, secrets, settings["codecs"]) for trunk in trunks if trunk["protocol"] == "pjsip"],
        "iax2": [iax2_objects(trunk, settings["codecs"]) for trunk in trunks if trunk["protocol"] == "iax2"],
        "disa": {"enabled": bool(settings["disa_enabled"]), "pin": disa_pin, "routes": disa_routes,
                 "pin_mark": DISA_PIN_MARK, "context": DISA_CONTEXT},
        "secrets": sorted(secrets),
        "blockers": [],
    }
