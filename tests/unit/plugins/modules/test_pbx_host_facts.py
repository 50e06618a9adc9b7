"""The host facts module's readings of Asterisk's files, as pure functions."""

import pytest

from ansible_collections.pbxguard.hardening.plugins.modules import pbx_host_facts as facts

DEBIAN_MANAGER = """\
[general]
enabled = yes
port = 5038
bindaddr = 127.0.0.1
#include "manager.d/*.conf"
"""

FREEPBX_MANAGER = """\
[general]
enabled = yes
port = 5038
bindaddr = 0.0.0.0 ; FreePBX listens everywhere
displayconnects=no
#include manager_additional.conf
#include manager_custom.conf
[admin]
enabled = no
"""


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        (DEBIAN_MANAGER, {"enabled": True, "bindaddr": "127.0.0.1", "port": "5038", "includes_manager_d": True,
                          "include_in": "/etc/asterisk/manager.conf"}),
        # A user section's "enabled = no" is not AMI's; the comment is not part of the address.
        (FREEPBX_MANAGER, {"enabled": True, "bindaddr": "0.0.0.0", "port": "5038", "includes_manager_d": False,
                           "include_in": "/etc/asterisk/manager_custom.conf"}),
        ("[general]\nenabled=no\nenabled=yes\n",
         {"enabled": True, "bindaddr": "0.0.0.0", "port": "5038", "includes_manager_d": False,
          "include_in": "/etc/asterisk/manager.conf"}),
        (None, {"enabled": False, "bindaddr": "0.0.0.0", "port": "5038", "includes_manager_d": False,
                "include_in": "/etc/asterisk/manager.conf"}),
    ],
    ids=["debian", "freepbx", "last-setting-wins", "no-file"],
)
def test_manager_layout(text, expected):
    assert facts.manager_layout(text) == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("[logfiles]\nmessages => notice,warning\n",
         {"file": facts.LOGGER, "has_logfiles_section": True, "has_security_channel": False}),
        # The collection's own block does not count as someone else's security channel.
        ("[logfiles]\n; BEGIN pbxguard.hardening fail2ban\nsecurity => security\n; END pbxguard.hardening fail2ban\n",
         {"file": facts.LOGGER, "has_logfiles_section": True, "has_security_channel": False}),
        ("[logfiles]\nsecurity => security\n",
         {"file": facts.LOGGER, "has_logfiles_section": True, "has_security_channel": True}),
        ('[general]\n#include "logger_logfiles_custom.conf"\n',
         {"file": facts.CUSTOM_LOGGER, "has_logfiles_section": False, "has_security_channel": False}),
    ],
    ids=["stock", "own-block", "operator-security", "freepbx"],
)
def test_logger_layout(text, expected):
    assert facts.logger_layout(text) == expected
