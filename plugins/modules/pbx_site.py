#!/usr/bin/python
# Copyright (c) pbxguard developers
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

from __future__ import annotations

DOCUMENTATION = r"""
module: pbx_site
short_description: Validate a PBX site description and set the fact every pbxguard role reads
version_added: 0.2.0
author: pbxguard developers (@pbxguard)
description:
  - Reads the variables of every role of the collection (C(pbx_*), C(firewall_*), C(fail2ban_*),
    C(sip_extensions_*) and those of later roles) for the host, fills in each role's defaults from its
    C(defaults/main.yml), and checks them all on the controller before any host changes.
  - "Strict types: booleans accept true and false or the usual spellings as text (C(\"false\"),
    C(\"no\"), C(\"0\") are false); integers refuse booleans and floats; unknown variables with a
    role's prefix and unknown keys inside entries are refused, with the closest known name."
  - "Every problem is reported at once, each naming its path and the fix, for example
    C(pbx_extensions[2].networks[0]: '10.0.0.1/24' has host bits set; did you mean '10.0.0.0/24'?)."
  - Sets one fact, C(pbx_site), with a schema version - the sources each service admits per
    address family, the port plan, the controller, each extension's binding, the services, and
    what the firewall, fail2ban and sip_extensions roles draw.
  - Secrets and PINs that the inventory gives (C(sip_extensions_secrets)) are audited but never
    copied into C(pbx_site), and no problem quotes them.
  - The controller's address comes from C(pbx_controller_address) or, when that is empty, from
    C(ansible_env.SSH_CLIENT) (gather it first); host facts come from C(pbx_host)
    (M(pbxguard.hardening.pbx_host_facts)).
  - What crosses hosts comes from the whole inventory - C(site_links_hq), C(site_links_address)
    and C(pbx_extensions) of every inventory host (C(hostvars)) - so that the site links of
    M(pbxguard.hardening.site_links) are derived on both sides.
  - This is an action plugin; it runs on the controller and needs Python C(netaddr) there.
options: {}
attributes:
  check_mode:
    support: full
    description: Reads variables only; runs the same in check mode.
  diff_mode:
    support: none
    description: Changes nothing, so there is nothing to show.
  action:
    support: full
    description: Runs on the controller.
  async:
    support: none
    description: Runs on the controller.
  platform:
    support: full
    platforms: all
    description: Runs on the controller.
seealso:
  - module: pbxguard.hardening.pbx_host_facts
notes:
  - The role C(pbxguard.hardening.pbx) runs it; every other role of the collection depends on
    that role.
"""

EXAMPLES = r"""
- name: Describe the site
  pbxguard.hardening.pbx_site:

- name: Admit SIP from the LAN
  ansible.builtin.debug:
    msg: "{{ pbx_site.sources.sip.ipv4 }}"
"""

RETURN = r"""
problems:
  description: Every problem found, each naming its variable path and the fix (on failure).
  returned: failure
  type: list
  elements: str
ansible_facts:
  description: The fact C(pbx_site).
  returned: success
  type: dict
  contains:
    pbx_site:
      description:
        - The validated site. Keys - C(schema_version) (1), C(sources) (C(sip), C(iax2), C(admin),
          C(vpn), C(trusted), each C({ipv4, ipv6}) of merged CIDRs), C(port_plan) (service to
          C({protocol, start, end, count, iptables, nft})), C(services), C(controller)
          (C({address, family}) or null), C(sip_open_to_world), C(vpn), C(remote_sites),
          C(trunks), C(extensions) (C({number, vpn_address, permit, roaming})), C(roaming)
          (C({numbers, expiration, admitted}) - the roaming extensions, their registration's
          lifetime and how long the firewall admits where they registered from), C(max_calls),
          C(firewall), C(fail2ban) and C(sip_extensions) (the typed settings and what the roles
          draw), C(warnings).
      type: dict
      returned: success
"""
