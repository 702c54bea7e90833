"""Elder mode measured in the browser on every page of the demo site (see survey.py).

Elder mode: body text at least 22 px, main actions at least 60 x 60 px, and nothing wider than a
360 px screen. Standard mode: body text at least 18 px and main actions at least 44 x 44 px.
"""
import pytest

from tests.browser.survey import NARROW

LIMITS = {"standard": {"font": 18, "target": 44}, "elder": {"font": 22, "target": 60}}
ROUNDING = 0.5  # sub-pixel layout


@pytest.mark.parametrize("mode", LIMITS)
def test_body_text_is_large_enough(survey, mode):
    small = [f"{report.where}: {report.measures['font']} px" for report in survey.in_mode(mode)
             if report.measures["font"] < LIMITS[mode]["font"]]
    assert survey.in_mode(mode) and not small, "\n".join(small)


@pytest.mark.parametrize("mode", LIMITS)
def test_main_actions_are_large_targets(survey, mode):
    limit = LIMITS[mode]["target"] - ROUNDING
    small = [f"{report.where}: {target['what']} is {target['width']:.0f} x {target['height']:.0f} px"
             for report in survey.in_mode(mode) for target in report.measures["targets"]
             if target["width"] < limit or target["height"] < limit]
    assert not small, "\n".join(small)


def test_buttons_and_links_were_measured(survey):
    """Guards the other tests against measuring nothing: every page has at least its navigation."""
    empty = [report.where for report in survey.reports if not report.measures["targets"]]
    assert survey.reports and not empty, empty


def test_nothing_is_wider_than_a_360_px_screen_in_elder_mode(survey):
    wide = [f"{report.where}: {report.measures['scrollWidth']} px wide; {report.measures['wide']}"
            for report in survey.in_mode("elder") if report.measures["scrollWidth"] > NARROW["width"]]
    assert not wide, "\n".join(wide)
