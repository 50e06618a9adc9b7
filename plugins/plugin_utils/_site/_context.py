# Copyright (c) pbxguard developers
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""What the topics of the site model share while it is built (private to this collection)."""

from __future__ import annotations

from ansible_collections.pbxguard.hardening.plugins.plugin_utils._site import _types
from ansible_collections.pbxguard.hardening.plugins.plugin_utils._site._addresses import read_networks


class Context:
    """The variables, the problems found so far, and the site being built.

    The readers name each variable by its path in every problem and return None for a
    value they refuse, so that a topic goes on and reports its other problems too.
    """

    def __init__(self, variables, host, ssh_client):
        self.vars = variables
        self.host = host
        self.ssh_client = ssh_client
        self.problems = _types.Problems()
        self.warnings = []
        self.site = {}
        # netaddr networks the topics share (the site itself holds only plain data).
        self.nets = {}
        # Other inventory hosts' variables, for what crosses hosts (build() sets them).
        self.peers = {}

    def bool(self, name):
        return _types.read_bool(self.problems, name, self.vars.get(name))

    def int(self, name, **limits):
        return _types.read_int(self.problems, name, self.vars.get(name), **limits)

    def str(self, name, **options):
        return _types.read_str(self.problems, name, self.vars.get(name), **options)

    def list(self, name):
        return _types.read_list(self.problems, name, self.vars.get(name))

    def mapping(self, name, known, required=()):
        return _types.read_mapping(self.problems, name, self.vars.get(name), known, required)

    def networks(self, name, value=None, path=None, allow_any=False):
        """The networks of a list variable (or of value, at path) as netaddr networks."""
        value = self.vars.get(name) if value is None and path is None else value
        return read_networks(self.problems, path or name, value, allow_any)
