"""The street's staff (街道) read the monthly and annual reports of their street's communities — figures and the
registers behind the burden — but not another street's, nor a community's residents or console."""
import pytest

from neighbors.models import Role
from tests.factories import make_community, make_user


@pytest.fixture
def street(app):
    home = make_community("镇海社区", street="中华街道")
    neighbour = make_community("中华社区", street="中华街道")
    far = make_community("鹭江道社区", street="鹭江街道")
    return {"home": home, "neighbour": neighbour, "far": far,
            "officer": make_user(neighbour, Role.STREET_STAFF, name="苏亨思")}


def test_street_staff_read_their_streets_reports(auth, web, street):
    auth.login(street["officer"])
    home = street["home"].id
    monthly = web.get(f"/staff/reports/monthly?community={home}")
    assert monthly.status_code == 200 and "镇海社区" in monthly.get_data(as_text=True)
    page = monthly.get_data(as_text=True)
    assert '<option value="%d"' % street["neighbour"].id in page and '<option value="%d"' % street["far"].id not in page
    for path in ("/staff/people", "/staff/audit", "/staff/settings"):
        assert f'href="{path}' not in page  # the console's tabs are for the community's own staff
    assert web.get(f"/staff/reports/monthly?community={home}&format=xlsx").status_code == 200
    burden = web.get(f"/staff/reports/annual/burden?community={home}&year=2026").get_data(as_text=True)
    assert f'href="/staff/registers/?community={home}&amp;kind=meeting&amp;year=2026"' in burden
    work = web.get(f"/staff/reports/annual/work?community={home}&year=2026")
    assert work.status_code == 200
    text = work.get_data(as_text=True)
    assert 'data-figure="kitchen.meals_served"' in text and 'href="/kitchen/manage/orders' not in text
    assert web.get(f"/kitchen/manage/orders?community={home}&year=2026").status_code == 403


def test_street_staff_reach_their_reports_from_the_menu(auth, web, street):
    auth.login(street["officer"])
    page = web.get("/staff/registers/").get_data(as_text=True)
    assert 'href="/staff/reports/monthly"' in page and "报表" in page


@pytest.mark.parametrize("path", ["/staff/reports/monthly?community={far}",
                                  "/staff/reports/annual/work?community={far}&year=2026",
                                  "/staff/reports/annual/burden?community={far}&year=2026"])
def test_not_another_streets_reports_nor_the_console(auth, web, street, path):
    auth.login(street["officer"])
    assert web.get(path.format(far=street["far"].id)).status_code == 403
    assert web.get("/staff/").status_code == 403
    assert web.get("/staff/people").status_code == 403
