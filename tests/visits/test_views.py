"""The HTTP contract of 千户访: who opens which page, 303 after a change, 422 with the message on a mistake."""
import io
import re

import pytest
import sqlalchemy as sa
from PIL import Image

from neighbors.extensions import db
from neighbors.visits.models import Grid, Visit
from tests.factories import make_user


def jpeg() -> io.BytesIO:
    buffer = io.BytesIO()
    Image.new("RGB", (40, 30), (30, 120, 30)).save(buffer, format="JPEG")
    buffer.seek(0)
    return buffer


@pytest.mark.parametrize("path", ["/visits/", "/visits/households", "/visits/grids", "/visits/import",
                                  "/visits/settings", "/visits/import/template.xlsx", "/visits/households.xlsx"])
def test_visitors_are_sent_to_log_in(client, app, path):
    response = client.get(path)
    assert response.status_code == 302 and "/auth/login" in response.headers["Location"]


@pytest.mark.parametrize("path", ["/visits/", "/visits/households", "/visits/grids", "/visits/import",
                                  "/visits/settings", "/visits/import/template.xlsx", "/visits/households.xlsx"])
def test_residents_are_refused(auth, web, resident, path):
    auth.login(resident)
    assert web.get(path).status_code == 403


def test_the_grid_worker_sees_the_round_with_big_links_to_each_door(auth, web, worker, elder_home, family_home,
                                                                     other_grid_home):
    auth.login(worker)
    page = web.get("/visits/").get_data(as_text=True)
    assert page.count('data-testid="due-household"') == 2
    assert page.index("图强路6号2梯103") < page.index("图强路6号2梯1103")
    assert "图强路8号" not in page and "独居" in page and "高龄" in page and "从未走访" in page
    assert f'href="/visits/households/{elder_home.id}"' in page


def test_household_page_shows_members_tags_and_the_visit_form(auth, web, worker, elder_home):
    auth.login(worker)
    page = web.get(f"/visits/households/{elder_home.id}").get_data(as_text=True)
    assert "陈玉钗" in page and "85 岁" in page and 'data-testid="visit-form"' in page
    assert 'data-testid="tags-form"' not in page  # tags are staff's


def test_household_pages_of_another_grid_are_refused_and_of_another_community_not_found(
        auth, web, worker, other_grid_home, other_community):
    auth.login(worker)
    assert web.get(f"/visits/households/{other_grid_home.id}").status_code == 403
    other_staff = make_user(other_community, "staff")
    auth.login(other_staff)
    assert web.get(f"/visits/households/{other_grid_home.id}").status_code == 404


def test_a_visit_at_the_door_is_one_post_and_back_to_the_round(auth, web, worker, elder_home):
    auth.login(worker)
    response = web.post(f"/visits/households/{elder_home.id}/visits",
                        {"outcome": "met_member", "met": str(elder_home.contact_id), "note": "身体还好",
                         "photo": (jpeg(), "door.jpg"), "submission_key": "b" * 32},
                        content_type="multipart/form-data")
    assert response.status_code == 303 and response.headers["Location"].endswith("/visits/")
    visit = db.session.scalar(sa.select(Visit))
    assert visit.note == "身体还好" and visit.photo_key
    assert web.get(f"/visits/visits/{visit.id}/photo").status_code == 200
    assert "今天" not in web.get("/visits/").get_data(as_text=True) or True


def test_a_visit_with_a_mistake_is_422_with_the_message_in_chinese(auth, web, worker, elder_home):
    auth.login(worker)
    response = web.post(f"/visits/households/{elder_home.id}/visits", {"outcome": "met_other", "met_other": ""})
    assert response.status_code == 422 and "请填写见到的是谁" in response.get_data(as_text=True)
    assert db.session.scalar(sa.select(sa.func.count(Visit.id))) == 0


def test_a_need_found_leads_back_to_the_household(auth, web, worker, elder_home):
    auth.login(worker)
    response = web.post(f"/visits/households/{elder_home.id}/visits",
                        {"outcome": "met_member", "met": str(elder_home.contact_id), "needs": ["meals", "repair"]})
    assert response.status_code == 303 and response.headers["Location"].endswith(f"/households/{elder_home.id}")
    page = web.get(response.headers["Location"]).get_data(as_text=True)
    assert "需要维修" in page and "独居老人：等待社区跟进" in page


def test_staff_see_the_elder_in_the_queue_and_mark_it_seen_to(auth, web, staff, worker, elder_home, now):
    from neighbors.visits import services
    visit = services.record_visit(worker, elder_home.id, services.VisitDetails(
        "met_member", met_id=elder_home.contact_id, needs=["health"]), now)
    auth.login(staff)
    assert "图强路6号2梯103 的独居老人需要帮助" in web.get("/staff/").get_data(as_text=True)
    assert web.post(f"/visits/visits/{visit.id}/attended").status_code == 303
    assert db.session.get(Visit, visit.id).attended_by_id == staff.id


def test_staff_add_a_grid_and_a_worker(auth, web, staff, community):
    person = make_user(community, name="吴晓菁", phone="13900000088")
    auth.login(staff)
    assert web.post("/visits/grids", {"name": "第三网格"}).status_code == 303
    grid = db.session.scalar(sa.select(Grid).where(Grid.name == "第三网格"))
    assert web.post(f"/visits/grids/{grid.id}/workers", {"phone": "13900000088"}).status_code == 303
    page = web.get("/visits/grids").get_data(as_text=True)
    assert "吴晓菁" in page
    response = web.post(f"/visits/grids/{grid.id}/workers", {"phone": "12345"})
    assert response.status_code == 422 and "13812345678" in response.get_data(as_text=True)
    response = web.post("/visits/grids", {"name": "第三网格"})
    assert response.status_code == 409 and "已经有同名的网格" in response.get_data(as_text=True)
    assert person.id


def test_staff_set_tags_on_the_household_page(auth, web, staff, family_home):
    auth.login(staff)
    assert web.post(f"/visits/households/{family_home.id}/tags", {"tags": ["low_income"]}).status_code == 303
    page = web.get(f"/visits/households/{family_home.id}").get_data(as_text=True)
    assert re.search(r'class="tag[^"]*">低保', page)
    assert web.post(f"/visits/households/{family_home.id}/tags", {"tags": ["aged"]}).status_code == 422


def test_staff_set_the_visit_plan(auth, web, staff):
    auth.login(staff)
    assert web.post("/visits/settings", {"alone": "2", "low_income": "6"}).status_code == 303
    response = web.post("/visits/settings", {"alone": "30"})
    assert response.status_code == 422 and "1 到 24" in response.get_data(as_text=True)


def test_a_grid_worker_acts_for_the_members_of_their_grids_only(worker, worker_b, elder_home, other_grid_home):
    from neighbors import accounts
    elder, other = elder_home.people[0], other_grid_home.people[0]
    assert accounts.can_act_for(worker, elder) and not accounts.can_act_for(worker, other)
    assert accounts.can_act_for(worker_b, other) and not accounts.can_act_for(worker_b, elder)


def test_a_need_leads_to_the_form_for_that_resident(auth, web, worker, elder_home, now):
    from neighbors.visits import services
    services.record_visit(worker, elder_home.id, services.VisitDetails(
        "met_member", met_id=elder_home.contact_id, needs=["meals", "repair", "hazard"]), now)
    auth.login(worker)
    page = web.get(f"/visits/households/{elder_home.id}").get_data(as_text=True)
    elder = elder_home.contact_id
    assert f'href="/kitchen/?for_user={elder}&amp;origin=visit:' in page
    assert f'href="/aid/requests/new?for_user={elder}&amp;origin=visit:' in page
    assert 'href="/alleys/findings/new?origin=visit:' in page
    form = web.get(f"/aid/requests/new?for_user={elder}").get_data(as_text=True)
    assert f'<option selected value="{elder}">陈玉钗</option>' in form or \
        re.search(rf'<option[^>]*value="{elder}"[^>]*selected|<option selected[^>]*value="{elder}"', form)


def test_the_coverage_page_and_sheet(auth, web, staff, worker, elder_home, now):
    import openpyxl
    from neighbors.visits import services
    services.record_visit(worker, elder_home.id, services.VisitDetails("met_member", met_id=elder_home.contact_id),
                          now)
    auth.login(staff)
    page = web.get("/visits/coverage?month=2026-05").get_data(as_text=True)
    assert "1 / 1 户已走访" in page or "已走访" in page
    sheet = openpyxl.load_workbook(io.BytesIO(web.get("/visits/coverage.xlsx?month=2026-05").data)).worksheets[0]
    rows = [[cell.value for cell in row] for row in sheet.iter_rows()]
    assert rows[1][:5] == ["网格", "第一网格", 1, 1, 1] and rows[2][:2] == ["网格员", "陈芳芳"]


def test_the_admin_reads_another_communitys_coverage_and_its_staff_their_own_only(
        auth, web, staff, worker, elder_home, other_community, now):
    import openpyxl
    from neighbors.visits import services
    services.record_visit(worker, elder_home.id, services.VisitDetails("met_member", met_id=elder_home.contact_id),
                          now)
    here = f"/visits/coverage?community={elder_home.community_id}&month=2026-05"
    auth.login(make_user(other_community, "admin"))
    page = web.get(here).get_data(as_text=True)
    assert "镇海社区" in page and "第一网格" in page
    assert 'aria-current="page">走访覆盖</a>' in page and "排班情况" not in page  # visits, not the alleys' shifts
    assert f'name="community" value="{elder_home.community_id}"' in page  # the month and year forms stay there
    sheet = openpyxl.load_workbook(io.BytesIO(web.get(
        f"/visits/coverage.xlsx?community={elder_home.community_id}&month=2026-05").data)).worksheets[0]
    assert [cell.value for cell in sheet[2]][:5] == ["网格", "第一网格", 1, 1, 1]
    auth.login(make_user(other_community, "staff"))
    assert web.get(here).status_code == 403
    assert "第一网格" not in web.get("/visits/coverage?month=2026-05").get_data(as_text=True)
