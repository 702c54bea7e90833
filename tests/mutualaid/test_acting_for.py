"""`POST /aid/requests/new` with `for_user`: staff for a resident, a carer for her elder, and refusals."""
from datetime import timedelta

import sqlalchemy as sa

from neighbors.clock import to_local, utcnow

from neighbors.extensions import db
from neighbors.mutualaid.models import HelpRequest
from tests.factories import make_user


def ask(web, skills, for_user, **extra):
    return web.post("/aid/requests/new", {
        "skill": str(skills["水电维修"].id), "title": "卧室灯不亮", "description": "开关按了没反应",
        "address": "", "when": "asap", "for_user": str(for_user.id), **extra})


def stored():
    return list(db.session.scalars(sa.select(HelpRequest)))


def test_staff_ask_for_a_resident_through_the_form(auth, web, staff, resident, skills):
    auth.login(staff)
    form = web.get(f"/aid/requests/new?for_user={resident.id}").get_data(as_text=True)
    assert resident.address in form
    response = ask(web, skills, resident)
    assert response.status_code == 303
    [request] = stored()
    assert (request.requester_id, request.created_by_id) == (resident.id, staff.id)
    assert request.address == resident.address  # an empty address means the resident's home
    page = web.get(response.headers["Location"]).get_data(as_text=True)
    assert "卧室灯不亮" in page and staff.name in page and resident.name in page


def test_a_daughter_asks_for_her_mother_with_two_times(auth, web, daughter, elder, skills):
    day = (to_local(utcnow()).date() + timedelta(days=3)).isoformat()
    auth.login(daughter)
    response = ask(web, skills, elder, when="window", day=day, starts="09:00", ends="10:00",
                   day_2=day, starts_2="15:00", ends_2="16:00")
    assert response.status_code == 303
    [request] = stored()
    assert (request.requester_id, request.created_by_id) == (elder.id, daughter.id)
    assert len(request.windows) == 2


def test_a_resident_cannot_ask_for_someone_they_do_not_care_for(auth, web, resident, elder, skills):
    auth.login(resident)
    response = ask(web, skills, elder)
    assert response.status_code == 403
    assert "您不能代这个人办理。" in response.get_data(as_text=True)
    assert stored() == []


def test_staff_of_another_community_cannot_ask_for_a_resident_here(auth, web, other_community, resident, skills):
    outsider = make_user(other_community, "staff", name="林志明")
    auth.login(outsider)
    response = ask(web, skills, resident)
    assert response.status_code == 403
    assert "您不能代这个人办理。" in response.get_data(as_text=True)
    assert stored() == []


def test_an_unknown_person_is_refused_with_a_message(auth, web, staff, skills):
    auth.login(staff)
    response = web.post("/aid/requests/new", {
        "skill": str(skills["水电维修"].id), "title": "卧室灯不亮", "description": "", "address": "镇海路12号",
        "when": "asap", "for_user": "987654"})
    assert response.status_code == 404
    assert stored() == []
