"""axe-core on every page of the demo site, as the login who uses it, in standard and elder mode.

The page list is built from the app's URL map (see survey.py); the pages not visited, and why,
are printed at the end of the run.
"""
import pytest

from tests.browser.survey import MODES

FOUNDATION_PAGES = ["main.home", "auth.login", "auth.register", "main.account", "main.notification_list",
                    "auth.change_password", "home, not logged in", "error 404", "error 403"]
MODULES = ["kitchen", "mutualaid", "alleys", "staff"]


@pytest.mark.parametrize("mode", MODES)
def test_no_serious_or_critical_axe_violations(survey, mode):
    found = []
    for report in survey.in_mode(mode):
        for violation in report.violations:
            nodes = "; ".join(" ".join(node["target"]) for node in violation["nodes"][:4])
            found.append(f"{report.where}: {violation['id']} [{violation['impact']}] {violation['help']} — {nodes}")
    assert not found, "\n".join(found)


def test_every_page_loads_without_console_errors_or_failed_requests(survey):
    found = [f"{report.where}: {problem}" for report in survey.reports for problem in report.problems]
    assert not found, "\n".join(found)


def test_the_survey_reached_the_foundation_pages_and_every_module(survey):
    endpoints = {target.endpoint for target in survey.targets}
    assert [page for page in FOUNDATION_PAGES if page not in endpoints] == []
    assert [module for module in MODULES if not any(e.startswith(module + ".") for e in endpoints)] == []
    assert len(survey.reports) == len(MODES) * len(survey.targets)
