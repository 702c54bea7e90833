"""Every page of the demo site measured in the browser at 360 px, standard and elder mode (see survey.py).

长辈版 follows the MIIT 2021 适老化 rules: main text at least 18 pt (24 px) and main controls at least
60 x 60 px, radio buttons and checkboxes through their labels. Standard mode: text at least 18 px (hints and
tags at least 14 px) and controls at least 44 x 44 px. In both modes no number is broken across lines, nothing
is wider than the screen, no person's name is broken inside itself and no emoji is drawn. On the screens elders use,
长辈版 shows one main action: at most one button drawn in the primary fill. survey.py's MEASURE says what counts as
text, as a control and as a filled button.
"""
import pytest

from tests.browser.survey import MODES, NARROW

BODY = {"standard": 18, "elder": 24}
SMALLEST_TEXT = {"standard": 14, "elder": 24}  # in 长辈版 every text is main text
TARGET = {"standard": 44, "elder": 60}
ROUNDING = 0.5  # sub-pixel layout

# The screens 长辈版 is for: what residents (the demo's 13900000004 郑长华 and 13900000007) and the carers who order
# and ask for them (13900000011) open, from the elder home's tiles and the menu. Each shows one main action in
# 长辈版. Not in scope: the pages of staff, kitchen operators, volunteers at work, patrollers, officers and grid
# workers — work lists with an action on every row (a queue, the orders of the day, the shifts, a case's steps),
# used by people at work, not by the elders 长辈版 is for.
ELDER_SCREENS = {
    "main.home": "the elder home: four big tiles, 订饭 the main one",
    "home, not logged in": "the first page an elder sees: log in",
    "auth.login": "logging in",
    "main.account": "my account, where 长辈版 is switched",
    "auth.change_password": "my account's password",
    "privacy.person": "my account's personal information",
    "main.notification_list": "notifications",
    "kitchen.menu": "the kitchen's menu",
    "kitchen.meal": "a meal's page, with the order form",
    "kitchen.orders": "my orders",
    "kitchen.order_page": "an order's page",
    "kitchen.standing": "the meals ordered every week",
    "kitchen.profile": "the dietary needs and emergency contact of me or the person I care for",
    "kitchen.kitchen": "a kitchen's page",
    "mutualaid.board": "mutual aid: my requests and the offers of help",
    "mutualaid.new_request": "the help request form",
    "mutualaid.request_page": "a help request's page",
    "mutualaid.credits": "my time credits",
    "mutualaid.volunteer_page": "the page of the volunteer who helps",
    "alleys.new_finding": "a resident reports a problem in the alley outside",
}


def _each(survey, mode, key):
    return [(report, found) for report in survey.in_mode(mode) for found in report.measures[key]]


@pytest.mark.parametrize("mode", MODES)
def test_body_text_is_large_enough(survey, mode):
    small = [f"{report.where}: {report.measures['font']} px" for report in survey.in_mode(mode)
             if report.measures["font"] < BODY[mode]]
    assert survey.in_mode(mode) and not small, "\n".join(small)


@pytest.mark.parametrize("mode", MODES)
def test_no_text_is_smaller_than_the_mode_allows(survey, mode):
    limit = SMALLEST_TEXT[mode] - ROUNDING
    small = [f"{report.where}: {text['what']} {text['text']!r} is {text['size']:.1f} px"
             for report, text in _each(survey, mode, "texts") if text["size"] < limit]
    assert not small, f"{len(small)} texts under {SMALLEST_TEXT[mode]} px:\n" + "\n".join(small[:60])


@pytest.mark.parametrize("mode", MODES)
def test_main_controls_are_large_targets(survey, mode):
    limit = TARGET[mode] - ROUNDING
    small = [f"{report.where}: {target['what']} is {target['width']:.0f} x {target['height']:.0f} px"
             for report, target in _each(survey, mode, "targets")
             if target["width"] < limit or target["height"] < limit]
    assert not small, f"{len(small)} controls under {TARGET[mode]} x {TARGET[mode]} px:\n" + "\n".join(small[:60])


def test_text_and_controls_were_measured(survey):
    """Guards the other tests against measuring nothing: every page has text and at least its navigation."""
    empty = [report.where for report in survey.reports if not report.measures["targets"] or not report.measures["texts"]]
    assert survey.reports and not empty, empty


@pytest.mark.parametrize("mode", MODES)
def test_no_number_is_broken_across_lines(survey, mode):
    broken = [f"{report.where}: {found}" for report, found in _each(survey, mode, "broken")]
    assert not broken, "\n".join(broken)


@pytest.mark.parametrize("mode", MODES)
def test_nothing_is_wider_than_a_360_px_screen(survey, mode):
    wide = [f"{report.where}: {report.measures['scrollWidth']} px wide; {report.measures['wide']}"
            for report in survey.in_mode(mode)
            if report.measures["scrollWidth"] > NARROW["width"] or report.measures["wide"]]
    assert not wide, "\n".join(wide)


@pytest.mark.parametrize("mode", MODES)
def test_no_emoji_is_drawn(survey, mode):
    found = [f"{report.where}: {glyph}" for report, glyph in _each(survey, mode, "emoji")]
    assert not found, "\n".join(found)


@pytest.mark.parametrize("mode", MODES)
def test_no_name_is_broken_across_lines(survey, mode):
    broken = [f"{report.where}: {found}" for report, found in _each(survey, mode, "brokenNames")]
    assert not broken, "\n".join(broken)
    assert sum(report.measures["names"] for report in survey.in_mode(mode)), "no name (.name) was measured on any page"


def test_elder_screens_show_one_main_action(survey):
    """MIIT 2021 适老化: one main action per screen; the others are secondary or folded away (never removed)."""
    reports = [report for report in survey.in_mode("elder") if report.target.endpoint in ELDER_SCREENS]
    missing = set(ELDER_SCREENS) - {report.target.endpoint for report in reports}
    crowded = [f"{report.where}: {len(report.measures['filled'])} filled buttons: {report.measures['filled']}"
               for report in reports if len(report.measures["filled"]) > 1]
    assert not crowded, "\n".join(crowded)
    assert not missing, f"elder screens the survey did not reach: {sorted(missing)}"
