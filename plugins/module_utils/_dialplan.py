# Copyright (c) pbxguard developers
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""Parse an Asterisk dial plan (extensions.conf) and check it for toll-fraud roads
(private to this collection).

Shared by the dialplan_check module, which reads the files on the PBX, and the
dialplan_findings filter, which checks text rendered on the controller.

The syntax read is Asterisk's configuration syntax as main/config.c and
pbx/pbx_config.c read it:
  - ``;`` starts a comment that runs to the end of the line, ``\\;`` is a literal
    semicolon (the backslash is dropped), ``;--`` ... ``--;`` is a block comment that
    may span lines and nest; there is no backslash continuation of lines;
  - ``[name]`` starts a context; ``[name](!)`` is a template, which is no context
    itself; ``[name](tmpl,...)`` copies the entries of the templates (or of other
    contexts) named, at that point; ``[name](+)`` adds to a context; a context
    written twice is one context; ``[general]`` and ``[globals]`` are no contexts;
  - ``exten => pattern[/callerid],priority[(label)],App(args)`` (``=`` works as
    well as ``=>``), ``same => priority,App(args)`` continues the last
    ``exten`` of the context, priorities ``1``, ``n``, ``n+2``, ``s``, ``hint``
    and labels; ``include => context[,time spec]``;
  - ``#include file`` and ``#tryinclude file`` (optionally quoted or in ``<>``,
    shell globs allowed), resolved relative to the including file's directory,
    each file at most once in a chain of includes (a loop is reported, not
    followed); ``#exec`` is never run and is reported.

The checker follows ``include =>``, Goto, GotoIf, GotoIfTime, Gosub, GosubIf,
Macro, MacroIf, Dial(Local/...@context), DISA's context and the applications
inside Exec and ExecIf to decide which contexts each entry point reaches.
"""

from __future__ import annotations

import fnmatch
import glob
import os
import posixpath
import re
from collections import deque
from collections.abc import Mapping, Sequence

ERROR = "error"
WARNING = "warning"

# kind -> severity
KINDS = {
    "wildcard": ERROR,
    "unfiltered-exten": ERROR,
    "outbound-from-inbound": ERROR,
    "disa-without-pin": ERROR,
    "unresolved-jump": WARNING,
    "unknown-context": WARNING,
    "include-missing": WARNING,
    "include-loop": WARNING,
    "parse-error": WARNING,
}

ENTRY_POINT_KEYS = ("extensions", "trunks", "inbound", "outbound_routes")

# Hostile input: bounds on what one check reads.
MAX_LINE_LENGTH = 65536
MAX_FILE_BYTES = 16 * 1024 * 1024
MAX_FILE_READS = 1000
MAX_INCLUDE_DEPTH = 64
MAX_BLOCK_COMMENT_DEPTH = 128  # Asterisk's MAX_NESTED_COMMENTS
MAX_PARSE_ERRORS_PER_FILE = 20

SPECIAL_SECTIONS = ("general", "globals")
# Characters a dialled extension may hold without changing what Dial() or a shell reads.
SAFE_EXTEN_CHARS = frozenset("0123456789abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ*#+")
PATTERN_CLASSES = {"X": "0123456789", "Z": "123456789", "N": "23456789"}

_HEADER = re.compile(r"\[([^\]]*)\](?:\(([^)]*)\))?\s*$")
_DIRECTIVE = re.compile(r"#\s*([A-Za-z]+)\s*(.*)$")
_PRIORITY = re.compile(r"^([^()+]*)(?:\+([0-9]+))?(?:\(([^)]*)\))?(?:\+([0-9]+))?$")
_VAR_TOKEN = re.compile(r"\$\{|[{}]")
_NAME = re.compile(r"[A-Za-z0-9_]*")
_TAINT_TEXT = re.compile(r"\$\{(?:EXTEN(?::[^}]*)?|CALLERID\([^)]*\))\}", re.IGNORECASE)


class Entry:
    """One priority of an extension: exten => pattern,priority,app(data)."""

    __slots__ = ("file", "line", "pattern", "callerid", "priority", "label", "app", "data")

    def __init__(self, file, line, pattern, callerid, priority, label, app, data):
        self.file = file
        self.line = line
        self.pattern = pattern
        self.callerid = callerid
        self.priority = priority
        self.label = label
        self.app = app
        self.data = data


class Include:
    """include => target in a context."""

    __slots__ = ("file", "line", "target")

    def __init__(self, file, line, target):
        self.file = file
        self.line = line
        self.target = target


class Context:
    """A context, or a template when template is True."""

    __slots__ = ("name", "file", "line", "template", "entries", "includes")

    def __init__(self, name, file, line, template=False):
        self.name = name
        self.file = file
        self.line = line
        self.template = template
        self.entries = []
        self.includes = []


class Dialplan:
    """What the parser read: contexts by name, templates by name, the files read and
    the problems met (findings of the kinds parse-error, include-missing, include-loop)."""

    def __init__(self):
        self.contexts = {}
        self.templates = {}
        self.files = []
        self.problems = []


def finding(kind, file, line, context, pattern, message, path=None):
    """A finding as the module and the filter return it."""
    return {
        "kind": kind,
        "severity": KINDS[kind],
        "file": file,
        "line": line,
        "context": context,
        "pattern": pattern,
        "message": message,
        "path": list(path or []),
    }


# Sources of files ---------------------------------------------------------------------------


def _has_glob(text):
    return any(char in text for char in "*?[")


class DiskSource:
    """Files on this machine; names are paths."""

    def resolve(self, including, argument):
        path = argument if os.path.isabs(argument) else os.path.join(os.path.dirname(including), argument)
        path = os.path.normpath(path)
        if _has_glob(path):
            return sorted(glob.glob(path))
        return [path]

    def read(self, name):
        """The text of a file, None when it cannot be read."""
        try:
            with open(name, "rb") as handle:
                data = handle.read(MAX_FILE_BYTES + 1)
        except OSError:
            return None
        return data.decode("utf-8", errors="replace")


class TextSource:
    """Files given as a mapping of name to text; #include resolves among the names."""

    def __init__(self, files):
        self.files = files

    def resolve(self, including, argument):
        if posixpath.isabs(argument):
            path = argument
        else:
            path = posixpath.join(posixpath.dirname(including), argument)
        path = posixpath.normpath(path)
        if _has_glob(path):
            return sorted(name for name in self.files if fnmatch.fnmatchcase(posixpath.normpath(name), path))
        for name in self.files:
            if posixpath.normpath(name) == path:
                return [name]
        return [path]

    def read(self, name):
        text = self.files.get(name)
        return None if text is None else text[:MAX_FILE_BYTES + 1]


# Lexing ------------------------------------------------------------------------------------


def strip_comments(line, depth):
    """Return (text without comments, block comment depth after the line).

    depth is the nesting of ;-- --; block comments at the start of the line.
    """
    kept = []
    position = 0
    while True:
        index = line.find(";", position)
        if index < 0:
            if depth == 0:
                kept.append(line[position:])
            break
        if index > 0 and line[index - 1] == "\\":
            if depth == 0:
                kept.append(line[position:index - 1])
                kept.append(";")
            position = index + 1
        elif line.startswith("--", index + 1) and line[index + 3:index + 4] != "-":
            if depth == 0:
                kept.append(line[position:index])
            depth = min(depth + 1, MAX_BLOCK_COMMENT_DEPTH)
            position = index + 3
        elif depth > 0 and index >= position + 2 and line[index - 2:index] == "--":
            depth -= 1
            position = index + 1
        elif depth == 0:
            kept.append(line[position:index])
            break
        else:
            position = index + 1
    return "".join(kept), depth


_SPLIT_TOKENS = {}


def split_top(text, delimiter, maxsplit=-1):
    """Split at delimiter outside parentheses, brackets, braces and double quotes;
    a backslash protects the next character (as ast_app_separate_args reads it)."""
    if delimiter not in text:
        return [text]
    tokens = _SPLIT_TOKENS.get(delimiter)
    if tokens is None:
        tokens = _SPLIT_TOKENS[delimiter] = re.compile(r'\\.|["()\[\]{}]|' + re.escape(delimiter), re.DOTALL)
    parts = []
    depth = 0
    quoted = False
    start = 0
    for match in tokens.finditer(text):
        token = match.group(0)
        if token[0] == "\\":
            continue
        if token == '"':
            quoted = not quoted
        elif token in "([{":
            depth += 1
        elif token in ")]}":
            depth = max(depth - 1, 0)
        elif depth == 0 and not quoted and (maxsplit < 0 or len(parts) < maxsplit):
            parts.append(text[start:match.start()])
            start = match.end()
    parts.append(text[start:])
    return parts


def split_pattern(value):
    """The pattern before the first comma outside [...] (pbx_strsep), and the rest."""
    depth = 0
    index = 0
    while index < len(value):
        char = value[index]
        if char == "\\":
            index += 2
            continue
        if char == "[":
            depth += 1
        elif char == "]":
            depth = max(depth - 1, 0)
        elif char == "," and depth == 0:
            return value[:index], value[index + 1:]
        index += 1
    return value, None


def split_call(text):
    """'App(args)' -> ('App', 'args'); 'App' -> ('App', '')."""
    text = text.strip()
    opening = text.find("(")
    if opening < 0:
        return text, ""
    name = text[:opening]
    if "${" in name or "$[" in name:
        return text, ""
    closing = text.rfind(")")
    data = text[opening + 1:closing] if closing > opening else text[opening + 1:]
    return name.strip(), data


def has_variable(text):
    """Whether text holds a ${variable} or a $[expression]."""
    return "$" in text


# Parsing -----------------------------------------------------------------------------------


class _Parser:
    def __init__(self, source):
        self.source = source
        self.plan = Dialplan()
        self.reads = 0
        self.context = None
        self.last_pattern = None
        self.has_priority = False
        self.errors_in = {}

    def problem(self, kind, file, line, message, context=None):
        if kind == "parse-error":
            count = self.errors_in.get(file, 0) + 1
            self.errors_in[file] = count
            if count > MAX_PARSE_ERRORS_PER_FILE:
                return
            if count == MAX_PARSE_ERRORS_PER_FILE:
                message += f" (further lines of {file} that cannot be read are not reported)"
        name = self.context.name if context is None and self.context is not None else context
        self.plan.problems.append(finding(kind, file, line, name, None, message))

    def read_file(self, name, chain, tried=False, origin=None):
        if self.reads >= MAX_FILE_READS:
            if self.reads == MAX_FILE_READS:
                self.reads += 1
                self.problem("parse-error", name, None, f"more than {MAX_FILE_READS} files read through #include; the rest is not checked")
            return
        text = self.source.read(name)
        if text is None:
            if origin is None:
                self.problem("include-missing", name, None, f"file {name} cannot be read; its contexts are not checked")
            elif not tried:
                file, line, argument = origin
                self.problem("include-missing", file, line, f"#include {argument}: file {name} cannot be read; its contexts are not checked")
            return
        self.reads += 1
        if name not in self.plan.files:
            self.plan.files.append(name)
        if len(text) > MAX_FILE_BYTES:
            self.problem("parse-error", name, None, f"file is larger than {MAX_FILE_BYTES} bytes; only its beginning is checked")
            text = text[:MAX_FILE_BYTES]
        depth = 0
        chain = chain + [name]
        # Asterisk ends lines at \n only (str.splitlines would also split at \f, \x1c, \u2028...).
        for number, raw in enumerate(text.split("\n"), start=1):
            if number == 1 and raw.startswith("\ufeff"):
                raw = raw[1:]
            if len(raw) > MAX_LINE_LENGTH:
                self.problem("parse-error", name, number, f"line of {len(raw)} characters is longer than {MAX_LINE_LENGTH}; not checked")
                continue
            line, depth = strip_comments(raw.rstrip("\r"), depth)
            line = line.strip()
            if line:
                self.line(name, number, line, chain)

    def line(self, file, number, line, chain):
        if line.startswith("["):
            self.header(file, number, line)
        elif line.startswith("#"):
            self.directive(file, number, line, chain)
        else:
            self.statement(file, number, line)

    def header(self, file, number, line):
        match = _HEADER.match(line)
        if not match or not match.group(1).strip():
            self.context = None
            self.problem("parse-error", file, number, f"{line[:80]!r} is not a context header like [name] or [name](options)", context="")
            return
        name = match.group(1).strip()
        options = [option.strip() for option in (match.group(2) or "").split(",") if option.strip()]
        if name.lower() in SPECIAL_SECTIONS:
            self.context = Context(name, file, number)
            self.context.template = True  # read, never a context
            self.last_pattern = None
            self.has_priority = False
            return
        template = "!" in options
        adding = any(option.startswith("+") for option in options)
        table = self.plan.templates if template else self.plan.contexts
        existing = table.get(name)
        if adding and existing is None:
            existing = self.plan.templates.get(name)
        if adding and existing is None:
            self.problem("parse-error", file, number, f"[{name}](+) adds to a context that is not defined before it", context=name)
        if existing is None:
            existing = Context(name, file, number, template=template)
            table[name] = existing
        self.context = existing
        if not adding:
            self.last_pattern = None
            self.has_priority = False
        for option in options:
            if option == "!" or option.startswith("+"):
                continue
            parent = self.plan.templates.get(option) or self.plan.contexts.get(option)
            if parent is None:
                self.problem("parse-error", file, number, f"[{name}] inherits from {option}, which is not defined before it", context=name)
                continue
            self.context.entries.extend(parent.entries)
            self.context.includes.extend(parent.includes)
            if parent.entries:
                self.last_pattern = parent.entries[-1].pattern
                self.has_priority = True

    def directive(self, file, number, line, chain):
        match = _DIRECTIVE.match(line)
        word = match.group(1).lower() if match else ""
        argument = match.group(2).strip() if match else ""
        if word == "exec":
            self.problem("parse-error", file, number, f"#exec {argument} is not run by the checker; what it prints is not checked")
            return
        if word not in ("include", "tryinclude"):
            self.problem("parse-error", file, number, f"unknown directive {line[:80]!r}")
            return
        if len(argument) >= 2 and (argument[0], argument[-1]) in (('"', '"'), ("<", ">")):
            argument = argument[1:-1].strip()
        if not argument:
            self.problem("parse-error", file, number, f"#{word} needs a file name")
            return
        names = self.source.resolve(file, argument)
        if not names and word == "include":
            self.problem("include-missing", file, number, f"#include {argument}: no file matches; its contexts are not checked")
        for name in names:
            if name in chain:
                loop = " -> ".join(chain[chain.index(name):] + [name])
                self.problem("include-loop", file, number, f"#include {argument} loops ({loop}); not read again")
                continue
            if len(chain) >= MAX_INCLUDE_DEPTH:
                self.problem("parse-error", file, number, f"#include {argument} is nested deeper than {MAX_INCLUDE_DEPTH} files; not read")
                continue
            # The included file's last context carries on after the #include, as in Asterisk.
            self.read_file(name, chain, tried=word == "tryinclude", origin=(file, number, argument))

    def statement(self, file, number, line):
        key, equals, value = line.partition("=")
        if not equals:
            self.problem("parse-error", file, number, f"{line[:80]!r} is neither a context header, a directive nor a 'name => value' line")
            return
        key = key.strip().rstrip("+").strip().lower()
        if value.startswith(">"):
            value = value[1:]
        value = value.strip()
        if self.context is None:
            self.problem("parse-error", file, number, f"{line[:80]!r} is outside any context", context="")
            return
        if self.context.name.lower() in SPECIAL_SECTIONS:
            return
        if key == "exten":
            pattern, rest = split_pattern(value)
            self.entry(file, number, pattern.strip(), rest, line)
        elif key.startswith("same"):
            if self.last_pattern is None:
                self.problem("parse-error", file, number, f"same => has no exten => before it in [{self.context.name}]")
                return
            self.entry(file, number, self.last_pattern, value, line, same=True)
        elif key == "include":
            target = re.split(r"[,|]", value, maxsplit=1)[0].strip()
            if not target:
                self.problem("parse-error", file, number, "include => needs a context name")
                return
            self.context.includes.append(Include(file, number, target))
        elif key in ("ignorepat", "switch", "lswitch", "eswitch", "autohints"):
            return
        else:
            self.problem("parse-error", file, number, f"unknown statement {key!r} in [{self.context.name}]")

    def entry(self, file, number, pattern, rest, line, same=False):
        if not pattern:
            self.problem("parse-error", file, number, f"{line[:80]!r} has no extension pattern")
            return
        if rest is None:
            self.problem("parse-error", file, number, f"{line[:80]!r} has no priority")
            return
        if not same:
            self.last_pattern = pattern
        exten, slash, callerid = pattern.partition("/")
        priority_text, comma, app_text = rest.partition(",")
        match = _PRIORITY.match(priority_text.strip())
        priority = match.group(1).strip() if match else ""
        label = match.group(3) if match else None
        if not match or not priority:
            self.problem("parse-error", file, number, f"priority {priority_text.strip()[:40]!r} is not a number, n, s, hint or a label")
            return
        if priority in ("n", "next", "s", "same") and not self.has_priority:
            self.problem("parse-error", file, number, f"priority {priority} cannot be the first one of [{self.context.name}]")
            return
        if priority != "hint":
            self.has_priority = True
        app, data = split_call(app_text)
        self.context.entries.append(
            Entry(file, number, exten.strip(), callerid.strip() if slash else None, priority, label, app, data)
        )


def parse_dialplan(source, names):
    """Parse the files named (in order, each once at the top level) from a source."""
    parser = _Parser(source)
    for name in names:
        if name in parser.plan.files:
            continue
        parser.context = None
        parser.read_file(name, [])
    return parser.plan


def parse_files(path):
    """Parse a dial plan on disk, starting at path."""
    return parse_dialplan(DiskSource(), [os.path.normpath(path)])


def parse_texts(files):
    """Parse a dial plan given as {file name: text}."""
    return parse_dialplan(TextSource(files), list(files))


# Patterns -----------------------------------------------------------------------------------


def pattern_is_unbounded(pattern):
    """A pattern (beginning with _) that holds . or ! outside [...] matches any length."""
    if not pattern.startswith("_"):
        return False
    depth = 0
    for char in pattern[1:]:
        if char == "[":
            depth += 1
        elif char == "]":
            depth = max(depth - 1, 0)
        elif depth == 0 and char in ".!":
            return True
    return False


def pattern_is_safe(pattern):
    """Whether every extension the pattern matches is made of SAFE_EXTEN_CHARS only."""
    if not pattern.startswith("_"):
        return all(char in SAFE_EXTEN_CHARS or char == "-" for char in pattern)
    body = pattern[1:]
    index = 0
    while index < len(body):
        char = body[index]
        if char == "[":
            closing = body.find("]", index + 1)
            if closing < 0:
                return False
            if any(member not in SAFE_EXTEN_CHARS and member != "-" for member in body[index + 1:closing]):
                return False
            index = closing + 1
            continue
        if char in ".!" or (char not in SAFE_EXTEN_CHARS and char != "-"):
            return False
        index += 1
    return True


# Applications -------------------------------------------------------------------------------


def calls(app, data, depth=0):
    """(application in lower case, data) of an entry, with the applications that Exec,
    TryExec and ExecIf run."""
    name = app.lower()
    yield name, data
    if depth > 8:
        return
    if name in ("exec", "tryexec"):
        inner, inner_data = split_call(data)
        if inner:
            yield from calls(inner, inner_data, depth + 1)
    elif name == "execif":
        parts = split_top(data, "?", 1)
        if len(parts) == 2:
            for branch in split_top(parts[1], ":", 1):
                inner, inner_data = split_call(branch)
                if inner:
                    yield from calls(inner, inner_data, depth + 1)


def _branches(data):
    """The branches of cond?a:b (GotoIf, GosubIf, GotoIfTime, MacroIf)."""
    parts = split_top(data, "?", 1)
    if len(parts) < 2:
        return []
    return [branch for branch in split_top(parts[1], ":", 1) if branch.strip()]


def _label_context(label, current):
    """The context a [[context,]exten,]priority label jumps to: (name, None), or
    (None, reason) when a variable names it."""
    # Gosub labels may carry (args) after the priority.
    args = [arg.strip() for arg in split_top(label, ",")]
    if len(args) >= 3:
        target = args[0]
        if has_variable(target):
            return None, f"the context {target} is a variable"
        return target, None
    if len(args) == 1 and has_variable(args[0]):
        # Asterisk splits the arguments after it expands them: one variable may hold all three.
        return None, f"{args[0]} may name a context"
    return current, None


def jumps(name, data, current):
    """(context or None, reason) for each jump an application makes out of current."""
    found = []
    if name in ("goto", "gosub"):
        found.append(_label_context(data, current))
    elif name in ("gotoif", "gosubif", "gotoiftime"):
        found.extend(_label_context(branch, current) for branch in _branches(data))
    elif name in ("macro", "macroexclusive"):
        target = split_top(data, ",")[0].strip()
        found.append((None, f"the macro {target} is a variable") if has_variable(target) else (f"macro-{target}", None))
    elif name == "macroif":
        for branch in _branches(data):
            target = split_top(branch, ",")[0].strip()
            found.append((None, f"the macro {target} is a variable") if has_variable(target) else (f"macro-{target}", None))
    elif name == "dial":
        targets = split_top(data, ",")[0]
        for target in split_top(targets, "&"):
            target = target.strip()
            if target[:6].lower() != "local/":
                continue
            extension = target[6:].split("/", 1)[0]
            context = extension.partition("@")[2] if "@" in extension else "default"
            if has_variable(context):
                found.append((None, f"Local channel {target} names its context with a variable"))
            else:
                found.append((context, None))
    elif name == "disa":
        args = split_top(data, ",")
        context = args[1].strip() if len(args) > 1 and args[1].strip() else "disa"
        found.append((None, f"DISA's context {context} is a variable") if has_variable(context) else (context, None))
    return [(target, reason) for target, reason in found if target != current or reason]


# Checks on one entry ------------------------------------------------------------------------


def tainted_references(text):
    """(name, frames) for each ${EXTEN...} and ${CALLERID(...)} in text; frames are the
    names of the ${...} that enclose it, outermost first."""
    stack = []
    found = []
    for match in _VAR_TOKEN.finditer(text):
        token = match.group(0)
        if token == "${":
            name = _NAME.match(text, match.end()).group(0).upper()
            after = text[match.end() + len(name):match.end() + len(name) + 1]
            if (name == "EXTEN" and after in ("}", ":")) or (name == "CALLERID" and after == "("):
                reference = _TAINT_TEXT.match(text, match.start())
                found.append((reference.group(0) if reference else "${" + name + "}", name, tuple(stack)))
            stack.append(name)
        elif token == "{":
            stack.append("")
        elif stack:
            stack.pop()
    return found


def _unfiltered(entry, name, data):
    """Messages for tainted values that reach a command or a dial string unfiltered."""
    messages = []
    safe_exten = pattern_is_safe(entry.pattern)
    for reference, variable, frames in tainted_references(data):
        if variable == "EXTEN" and safe_exten:
            continue
        if "SHELL" in frames:
            innermost_shell = len(frames) - 1 - frames[::-1].index("SHELL")
            if "FILTER" not in frames[innermost_shell + 1:]:
                messages.append(f"{reference} reaches SHELL() without FILTER()")
                continue
        if name in ("dial", "system", "trysystem") and "FILTER" not in frames:
            label = {"dial": "Dial", "system": "System", "trysystem": "TrySystem"}[name]
            messages.append(f"{reference} reaches {label}() without FILTER()")
    return messages


def _disa_without_pin(data):
    passcode = split_top(data, ",")[0].strip()
    if not passcode:
        return "DISA() without a password lets any caller who reaches it dial out"
    if passcode.lower() == "no-password":
        return "DISA(no-password) lets any caller who reaches it dial out"
    return None


# The checker --------------------------------------------------------------------------------


def validate_entry_points(entry_points):
    """Return {key: [context, ...]} for the four ENTRY_POINT_KEYS, or ValueError."""
    if entry_points is None:
        entry_points = {}
    if not isinstance(entry_points, Mapping):
        raise ValueError(f"entry_points must be a dict with the keys {', '.join(ENTRY_POINT_KEYS)}, got {type(entry_points).__name__}")
    unknown = sorted(str(key) for key in entry_points if key not in ENTRY_POINT_KEYS)
    if unknown:
        raise ValueError(f"entry_points has unknown keys {', '.join(unknown)}; the keys are {', '.join(ENTRY_POINT_KEYS)}")
    result = {}
    for key in ENTRY_POINT_KEYS:
        value = entry_points.get(key)
        if value is None:
            value = []
        if isinstance(value, (str, bytes)) or not isinstance(value, Sequence):
            raise ValueError(f"entry_points.{key} must be a list of context names, got {type(value).__name__} {value!r}")
        names = []
        for item in value:
            if not isinstance(item, str) or not item.strip():
                raise ValueError(f"entry_points.{key} must hold non-empty context names, got {type(item).__name__} {item!r}")
            names.append(str(item).strip())
        result[key] = names
    return result


def _edges(context):
    """(target or None, reason, file, line, pattern) for each way out of a context."""
    edges = []
    for include in context.includes:
        if has_variable(include.target):
            edges.append((None, f"include => {include.target} names its context with a variable", include.file, include.line, None))
        else:
            edges.append((include.target, None, include.file, include.line, None))
    for entry in context.entries:
        if entry.priority == "hint":
            continue
        for name, data in calls(entry.app, entry.data):
            for target, reason in jumps(name, data, context.name):
                edges.append((target, reason, entry.file, entry.line, entry.pattern))
    return edges


def _reach(plan, starts, edges):
    """{context: (previous context, file, line)} for every context reachable from starts."""
    reached = {}
    queue = deque()
    for start in starts:
        if start in plan.contexts and start not in reached:
            reached[start] = None
            queue.append(start)
    while queue:
        current = queue.popleft()
        for target, _reason, file, line, _pattern in edges[current]:
            if target is not None and target in plan.contexts and target not in reached:
                reached[target] = (current, file, line)
                queue.append(target)
    return reached


def _path(reached, name):
    path = [name]
    while reached[path[-1]] is not None:
        path.append(reached[path[-1]][0])
    return path[::-1]


def check_dialplan(plan, entry_points):
    """The findings of a parsed dial plan, given its entry points (see validate_entry_points)."""
    points = validate_entry_points(entry_points)
    findings = list(plan.problems)
    edges = {name: _edges(context) for name, context in plan.contexts.items()}

    for key in ENTRY_POINT_KEYS:
        for name in points[key]:
            if name not in plan.contexts:
                findings.append(finding(
                    "unknown-context", None, None, name, None,
                    f"entry point {name} ({key}) is not a context of the dial plan; nothing is checked from it",
                ))

    # Code that is dangerous wherever it is: every context, reachable or not (AMI,
    # call files and other files can reach any context).
    for name, context in plan.contexts.items():
        for target, reason, file, line, pattern in edges[name]:
            if target is None:
                findings.append(finding("unresolved-jump", file, line, name, pattern, f"cannot tell where this jumps: {reason}"))
        for entry in context.entries:
            if entry.priority == "hint":
                continue
            for app, data in calls(entry.app, entry.data):
                for message in _unfiltered(entry, app, data):
                    findings.append(finding("unfiltered-exten", entry.file, entry.line, name, entry.pattern, message))
                if app == "disa":
                    message = _disa_without_pin(data)
                    if message:
                        findings.append(finding("disa-without-pin", entry.file, entry.line, name, entry.pattern, message))

    # Callers from outside dial too: inbound contexts and default count with the trunks.
    dialling = _reach(plan, points["extensions"] + points["trunks"] + points["inbound"] + ["default"], edges)
    for name in dialling:
        path = _path(dialling, name)
        if path[0] in points["extensions"]:
            role = "extension"
        elif path[0] in points["trunks"]:
            role = "trunk"
        else:
            role = "inbound"
        seen = set()
        for entry in plan.contexts[name].entries:
            if entry.priority == "hint" or entry.pattern in seen or not pattern_is_unbounded(entry.pattern):
                continue
            # One finding for each extension, at its first priority.
            seen.add(entry.pattern)
            findings.append(finding(
                "wildcard", entry.file, entry.line, name, entry.pattern,
                f"{entry.pattern} matches numbers of any length and is reachable from the {role} context"
                f" {path[0]}; spell out the numbers it may dial, like _NXXNXXXXXX",
                path,
            ))

    inbound = _reach(plan, points["inbound"] + ["default"], edges)
    for name in points["outbound_routes"]:
        if name not in inbound:
            continue
        path = _path(inbound, name)
        if inbound[name] is None:
            context = plan.contexts[name]
            file, line, where = context.file, context.line, name
        else:
            where, file, line = inbound[name]
        findings.append(finding(
            "outbound-from-inbound", file, line, where, None,
            f"outbound route {name} is reachable from inbound context {path[0]} ({' -> '.join(path)}):"
            " a caller from outside can dial out through it",
            path,
        ))

    unique = {}
    for item in findings:
        key = (item["kind"], item["file"], item["line"], item["context"], item["pattern"], item["message"])
        unique.setdefault(key, item)
    return sorted(unique.values(), key=lambda item: (item["file"] or "", item["line"] or 0, item["kind"], item["context"] or ""))


def check_texts(files, entry_points):
    """Findings of a dial plan given as {file name: text}."""
    return check_dialplan(parse_texts(files), entry_points)


def check_path(path, entry_points):
    """(findings, files read) of a dial plan on disk."""
    plan = parse_files(path)
    return check_dialplan(plan, entry_points), plan.files


def count_severities(findings):
    counts = {ERROR: 0, WARNING: 0}
    for item in findings:
        counts[item["severity"]] += 1
    return counts
