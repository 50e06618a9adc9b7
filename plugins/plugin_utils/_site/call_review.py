# Copyright (c) pbxguard developers
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""The daily call-log review (role call_review): the rules' settings, checked with the rules'
own readers so that a bad one stops the run here and not the review on the PBX at 06:30, and
where the findings go."""

from __future__ import annotations

import re

from ansible_collections.pbxguard.hardening.plugins.module_utils import _cdr_review as review
from ansible_collections.pbxguard.hardening.plugins.plugin_utils._site._operations import (
    read_calendar,
    read_mail,
    read_path,
    read_texts,
)


def _texts(ctx, name, pattern, what):
    return read_texts(ctx.problems, name, ctx.vars.get(name), pattern, what)


def _checked(ctx, name, check, *values):
    """check(*values) with the review's own reader, or a problem naming the variable."""
    if None in values:
        return
    try:
        check(*values)
    except review.CdrError as exc:
        ctx.problems.add(name, str(exc))


def read(ctx):
    rules = _texts(ctx, "call_review_block_rules", r"^[a-z_]+$", "a rule name")
    for index, rule in enumerate(rules or []):
        if rule not in review.RULES:
            ctx.problems.add(f"call_review_block_rules[{index}]", f"{rule!r} is not one of {', '.join(review.RULES)}")
    webhook = ctx.str("call_review_webhook_url")
    if webhook and not re.match(r"^https?://\S+$", webhook):
        ctx.problems.add("call_review_webhook_url", "is not an http:// or https:// URL; leave it empty for none")
        webhook = None
    for name in ("call_review_international_prefix", "call_review_country_code"):
        value = ctx.str(name, allow_empty=False)
        if value is not None and not re.match(r"^[0-9]{1,4}$", value):
            ctx.problems.add(name, f"{value!r} is not 1 to 4 digits (011 and 1 in the NANP, 00 and 44 in the UK)")
    site = {
        "on_calendar": read_calendar(ctx.problems, "call_review_on_calendar", ctx.vars.get("call_review_on_calendar")),
        "since_hours": ctx.int("call_review_since_hours", minimum=1),
        "cdr_path": read_path(ctx.problems, "call_review_cdr_path", ctx.vars.get("call_review_cdr_path")),
        "usegmtime": ctx.bool("call_review_usegmtime"),
        "international_prefix": str(ctx.vars.get("call_review_international_prefix")),
        "country_code": str(ctx.vars.get("call_review_country_code")),
        "dial_prefixes": _texts(ctx, "call_review_dial_prefixes", r"^[0-9]{1,6}$", "a dial prefix of digits"),
        "allowed_prefixes": _texts(ctx, "call_review_allowed_prefixes", r"^\+?[0-9]{1,15}$",
                                   "a country code or E.164 prefix (44, +44)"),
        "business_days": _texts(ctx, "call_review_business_days", r"^\S+$", "a weekday (mon, Monday)"),
        "business_hours": ctx.str("call_review_business_hours"),
        "burst_calls": ctx.int("call_review_burst_calls", minimum=1),
        "burst_minutes": ctx.int("call_review_burst_minutes", minimum=1),
        "long_call_seconds": ctx.int("call_review_long_call_seconds", minimum=1),
        "webhook_url": webhook,
        "mail_to": read_mail(ctx.problems, "call_review_mail_to", ctx.vars.get("call_review_mail_to")),
        "block": ctx.bool("call_review_block"),
        "block_rules": rules,
    }
    _checked(ctx, "call_review_business_days", review.business_days, site["business_days"])
    _checked(ctx, "call_review_business_hours", review.business_hours, site["business_hours"])
    ctx.site["call_review"] = site
