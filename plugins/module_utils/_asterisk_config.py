# Copyright (c) pbxguard developers
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""Read Asterisk configuration files as Asterisk does, and check PJSIP objects (private to this collection).

Asterisk accepts a broken configuration in silence: it logs an error and drops the object or
the whole file, and resolves auth=, aors= and transport= only when a request arrives. This
reads a file with its #include lines, templates ((!), inheritance) and appends ((+), also
with a filter such as (+type=aor)), and lists what Asterisk would refuse or miss.
"""

from __future__ import annotations

import glob
import ipaddress
import os
import re

from ansible_collections.pbxguard.hardening.plugins.module_utils._pin_policy import pin_problems

CATEGORY = re.compile(r"^\[([^\]]+)\](?:\(([^)]*)\))?\s*$")
DIRECTIVE = re.compile(r"^#\s*(include|tryinclude|exec)\s+\"?([^\"]+?)\"?\s*$")
VARIABLE = re.compile(r"^([^=]+?)\s*=>?\s*(.*)$")
DENY_ALL = {4: ipaddress.ip_network("0.0.0.0/0"), 6: ipaddress.ip_network("::/0")}


class Category:
    def __init__(self, name, where, template=False):
        self.name = name
        self.where = where
        self.template = template
        self.variables = []
        # file:line and the line's text of each variable, in the same order.
        self.origins = []

    def values(self, key):
        return [value for name, value in self.variables if name == key]

    def last(self, key, default=None):
        values = self.values(key)
        return values[-1] if values else default


class Config:
    """The categories of one main file and everything it includes, in Asterisk's order."""

    def __init__(self, directory, candidates=None, blocks=None, marker=None):
        self.directory = directory
        self.candidates = candidates or {}
        self.blocks = blocks or {}
        self.marker = marker
        self.categories = []
        self.problems = []
        self.files = []

    def text_of(self, name):
        """The candidate text for name, else the file's text, else None."""
        if name in self.candidates:
            return self.candidates[name]
        try:
            with open(os.path.join(self.directory, name), encoding="utf-8", errors="replace") as handle:
                text = handle.read()
        except OSError:
            text = "" if name in self.blocks else None
        if name in self.blocks and text is not None:
            text = with_block(text, self.blocks[name], self.marker)
        return text

    def find(self, name, wanted=None):
        """The first category named name whose variables hold every key=value of wanted."""
        for category in self.categories:
            if category.name == name and all(category.last(key) == value for key, value in (wanted or {}).items()):
                return category
        return None

    def read(self, name, current=None, depth=0, optional=False):
        if depth > 20:
            self.problems.append(f"{name}: #include nested too deep (a loop?)")
            return current
        text = self.text_of(name)
        if text is None:
            if not optional:
                self.problems.append(f"{name}: is #included but does not exist (Asterisk skips it)")
            return current
        self.files.append(name)
        in_comment = False
        for number, raw in enumerate(text.splitlines(), 1):
            line, in_comment = strip_comment(raw, in_comment)
            if not line:
                continue
            where = f"{name}:{number}"
            if line.startswith("["):
                current = self.category(line, where) or current
            elif line.startswith("#"):
                current = self.directive(line, where, current, depth)
            else:
                match = VARIABLE.match(line)
                if match is None:
                    self.problems.append(f"{where}: parse error: not a category, a directive or key = value")
                elif current is None:
                    self.problems.append(f"{where}: parse error: {match.group(1)} before any [category]")
                else:
                    current.variables.append((match.group(1).strip(), match.group(2).strip()))
                    current.origins.append((where, line))
        return current

    def category(self, line, where):
        match = CATEGORY.match(line)
        if match is None:
            self.problems.append(f"{where}: parse error: bad category line")
            return None
        name, options = match.group(1), match.group(2)
        category = Category(name, where)
        appended = None
        for option in [o.strip() for o in options.split(",")] if options else []:
            if option == "!":
                category.template = True
            elif option.startswith("+"):
                wanted = dict(part.split("=", 1) for part in option[1:].split("&") if "=" in part)
                appended = self.find(name, wanted)
                if appended is None:
                    self.problems.append(f"{where}: [{name}]({option}) appends to a category that does not exist"
                                         " (Asterisk drops the whole file)")
                    return None
            elif option:
                base = self.find(option)
                if base is None:
                    self.problems.append(f"{where}: [{name}] inherits from {option}, which does not exist")
                    return None
                category.variables.extend(base.variables)
                category.origins.extend(base.origins)
        if appended is not None:
            return appended
        self.categories.append(category)
        return category

    def directive(self, line, where, current, depth):
        match = DIRECTIVE.match(line)
        if match is None:
            self.problems.append(f"{where}: unknown directive")
            return current
        kind, target = match.groups()
        if kind == "exec":
            return current
        if any(char in target for char in "*?["):
            names = sorted(os.path.relpath(path, self.directory)
                           for path in glob.glob(os.path.join(self.directory, target)))
            for name in names:
                current = self.read(name, current, depth + 1)
            return current
        return self.read(target, current, depth + 1, optional=kind == "tryinclude")

    def objects(self, kind):
        """name -> the categories of type kind (templates left out)."""
        found = {}
        for category in self.categories:
            if not category.template and category.last("type") == kind:
                found.setdefault(category.name, []).append(category)
        return found


def with_block(text, block, marker):
    """text with the marked block replaced, or added at its end, as blockinfile writes it."""
    begin, end = marker.replace("{mark}", "BEGIN"), marker.replace("{mark}", "END")
    lines = text.splitlines()
    new = [begin] + block.rstrip("\n").splitlines() + [end]
    if begin in lines and end in lines[lines.index(begin):]:
        first = lines.index(begin)
        last = first + lines[first:].index(end)
        lines[first:last + 1] = new
    else:
        lines.extend(new)
    return "\n".join(lines) + "\n"


def strip_comment(raw, in_comment):
    """The line without comments (;, and ;-- --; blocks), and whether a block comment goes on."""
    out = []
    index = 0
    while index < len(raw):
        if in_comment:
            end = raw.find("--;", index)
            if end < 0:
                return "".join(out).strip(), True
            index, in_comment = end + 3, False
            continue
        char = raw[index]
        if char == "\\" and raw[index + 1:index + 2] == ";":
            out.append(";")
            index += 2
            continue
        if char == ";":
            if raw.startswith(";--", index):
                index, in_comment = index + 3, True
                continue
            break
        out.append(char)
        index += 1
    return "".join(out).strip(), in_comment


def parse_network(text):
    """An Asterisk ACL entry (10.0.0.0/24, 10.0.0.0/255.255.255.0, ::/0) as a network, or None."""
    try:
        return ipaddress.ip_network(text.strip(), strict=False)
    except ValueError:
        return None


def effective_permits(category, prefix):
    """The permits after the last deny-all of each family, or None for a family without one.

    Asterisk applies every rule in order and the last that matches decides, so a deny-all
    cancels every permit before it.
    """
    rules = []
    for key, value in category.variables:
        if key in (f"{prefix}deny", f"{prefix}permit"):
            for part in value.split(","):
                network = parse_network(part)
                rules.append((key.endswith("permit"), network, part.strip()))
    result = {}
    for family, everything in DENY_ALL.items():
        last = max((i for i, (permit, net, _t) in enumerate(rules) if not permit and net == everything), default=None)
        if last is None:
            result[family] = None
            continue
        result[family] = sorted(str(net) for permit, net, _t in rules[last + 1:]
                                if permit and net is not None and net.version == family)
    return result


def check_pjsip(config, extensions):
    """What is wrong with the PJSIP objects of config, for the expected extensions."""
    problems = []
    endpoints = config.objects("endpoint")
    auths = config.objects("auth")
    aors = config.objects("aor")
    transports = config.objects("transport")
    for kind, objects in (("endpoint", endpoints), ("auth", auths), ("aor", aors), ("transport", transports)):
        for name, categories in sorted(objects.items()):
            if len(categories) > 1:
                places = ", ".join(category.where for category in categories)
                problems.append(f"{kind} {name} is defined {len(categories)} times ({places}); Asterisk loads one")
    binds = {}
    for name, categories in sorted(transports.items()):
        transport = categories[-1]
        key = (transport.last("protocol", "udp"), transport.last("bind"))
        if key[1] and key in binds:
            problems.append(f"transport {name} binds {key[0]} {key[1]} like transport {binds[key]}; Asterisk loads"
                            " only one of them: remove the other")
        binds.setdefault(key, name)
    if len(config.objects("global")) > 1:
        problems.append("more than one type=global section; Asterisk loads one")
    if "anonymous" in endpoints:
        problems.append("endpoint anonymous exists: it takes calls from anyone who does not authenticate; remove it")
    for name, categories in sorted(endpoints.items()):
        endpoint = categories[-1]
        for key, objects, kind in (("auth", auths, "auth"), ("outbound_auth", auths, "auth"),
                                   ("aors", aors, "aor"), ("transport", transports, "transport")):
            for value in endpoint.values(key)[-1:]:
                for ref in [part.strip() for part in value.split(",") if part.strip()]:
                    if ref not in objects:
                        problems.append(f"endpoint {name}: {key}={ref}, but no {kind} {ref} exists")
    for aor_name, categories in sorted(aors.items()):
        value = categories[-1].last("max_contacts")
        if value is not None and (not value.isdigit()):
            problems.append(f"aor {aor_name}: max_contacts={value} is not a number")
    for extension in extensions:
        problems.extend(check_extension(extension, endpoints, auths, aors))
    return problems


# voicemail.conf's sections that hold settings, not mailboxes.
VOICEMAIL_SETTINGS = frozenset({"general", "zonemessages"})


def check_voicemail(config, numbers, context, own, disabled=(), pin_minimum=8):
    """Mailboxes defined outside the role's own file own: (problems, weak ones).

    Asterisk keeps the first definition of a mailbox and ignores later ones ("Ignoring duplicated
    mailbox"), so a mailbox of the role's context and numbers defined before the role's file
    would keep its own PIN: a problem. Other mailboxes whose PIN fails the PIN policy are
    returned as weak (file:line and mailbox, never the PIN). Lines in disabled are ones the role
    comments out before the reload (the samples with published PINs) and are left out.
    """
    problems, weak = [], []
    wanted = {str(number) for number in numbers}
    for category in config.categories:
        if category.name in VOICEMAIL_SETTINGS:
            continue
        for (number, value), (where, line) in zip(category.variables, category.origins):
            # Only numbers can be dialed as mailboxes (aliases such as 1234@devices are not).
            if not number.isdigit() or where.split(":", 1)[0] == own or line in disabled:
                continue
            mailbox = f"{number}@{category.name}"
            if category.name == context and number in wanted:
                problems.append(f"{where}: mailbox {mailbox} is defined before the role's; Asterisk keeps the first"
                                " and would ignore the PIN the role sets: remove that line, or set"
                                " sip_extensions_voicemail_context to a context of the role's own")
                continue
            # The PIN comes first; a leading - stops the user changing it.
            pin = value.split(",", 1)[0].strip().lstrip("-")
            if pin_problems(pin, minimum=pin_minimum):
                weak.append(f"{where}: mailbox {mailbox}")
    return problems, weak


def check_extension(extension, endpoints, auths, aors):
    name = extension["endpoint"]
    if name not in endpoints:
        return [f"extension {extension['number']}: no endpoint {name}"]
    endpoint = endpoints[name][-1]
    problems = []
    if endpoint.last("auth") != extension["auth"] or extension["auth"] not in auths:
        problems.append(f"endpoint {name}: auth is {endpoint.last('auth')!s}, not the auth {extension['auth']} it needs")
    aor_names = [part.strip() for part in (endpoint.last("aors") or "").split(",") if part.strip()]
    if extension["aor"] not in aor_names:
        problems.append(f"endpoint {name}: aors does not name {extension['aor']}")
    if extension["aor"] in aors:
        aor = aors[extension["aor"]][-1]
        if aor.last("max_contacts") != str(extension["max_contacts"]):
            problems.append(f"aor {extension['aor']}: max_contacts is {aor.last('max_contacts')!s},"
                            f" not {extension['max_contacts']} (0, the default, refuses every phone)")
        if aor.last("remove_existing") not in ("yes", "true", "on", "1"):
            problems.append(f"aor {extension['aor']}: remove_existing is not yes")
    else:
        problems.append(f"extension {extension['number']}: no aor {extension['aor']}")
    expected = {4: [], 6: []}
    for text in extension["permit"]:
        network = ipaddress.ip_network(text, strict=False)
        expected[network.version].append(str(network))
    for prefix, label in (("", "endpoint ACL"), ("contact_", "contact ACL")):
        found = effective_permits(endpoint, prefix)
        for family in (4, 6):
            if found[family] is None:
                problems.append(f"endpoint {name}: the {label} does not deny every IPv{family} address"
                                f" ({prefix}deny={DENY_ALL[family]})")
            elif found[family] != sorted(expected[family]):
                problems.append(f"endpoint {name}: the {label} permits {found[family] or 'nothing'} over IPv{family},"
                                f" not {sorted(expected[family]) or 'nothing'}")
    return problems


SHOW_PATTERNS = {
    "endpoints": re.compile(r"^\s*Endpoint:\s+([^\s/<]+)"),
    "aors": re.compile(r"^\s*Aor:\s+([^\s<]+)\s+(\d+)"),
    "auths": re.compile(r"^\s*Auth:\s+([^\s/<]+)"),
    "transports": re.compile(r"^\s*Transport:\s+([^\s<]+)"),
}


def parse_show(kind, text):
    """The objects a `pjsip show <kind>` listed: names, or for aors name -> max_contacts."""
    pattern = SHOW_PATTERNS[kind]
    found = {}
    for line in text.splitlines():
        match = pattern.match(line)
        if match:
            found[match.group(1)] = int(match.group(2)) if kind == "aors" else True
    return found


def check_loaded(shown, extensions, transports):
    """What the running Asterisk lacks, from the texts of pjsip show endpoints|aors|auths|transports."""
    loaded = {kind: parse_show(kind, shown.get(kind, "")) for kind in SHOW_PATTERNS}
    problems = []
    if "anonymous" in loaded["endpoints"]:
        problems.append("Asterisk loaded an endpoint named anonymous")
    for extension in extensions:
        for kind, name in (("endpoints", extension["endpoint"]), ("auths", extension["auth"]), ("aors", extension["aor"])):
            if name not in loaded[kind]:
                problems.append(f"Asterisk did not load {kind[:-1]} {name}")
        contacts = loaded["aors"].get(extension["aor"])
        if contacts is not None and contacts != extension["max_contacts"]:
            problems.append(f"aor {extension['aor']} has max_contacts {contacts}, not {extension['max_contacts']}")
    for name in transports:
        if name not in loaded["transports"]:
            problems.append(f"Asterisk did not load transport {name}")
    return problems
