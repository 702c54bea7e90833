"""The HTTP contract: 303 without htmx, the fragment with htmx, 422 on bad input, 409 when taken, 403/404 for others."""
import io
import re

import pytest
import sqlalchemy as sa
from PIL import Image

from neighbors.extensions import db
from neighbors.mutualaid import services
from neighbors.mutualaid.models import HelpRequest, Status
from tests.factories import make_user


def new_request(web, skills, **extra):
    data = {"skill": str(skills["水电维修"].id), "title": "厨房水龙头漏水", "description": "一直滴水",
            "address": "镇海路12号2单元301室", **extra}
    return web.post("/aid/requests/new", data)


def request_id(response) -> int:
    match = re.fullmatch(r".*/aid/requests/(\d+)", response.headers["Location"])
    assert match, response.headers["Location"]
    return int(match.group(1))


def jpeg() -> io.BytesIO:
    buffer = io.BytesIO()
    Image.new("RGB", (40, 30), (200, 30, 30)).save(buffer, format="JPEG")
    buffer.seek(0)
    return buffer


@pytest.mark.parametrize("path", ["/aid/", "/aid/credits", "/aid/requests/new", "/aid/volunteer", "/aid/offers/new",
                                  "/aid/manage", "/aid/manage/settings"])
def test_visitors_are_sent_to_log_in(client, app, path):
    response = client.get(path)
    assert response.status_code == 302 and "/auth/login" in response.headers["Location"]


@pytest.mark.parametrize("path", ["/aid/manage", "/aid/manage/volunteers", "/aid/manage/settings",
                                  "/aid/manage/ledger"])
def test_staff_pages_are_refused_to_residents(auth, web, resident, path):
    auth.login(resident)
    assert web.get(path).status_code == 403


def test_board_and_pages_render_for_a_resident(auth, web, resident, skills):
    auth.login(resident)
    for path in ["/aid/", "/aid/requests/new", "/aid/credits", "/aid/volunteer"]:
        response = web.get(path)
        assert response.status_code == 200, path
    page = web.get("/aid/requests/new").get_data(as_text=True)
    assert "镇海路12号2单元301室" in page and "水电维修" in page


def test_a_resident_asks_for_help_and_gets_303_to_the_request(auth, web, resident, skills):
    auth.login(resident)
    response = new_request(web, skills, for_user=str(resident.id))
    assert response.status_code == 303
    page = web.get(response.headers["Location"]).get_data(as_text=True)
    assert "厨房水龙头漏水" in page and 'data-testid="timeline"' in page


def test_skill_may_be_given_by_name(auth, web, resident, skills):
    auth.login(resident)
    response = web.post("/aid/requests/new", {"skill": "水电维修", "title": "客厅插座没电", "description": "",
                                              "address": "镇海路12号"})
    assert response.status_code == 303


@pytest.mark.parametrize("change", [{"title": ""}, {"skill": "999"}, {"address": " " * 3, "title": "x"},
                                    {"when": "window"}, {"when": "window", "day": "not-a-date"}])
def test_invalid_requests_are_422_and_change_nothing(auth, web, resident, skills, change):
    auth.login(resident)
    response = new_request(web, skills, **change)
    assert response.status_code == 422
    assert "icon-alert" in response.get_data(as_text=True)
    assert db.session.scalar(sa.select(sa.func.count(HelpRequest.id))) == 0


def test_a_request_without_csrf_is_refused(web, auth, resident, skills):
    auth.login(resident)
    response = web.post("/aid/requests/new", {"skill": "水电维修", "title": "漏水", "address": "x"}, csrf=False)
    assert response.status_code == 400
    assert db.session.scalar(sa.select(sa.func.count(HelpRequest.id))) == 0


def test_a_photo_is_stored_and_served_only_to_those_who_may_see_it(auth, web, client, resident, volunteer, skills,
                                                                   community):
    auth.login(resident)
    response = web.post("/aid/requests/new", {"skill": "水电维修", "title": "水管漏水", "address": "镇海路12号",
                                              "photo": (jpeg(), "leak.jpg")}, content_type="multipart/form-data")
    assert response.status_code == 303
    photo_url = response.headers["Location"] + "/photo"
    assert web.get(photo_url).mimetype == "image/jpeg"
    neighbour = make_user(community, name="路人甲")
    auth.logout()
    auth.login(neighbour)
    assert web.get(photo_url).status_code == 404
    assert web.get(response.headers["Location"]).status_code == 404


def test_a_bad_photo_is_422(auth, web, resident, skills):
    auth.login(resident)
    response = web.post("/aid/requests/new", {"skill": "水电维修", "title": "水管漏水", "address": "镇海路12号",
                                              "photo": (io.BytesIO(b"not an image"), "x.jpg")},
                        content_type="multipart/form-data")
    assert response.status_code == 422
    assert db.session.scalar(sa.select(sa.func.count(HelpRequest.id))) == 0


def test_a_daughter_asks_for_her_mother(auth, web, daughter, elder, skills):
    auth.login(daughter)
    board = web.get("/aid/").get_data(as_text=True)
    assert elder.name in board
    form = web.get(f"/aid/requests/new?for_user={elder.id}").get_data(as_text=True)
    assert elder.address in form
    response = new_request(web, skills, for_user=str(elder.id))
    assert response.status_code == 303
    request = db.session.get(HelpRequest, request_id(response))
    assert request.requester_id == elder.id and request.created_by_id == daughter.id


def test_acting_for_a_stranger_is_refused(auth, web, resident, elder, skills):
    auth.login(resident)
    response = new_request(web, skills, for_user=str(elder.id))
    assert response.status_code == 403
    assert db.session.scalar(sa.select(sa.func.count(HelpRequest.id))) == 0


def test_accept_done_confirm_through_http(auth, web, resident, volunteer, skills):
    auth.login(resident)
    rid = request_id(new_request(web, skills))
    auth.logout()
    auth.login(volunteer)
    assert web.post(f"/aid/requests/{rid}/accept").status_code == 303
    bad = web.post(f"/aid/requests/{rid}/done", {"minutes": "很久"})
    assert bad.status_code == 422 and "icon-alert" in bad.get_data(as_text=True)
    assert web.post(f"/aid/requests/{rid}/done", {"minutes": "90"}).status_code == 303
    auth.logout()
    auth.login(resident)
    assert web.post(f"/aid/requests/{rid}/confirm", {"rating": "9", "comment": ""}).status_code == 422
    response = web.post(f"/aid/requests/{rid}/confirm", {"rating": "5", "comment": "谢谢黄师傅"})
    assert response.status_code == 303
    again = web.post(f"/aid/requests/{rid}/confirm", {"rating": "5", "comment": "谢谢黄师傅"})
    assert again.status_code == 409
    credits = web.get("/aid/credits").get_data(as_text=True)
    assert 'data-testid="balance" data-minutes="210"' in credits
    assert services.balance_minutes(volunteer.community_id, volunteer.id) == 390


def test_a_taken_request_is_409_for_the_second_volunteer(auth, web, resident, volunteer, volunteer2, skills):
    auth.login(resident)
    rid = request_id(new_request(web, skills))
    auth.logout()
    auth.login(volunteer)
    web.post(f"/aid/requests/{rid}/accept")
    auth.logout()
    auth.login(volunteer2)
    response = web.post(f"/aid/requests/{rid}/accept")
    assert response.status_code == 409
    assert "icon-alert" in response.get_data(as_text=True)


def test_residents_cannot_accept(auth, web, resident, community, skills):
    auth.login(resident)
    rid = request_id(new_request(web, skills))
    other = make_user(community, name="郭宝珠")
    auth.logout()
    auth.login(other)
    assert web.post(f"/aid/requests/{rid}/accept").status_code == 403
    unverified = make_user(community, "volunteer", name="林火旺")
    auth.logout()
    auth.login(unverified)
    assert web.post(f"/aid/requests/{rid}/accept").status_code == 403
    assert db.session.get(HelpRequest, rid).status == Status.OPEN


def test_htmx_gets_the_panel_fragment_and_a_credits_event(auth, htmx_client, web, resident, volunteer, skills):
    auth.login(resident)
    rid = request_id(new_request(web, skills))
    auth.logout()
    auth.login(volunteer)
    response = htmx_client.post(f"/aid/requests/{rid}/accept")
    body = response.get_data(as_text=True)
    assert response.status_code == 200
    assert body.lstrip().startswith('<section id="request-panel"') and "<html" not in body
    assert "HX-Request" in response.headers.get("Vary", "")
    refused = htmx_client.post(f"/aid/requests/{rid}/done", {"minutes": "0"})
    assert refused.status_code == 422 and 'id="request-panel"' in refused.get_data(as_text=True)
    htmx_client.post(f"/aid/requests/{rid}/done", {"minutes": "60"})
    auth.logout()
    auth.login(resident)
    confirmed = htmx_client.post(f"/aid/requests/{rid}/confirm", {"rating": "4", "comment": ""})
    assert confirmed.status_code == 200 and confirmed.headers["HX-Trigger"] == "creditsChanged"
    balance = htmx_client.get("/aid/credits?part=balance").get_data(as_text=True)
    assert 'data-minutes="240"' in balance and "<html" not in balance


def test_boosted_requests_get_the_whole_page(auth, web, client, resident, skills):
    auth.login(resident)
    rid = request_id(new_request(web, skills))
    response = client.get(f"/aid/requests/{rid}", headers={"HX-Request": "true", "HX-Boosted": "true"})
    assert "<html" in response.get_data(as_text=True)


def test_other_communities_see_404(auth, web, resident, other_community, skills):
    auth.login(resident)
    rid = request_id(new_request(web, skills))
    auth.logout()
    outsider = make_user(other_community, "volunteer", "staff", verified=True)
    auth.login(outsider)
    assert web.get(f"/aid/requests/{rid}").status_code == 404
    assert web.post(f"/aid/requests/{rid}/accept").status_code == 404


def test_edit_and_cancel_while_open(auth, web, resident, skills):
    auth.login(resident)
    rid = request_id(new_request(web, skills))
    assert web.get(f"/aid/requests/{rid}/edit").status_code == 200
    response = web.post(f"/aid/requests/{rid}/edit", {"skill": str(skills["家电维修"].id), "title": "洗衣机不脱水",
                                                      "address": "镇海路12号", "when": "asap"})
    assert response.status_code == 303
    assert db.session.get(HelpRequest, rid).title == "洗衣机不脱水"
    assert web.post(f"/aid/requests/{rid}/cancel", {"reason": "已经修好了"}).status_code == 303
    assert db.session.get(HelpRequest, rid).status == Status.CANCELLED
    assert web.post(f"/aid/requests/{rid}/cancel", {"reason": ""}).status_code == 409


def test_volunteer_profile_and_verification(auth, web, resident, staff, skills):
    auth.login(resident)
    response = web.post("/aid/volunteer", {"skills": [str(skills["理发"].id)], "availability": ["5-am", "6-pm"],
                                           "intro": "会理发"})
    assert response.status_code == 303
    assert web.post("/aid/volunteer", {"intro": "没有技能"}).status_code == 422
    auth.logout()
    auth.login(staff)
    page = web.get("/aid/manage/volunteers").get_data(as_text=True)
    assert resident.name in page
    assert web.post(f"/aid/manage/volunteers/{resident.id}/verify", {"verified": "1"}).status_code == 303
    db.session.expire_all()
    assert db.session.get(type(resident), resident.id).is_verified_volunteer
    profile = web.get(f"/aid/volunteers/{resident.id}").get_data(as_text=True)
    assert "理发" in profile and 'data-testid="trust"' in profile


def test_gift_form(auth, web, resident, daughter):
    auth.login(resident)
    web.get("/aid/credits")
    assert web.post("/aid/credits/gift", {"to": "", "phone": daughter.phone, "minutes": "abc"}).status_code == 422
    assert web.post("/aid/credits/gift", {"to": "", "phone": daughter.phone, "minutes": "5000"}).status_code == 409
    assert web.post("/aid/credits/gift", {"to": "", "phone": daughter.phone, "minutes": "60"}).status_code == 303
    assert services.balance_minutes(resident.community_id, resident.id) == 240


def test_staff_settings_skills_grant_and_correct(auth, web, staff, resident, community):
    auth.login(staff)
    assert web.get("/aid/manage/settings").status_code == 200
    bad = web.post("/aid/manage/settings", {"starting_grant_hours": "五", "floor_hours": "-10",
                                            "ceiling_hours": "1500", "pool_paid_age": "70"})
    assert bad.status_code == 422
    assert web.post("/aid/manage/settings", {"starting_grant_hours": "3", "floor_hours": "-10",
                                             "ceiling_hours": "1500", "pool_paid_age": "75"}).status_code == 303
    assert services.rules(community.id).pool_paid_age == 75
    assert web.post("/aid/manage/skills", {"name": "助浴"}).status_code == 303
    assert web.post("/aid/manage/skills", {"name": "助浴"}).status_code == 422
    assert web.post("/aid/manage/grant", {"phone": resident.phone, "minutes": "60", "reason": ""}).status_code == 422
    assert web.post("/aid/manage/grant", {"phone": resident.phone, "minutes": "60",
                                          "reason": "参加社区活动"}).status_code == 303
    assert services.balance_minutes(community.id, resident.id) == 180 + 60
    page = web.get("/aid/manage/ledger").get_data(as_text=True)
    assert "参加社区活动" in page and 'data-testid="pool-balance"' in page
    assert web.get("/aid/manage").status_code == 200


def test_offer_and_ask_for_this(auth, web, volunteer, resident, skills):
    auth.login(volunteer)
    assert web.post("/aid/offers/new", {"skill": str(skills["理发"].id), "title": ""}).status_code == 422
    assert web.post("/aid/offers/new", {"skill": str(skills["水电维修"].id), "title": "周六上午义务检查水电",
                                        "description": ""}).status_code == 303
    offer = services.offers(volunteer.community_id)[0]
    auth.logout()
    auth.login(resident)
    assert "周六上午义务检查水电" in web.get("/aid/").get_data(as_text=True)
    form = web.get(f"/aid/requests/new?offer={offer.id}").get_data(as_text=True)
    assert "周六上午义务检查水电" in form and f'value="{volunteer.id}"' in form
    response = web.post("/aid/requests/new", {"skill": str(skills["水电维修"].id), "title": "周六上午义务检查水电",
                                              "address": "镇海路12号", "invited": str(volunteer.id),
                                              "offer": str(offer.id)})
    assert response.status_code == 303
    assert db.session.get(HelpRequest, request_id(response)).invited_id == volunteer.id


def test_staff_ask_for_a_resident_without_a_phone(auth, web, staff, elder, skills):
    auth.login(staff)
    form = web.get(f"/aid/requests/new?for_user={elder.id}").get_data(as_text=True)
    assert elder.address in form and elder.name in form
    response = new_request(web, skills, for_user=str(elder.id))
    assert response.status_code == 303
    request = db.session.get(HelpRequest, request_id(response))
    assert request.requester_id == elder.id and request.created_by_id == staff.id


def test_once_taken_the_volunteer_sees_the_family_phone_and_the_family_sees_the_volunteers(
        auth, web, daughter, elder, volunteer, volunteer2, make_request, now):
    """The elder has no phone: the volunteer is given the daughter's, who asked; nobody else sees either."""
    help_request = make_request(actor=daughter, for_user=elder)
    services.accept(volunteer, help_request.id, now)
    page = f"/aid/requests/{help_request.id}"
    auth.login(volunteer)
    assert f'tel:{daughter.phone}' in web.get(page).get_data(as_text=True)
    auth.logout()
    auth.login(daughter)
    seen = web.get(page).get_data(as_text=True)
    assert f'tel:{volunteer.phone}' in seen and f'tel:{daughter.phone}' not in seen
    auth.logout()
    auth.login(volunteer2)
    assert "tel:" not in web.get(page).get_data(as_text=True)
