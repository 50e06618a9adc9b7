"""The operations topics (audit, call_review, backup, patching): typed values from text, and
hostile or sloppy input refused with the variable named, before any host changes."""

import pytest


def test_defaults(site):
    built = site()
    assert built["backup"] == {"dir": "/var/backups/pbxguard", "paths": ["/etc/asterisk", "/etc/pbxguard"],
                               "keep": 14, "on_calendar": "*-*-* 02:15:00"}
    assert built["patching"] == {"enabled": True, "reboot": False, "reboot_time": "04:00", "reboot_with_users": False,
                                 "blacklist": [], "mail_to": ""}
    assert built["call_review"]["block"] is False and built["call_review"]["block_rules"] == ["international", "premium", "burst"]
    assert built["audit"]["probe_numbers"] == ["011442079460000", "19005550100", "18765550100"]


def test_text_from_the_command_line_is_typed(site):
    built = site({"patching_reboot": "false", "call_review_block": "true", "backup_keep": "7",
                  "call_review_since_hours": "48", "audit_probe_numbers": [19005550100]})
    assert built["patching"]["reboot"] is False
    assert built["call_review"]["block"] is True and built["call_review"]["since_hours"] == 48
    assert built["backup"]["keep"] == 7
    assert built["audit"]["probe_numbers"] == ["19005550100"]


@pytest.mark.parametrize(("variables", "expected"), [
    ({"backup_paths": ["/etc/asterisk", "etc/pbxguard"]}, "backup_paths[1]: 'etc/pbxguard' is not an absolute path without spaces"),
    ({"backup_paths": ["/"]}, "backup_paths[0]: is the whole file system; name the configuration folders"),
    ({"backup_paths": []}, "backup_paths: is empty; name what to back up (/etc/asterisk)"),
    ({"backup_dir": "/var/backups/my backups"}, "backup_dir: '/var/backups/my backups' is not an absolute path without spaces"),
    ({"backup_keep": 0}, "backup_keep: 0 is below the minimum of 1; the number of archives kept"),
    ({"backup_on_calendar": "daily\nExecStart=/bin/sh"}, "backup_on_calendar: 'daily\\nExecStart=/bin/sh' is not a systemd calendar"),
    ({"patching_reboot": "sometimes"}, "patching_reboot: text 'sometimes' is not a boolean; write true or false"),
    ({"patching_reboot_time": "4am"}, "patching_reboot_time: '4am' is not a time of day as HH:MM (04:00)"),
    ({"patching_blacklist": ["asterisk", "bad name"]}, "patching_blacklist[1]: 'bad name' is not a package name"),
    ({"patching_mail_to": "root@example.org\nBcc: x@y"}, "patching_mail_to: 'root@example.org\\nBcc: x@y' is not one mail address"),
    ({"call_review_business_hours": "9-5"}, "call_review_business_hours: business hours must look like 08:00-18:00, got '9-5'"),
    ({"call_review_business_days": ["mon", "funday"]}, "call_review_business_days: business days must be weekdays"),
    ({"call_review_block_rules": ["international", "everything"]}, "call_review_block_rules[1]: 'everything' is not one of"),
    ({"call_review_webhook_url": "ftp://x"}, "call_review_webhook_url: is not an http:// or https:// URL"),
    ({"call_review_international_prefix": "+00"}, "call_review_international_prefix: '+00' is not 1 to 4 digits"),
    ({"call_review_allowed_prefixes": ["+44", "UK"]}, "call_review_allowed_prefixes[1]: 'UK' is not a country code"),
    ({"audit_probe_numbers": []}, "audit_probe_numbers: is empty"),
    ({"audit_probe_numbers": ["011-44"]}, "audit_probe_numbers[0]: '011-44' is not a number to dial"),
    ({"audit_backup_max_age_hours": "false"}, "audit_backup_max_age_hours: text 'false' is not an integer"),
])
def test_bad_settings_are_refused_by_name(problems, variables, expected):
    assert any(problem.startswith(expected) for problem in problems(variables)), problems(variables)
