"""Every page of the demo site measured in the browser at 360 px, standard and elder mode (see survey.py).

长辈版 follows the MIIT 2021 适老化 rules: main text at least 18 pt (24 px) and main controls at least
60 x 60 px, radio buttons and checkboxes through their labels. Standard mode: text at least 18 px (hints and
tags at least 14 px) and controls at least 44 x 44 px. In both modes no number is broken across lines, nothing
is wider than the screen and no emoji is drawn. survey.py's MEASURE says what counts as text and as a control.
"""
import pytest

from tests.browser.survey import MODES, NARROW

BODY = {"standard": 18, "elder": 24}
SMALLEST_TEXT = {"standard": 14, "elder": 24}  # in 长辈版 every text is main text
TARGET = {"standard": 44, "elder": 60}
ROUNDING = 0.5  # sub-pixel layout


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
