# Copyright (c) pbxguard developers
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""Words that SIP secrets are commonly built on (private to this collection).

A short list on purpose: the base words of the most common leaked passwords,
words from the telephony trade that PBX installers reach for, and common
first names. Lower case, at least four letters. It lives in Python rather
than a data file so that modules carry it to the target.
"""

from __future__ import annotations

COMMON_WORDS = frozenset("""
access account action admin administrator alpha amanda andrea andrew angel angela anthony apple
asterisk austin autumn bailey banana baseball basketball batman bella benjamin bigdog biscuit
blink blue booboo boston buster butterfly calling camaro canada carlos central charlie chelsea
cheese chicago chicken chocolate christian coffee computer confidential cookie cooper corvette
cowboy customer daniel dallas default dakota delta denver desk diamond digital direct dolphin
donald dragon eagle elephant enter extension falcon family ferrari firewall fish florida flower
football forever freedom freepbx friend friends gateway george ginger girl golden golf
google green guest guitar hammer hannah happy harley hello helpdesk hockey home honey horse
hotel hunter iloveyou internet jackson jasmine jennifer jessica jesus jordan joseph joshua
junior justin killer king kitten lakers letmein liverpool london love lovely lucky maggie
magic manager marina mark master matrix matthew maverick melissa mercedes merlin michael
michelle mickey midnight miller monday money monkey morgan mother mustang naruto network
nicole night ninja nothing office oliver orange pass passw passwd password patrick peanut
pepper phoenix phone pokemon potato power princess private public purple qazwsx queen
rabbit rachel rainbow ranger reception remote robert rocket root samsung sandra sarah
scooter secret secure security server service shadow sierra silver simple smile snoopy
soccer softphone sophie sparky spider spring star starwars station steelers summer sunshine
super superman support switch sydney system taylor telephone telecom tennis test tester
testing thomas thunder tiger tigger toyota trunk trust trustno unknown user victoria viper
voicemail voip welcome whatever william wilson windows winner winter wireless yankees yellow
zxcvbnm
""".split())
