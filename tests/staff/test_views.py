"""The HTTP contract of every staff page, for every kind of visitor (a parametrised table)."""
import re
from io import BytesIO
from datetime import date

import pytest
import sqlalchemy as sa
from openpyxl import load_workbook

from neighbors.extensions import db
from neighbors.models import AuditEntry, CarerLink, User

WHO = ("staff", "other_staff", "admin", "resident", "visitor")

# page -> expected status for: staff of this community, staff of another, admin, resident, visitor.
# "{home}" is this community's id and "{elder}" a resident of it.
PAGES = [
    ("/staff/", (200, 200, 200, 403, 302)),
    ("/staff/?community={home}", (200, 403, 200, 403, 302)),
    ("/staff/?community={home}&part=status", (200, 403, 200, 403, 302)),
    ("/staff/count", (200, 200, 200, 403, 302)),
    ("/staff/people", (200, 200, 200, 403, 302)),
    ("/staff/people?community={home}&q=郑", (200, 403, 200, 403, 302)),
    ("/staff/people/{elder}", (200, 404, 200, 403, 302)),
    ("/staff/people/{elder}/edit", (200, 404, 200, 403, 302)),
    ("/staff/people/new", (200, 200, 200, 403, 302)),
    ("/staff/people/new?community={home}", (200, 403, 200, 403, 302)),
    ("/staff/audit", (200, 200, 200, 403, 302)),
    ("/staff/audit?community={home}", (200, 403, 200, 403, 302)),
    ("/staff/audit?person={elder}", (200, 404, 200, 403, 302)),
    ("/staff/audit?community={home}&format=csv", (200, 403, 200, 403, 302)),
    ("/staff/reports/monthly?community={home}&month=2026-03", (200, 403, 200, 403, 302)),
    ("/staff/reports/monthly?community={home}&month=2026-03&format=csv", (200, 403, 200, 403, 302)),
    ("/staff/reports/monthly?community={home}&month=2026-03&view=print", (200, 403, 200, 403, 302)),
    ("/staff/reports/annual/work?community={home}&year=2026", (200, 403, 200, 403, 302)),
    ("/staff/reports/annual/burden?community={home}&year=2026&format=xlsx", (200, 403, 200, 403, 302)),
    ("/staff/reports/annual/work?community={home}&year=2026&view=print", (200, 403, 200, 403, 302)),
    ("/staff/district?month=2026-03", (403, 403, 200, 403, 302)),
    ("/staff/settings", (200, 200, 200, 403, 302)),
    ("/staff/settings?community={home}", (200, 403, 200, 403, 302)),
]


def log_in(auth, world, who):
    if who != "visitor":
        auth.login(getattr(world, who))


@pytest.mark.parametrize("who", WHO)
def test_every_staff_page_for_every_visitor(client, auth, world, who):
    """One login per kind of visitor, then every page of the table; all mismatches are reported together."""
    log_in(auth, world, who)
    wrong = []
    for path, expected in PAGES:
        url = path.format(home=world.home.id, elder=world.elder.id)
        response = client.get(url)
        if response.status_code != expected[WHO.index(who)]:
            wrong.append((url, response.status_code, expected[WHO.index(who)]))
        elif response.status_code == 302 and "/auth/login" not in response.headers["Location"]:
            wrong.append((url, response.headers["Location"], "/auth/login"))
    assert wrong == []


def test_the_table_covers_every_staff_page(app):
    """A new staff GET page must be added to PAGES (POST routes are covered by the tests below)."""
    listed = {path.split("?")[0].replace("{elder}", "<int:user_id>") for path, _ in PAGES}
    listed = {"/staff/reports/annual/<any(work,burden):which>" if path.startswith("/staff/reports/annual/") else path
              for path in listed}
    pages = {rule.rule for rule in app.url_map.iter_rules()
             if rule.endpoint.startswith("staff.") and "GET" in rule.methods}
    assert pages <= listed, pages - listed


def test_staff_of_another_community_see_nothing_of_this_one(client, auth, world):
    auth.login(world.other_staff)
    for path in ("/staff/", "/staff/people", "/staff/audit", "/staff/settings"):
        page = client.get(path).get_data(as_text=True)
        assert "郑长华" not in page and "镇海社区" not in page, path
        assert "深田社区" in page, path


# POST route -> data; every one is refused to the wrong people and changes nothing.
def posts(world):
    link = CarerLink(carer_id=world.resident.id, resident_id=world.elder.id, community_id=world.home.id)
    db.session.add(link)
    db.session.commit()
    elder = world.elder.id
    return [
        (f"/staff/people/{elder}/roles", {"role": "volunteer"}),
        (f"/staff/people/{world.resident.id}/roles/resident/revoke", {}),
        (f"/staff/people/{elder}/volunteer/verify", {}),
        (f"/staff/people/{elder}/carers", {"carer": world.staff.phone, "relation": "社工"}),
        (f"/staff/people/{elder}/carers/{link.id}/unlink", {}),
        (f"/staff/people/{elder}/edit", {"name": "改名", "unit": "1室"}),
        (f"/staff/people/new?community={world.home.id}", {"name": "林阿婆"}),
    ]


def snapshot():
    return (db.session.scalar(sa.select(sa.func.count(AuditEntry.id))),
            db.session.scalar(sa.select(sa.func.count(CarerLink.id))),
            db.session.scalar(sa.select(sa.func.count(User.id))),
            sorted(db.session.scalars(sa.select(User.name))))


@pytest.mark.parametrize("who, expected", [("other_staff", (403, 404)), ("resident", (403,)), ("visitor", (302,))])
def test_posts_by_the_wrong_people_change_nothing(web, auth, world, who, expected):
    routes = posts(world)
    log_in(auth, world, who)
    before = snapshot()
    for path, data in routes:
        response = web.post(path, data)
        assert response.status_code in expected, path
        db.session.expire_all()
        assert snapshot() == before, path


def test_a_post_without_csrf_is_refused(web, auth, world):
    auth.login(world.staff)
    response = web.post(f"/staff/people/{world.elder.id}/roles", {"role": "volunteer"}, csrf=False)
    assert response.status_code == 400
    assert "volunteer" not in db.session.get(User, world.elder.id).roles


def test_staff_give_a_role_and_are_sent_back_to_the_person(web, auth, world):
    auth.login(world.staff)
    response = web.post(f"/staff/people/{world.elder.id}/roles", {"role": "officer", "department": "城管"})
    assert response.status_code == 303
    assert response.headers["Location"].endswith(f"/staff/people/{world.elder.id}#roles")
    db.session.expire_all()
    assert "officer" in db.session.get(User, world.elder.id).roles


@pytest.mark.parametrize("who, offered", [("staff", False), ("admin", True)])
def test_the_role_form_offers_street_staff_and_admin_only_to_an_admin(client, auth, world, who, offered):
    """The form asks the policy: community staff are not offered the roles the grant would refuse them (403)."""
    auth.login(getattr(world, who))
    page = client.get(f"/staff/people/{world.elder.id}").get_data(as_text=True)
    choices = set(re.findall(r'<option[^>]*value="([a-z_]+)"', page))
    assert {"volunteer", "officer"} <= choices
    assert ("street_staff" in choices, "admin" in choices) == (offered, offered)


def test_an_officer_without_department_gets_422_in_chinese(web, auth, world):
    auth.login(world.staff)
    response = web.post(f"/staff/people/{world.elder.id}/roles", {"role": "officer"})
    assert response.status_code == 422
    assert "部门" in response.get_data(as_text=True)
    db.session.expire_all()
    assert "officer" not in db.session.get(User, world.elder.id).roles


def test_removing_ones_own_staff_role_is_refused_with_the_page(web, auth, world):
    auth.login(world.staff)
    response = web.post(f"/staff/people/{world.staff.id}/roles/staff/revoke")
    assert response.status_code == 403
    assert 'role="alert"' in response.get_data(as_text=True)
    db.session.expire_all()
    assert "staff" in db.session.get(User, world.staff.id).roles


def test_link_a_carer_and_a_wrong_phone(web, auth, world):
    auth.login(world.staff)
    wrong = web.post(f"/staff/people/{world.elder.id}/carers", {"carer": world.outsider.phone})
    assert wrong.status_code == 422
    assert "本社区" in wrong.get_data(as_text=True)
    done = web.post(f"/staff/people/{world.elder.id}/carers", {"carer": world.resident.phone, "relation": "女儿"})
    assert done.status_code == 303
    page = web.get(f"/staff/people/{world.elder.id}").get_data(as_text=True)
    assert "王美玲" in page and "女儿" in page


def test_register_a_resident_then_see_her_page(web, auth, world):
    auth.login(world.staff)
    response = web.post("/staff/people/new", {"name": "林阿婆", "birth_date": "1938-05-06", "building": "",
                                              "unit": "102室", "needs_care": "y"})
    assert response.status_code == 303
    resident = db.session.scalar(sa.select(User).where(User.name == "林阿婆"))
    assert response.headers["Location"].endswith(f"/staff/people/{resident.id}")
    assert resident.needs_care and resident.phone is None and resident.birth_date == date(1938, 5, 6)
    page = web.get(f"/staff/people/{resident.id}").get_data(as_text=True)
    assert "林阿婆" in page and f"for_user={resident.id}" in page


@pytest.mark.parametrize("data", [{"name": ""}, {"name": "林阿婆", "birth_date": "not-a-date"},
                                  {"name": "林阿婆", "birth_date": "2999-01-01"}, {"name": "林阿婆", "building": "999"}])
def test_bad_registrations_get_422_and_change_nothing(web, auth, world, data):
    auth.login(world.staff)
    before = snapshot()
    response = web.post("/staff/people/new", data)
    assert response.status_code == 422
    assert 'class="error-text"' in response.get_data(as_text=True) or "notice-error" in response.get_data(as_text=True)
    assert snapshot() == before


def test_edit_a_resident(web, auth, world):
    auth.login(world.staff)
    response = web.post(f"/staff/people/{world.elder.id}/edit", {"name": "郑长华", "birth_date": "1941-03-02",
                                                                  "building": "", "unit": "201室"})
    assert response.status_code == 303
    db.session.expire_all()
    elder = db.session.get(User, world.elder.id)
    assert (elder.unit, elder.needs_care, elder.building_id) == ("201室", False, None)


def test_people_search_answers_htmx_with_the_list_only(htmx_client, auth, world):
    auth.login(world.staff)
    response = htmx_client.get("/staff/people?q=郑")
    page = response.get_data(as_text=True)
    assert response.status_code == 200 and page.lstrip().startswith('<section id="people-list"')
    assert "郑长华" in page and "<html" not in page


def test_the_queue_reloads_as_a_fragment(htmx_client, auth, world):
    auth.login(world.staff)
    response = htmx_client.get("/staff/")
    page = response.get_data(as_text=True)
    assert page.lstrip().startswith('<section id="work-queue"') and "<html" not in page
    assert 'id="queue-status"' in page and 'data-count="1"' in page
    assert "郑长华" in page  # needs care and has no carer
    assert "HX-Request" in response.headers["Vary"]


def test_the_full_queue_page_and_the_nav_count(client, auth, world):
    auth.login(world.staff)
    page = client.get("/staff/").get_data(as_text=True)
    assert "<html" in page and 'data-count="1"' in page
    assert re.search(r'<span id="staff-queue-count" class="badge" title="等您处理"[^>]*>1</span>', page)
    home = client.get("/").get_data(as_text=True)
    assert 'id="staff-queue-count"' in home


def test_residents_do_not_get_the_count(client, auth, world):
    auth.login(world.resident)
    assert "staff-queue-count" not in client.get("/").get_data(as_text=True)


def test_audit_page_and_csv(web, auth, world):
    auth.login(world.staff)
    web.post(f"/staff/people/{world.elder.id}/carers", {"carer": world.resident.phone, "relation": "女儿"})
    page = web.get(f"/staff/audit?person={world.elder.id}").get_data(as_text=True)
    assert "已关联照顾人" in page and "郑长华" in page
    response = web.get("/staff/audit?format=csv&action=carer.linked")
    assert response.mimetype == "text/csv" and "attachment" in response.headers["Content-Disposition"]
    text = response.get_data().decode("utf-8")
    assert text.startswith("\ufeff") and text.count("carer.linked") == 1
    workbook = load_workbook(BytesIO(web.get("/staff/audit?format=xlsx&action=carer.linked").get_data()))
    sheet = workbook.worksheets[0]
    assert sheet.freeze_panes == "A2" and sheet["A1"].value == "时间" and sheet.max_row == 2
    assert sheet["E2"].value == "carer.linked"


def test_an_inverted_date_range_gets_422(client, auth, world):
    auth.login(world.staff)
    response = client.get("/staff/audit?start=2026-03-05&end=2026-03-01")
    assert response.status_code == 422


@pytest.mark.parametrize("query", ["month=2026-13", "month=abc", "month=1999-01"])
def test_a_bad_month_gets_422(client, auth, world, query):
    auth.login(world.staff)
    assert client.get(f"/staff/reports/monthly?{query}").status_code == 422


def test_a_bad_month_on_the_district_view_gets_422(client, auth, world):
    auth.login(world.admin)
    assert client.get("/staff/district?month=2026-00").status_code == 422


def test_no_staff_route_edits_or_deletes_the_audit_log(app):
    rules = [rule for rule in app.url_map.iter_rules() if rule.endpoint.startswith("staff.")]
    assert rules
    for rule in rules:
        assert not ({"PUT", "PATCH", "DELETE"} & rule.methods), rule.rule
        if "POST" in rule.methods:
            assert "audit" not in rule.rule, rule.rule


def test_the_console_speaks_english_too(client, auth, world):
    auth.login(world.staff)
    client.get("/lang/en")
    assert "1 thing waiting" in client.get("/staff/").get_data(as_text=True)
    report = client.get("/staff/reports/monthly?month=2026-03").get_data(as_text=True)
    assert "Monthly report" in report and "March 2026" in report
    assert "Registered residents" in report
