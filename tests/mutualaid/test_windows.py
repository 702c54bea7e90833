"""A request names several times that suit (周二下午 and 周四上午), or none (as soon as possible)."""
import re
from datetime import date, time, timedelta

import pytest
import sqlalchemy as sa

from neighbors.clock import to_local, utcnow
from neighbors.errors import InvalidInput
from neighbors.extensions import db
from neighbors.mutualaid import services
from neighbors.mutualaid.models import HelpRequest, RequestWindow
from tests.mutualaid.conftest import details

TUESDAY, WEDNESDAY, THURSDAY = date(2026, 5, 12), date(2026, 5, 13), date(2026, 5, 14)  # the week the clock starts in


def windows_of(request_id):
    return [(to_local(w.starts).strftime("%a %H:%M"), to_local(w.ends).strftime("%H:%M"))
            for w in db.session.scalars(sa.select(RequestWindow).where(RequestWindow.request_id == request_id)
                                        .order_by(RequestWindow.starts))]


# --- the rules ------------------------------------------------------------------------------

def test_several_windows_are_stored_in_order_with_their_span(resident, now, skills):
    request = services.create_request(resident, None, details(
        asap=False, day=THURSDAY, starts=time(8), ends=time(12),
        more_windows=[(TUESDAY, time(14), time(17)), (None, None, None)]), now)
    assert windows_of(request.id) == [("Tue 14:00", "17:00"), ("Thu 08:00", "12:00")]
    assert all(w.community_id == resident.community_id for w in request.windows)
    assert to_local(request.window_start).date() == TUESDAY and to_local(request.window_end).date() == THURSDAY
    assert not request.asap


def test_an_empty_first_row_is_ignored_when_another_is_given(resident, now, skills):
    request = services.create_request(resident, None, details(
        asap=False, more_windows=[(None, None, None), (WEDNESDAY, time(9), time(10))]), now)
    assert windows_of(request.id) == [("Wed 09:00", "10:00")]


def test_as_soon_as_possible_stores_no_window(resident, now, skills):
    request = services.create_request(resident, None, details(asap=True, day=TUESDAY, starts=time(9),
                                                              ends=time(10)), now)
    assert request.windows == [] and request.window_start is None and request.asap


@pytest.mark.parametrize("rows, field", [
    ([(TUESDAY, time(9), time(10)), (WEDNESDAY, time(11), time(10))], "ends_2"),
    ([(TUESDAY, time(9), time(10)), (WEDNESDAY, None, None)], "starts_2"),
    ([(TUESDAY, time(9), time(10)), (None, time(9), time(10))], "day_2"),
    ([(TUESDAY, time(9), time(10)), (None, None, None), (date(2026, 5, 4), time(9), time(10))], "day_3"),
    ([(TUESDAY, time(9), time(11)), (TUESDAY, time(10), time(12))], "day_2"),
    ([(None, None, None), (None, None, None)], "day"),
    ([(TUESDAY, time(9), time(10)), (WEDNESDAY, time(9), time(10)), (THURSDAY, time(9), time(10)),
      (date(2026, 5, 15), time(9), time(10))], "day"),
])
def test_each_window_is_checked_and_refused_on_its_own_row(resident, now, skills, rows, field):
    (day, starts, ends), *others = rows
    with pytest.raises(InvalidInput) as refused:
        services.create_request(resident, None, details(asap=False, day=day, starts=starts, ends=ends,
                                                        more_windows=others), now)
    assert refused.value.field == field
    assert db.session.scalar(sa.select(sa.func.count(HelpRequest.id))) == 0
    assert db.session.scalar(sa.select(sa.func.count(RequestWindow.id))) == 0


def test_editing_replaces_the_windows_and_may_keep_one_unchanged(resident, now, skills):
    request = services.create_request(resident, None, details(
        asap=False, day=TUESDAY, starts=time(14), ends=time(17), more_windows=[(THURSDAY, time(8), time(12))]), now)
    services.edit_request(resident, request.id, details(
        asap=False, day=TUESDAY, starts=time(14), ends=time(16), more_windows=[(WEDNESDAY, time(9), time(10))]), now)
    assert windows_of(request.id) == [("Tue 14:00", "16:00"), ("Wed 09:00", "10:00")]
    services.edit_request(resident, request.id, details(asap=True), now)
    assert windows_of(request.id) == []
    assert db.session.get(HelpRequest, request.id).window_start is None


def test_suggestions_look_at_every_window(resident, volunteer, volunteer2, now, skills):
    # 黄建国 is free Monday and Saturday mornings, 杨志强 Wednesday afternoons.
    tuesday_or_wednesday = services.create_request(resident, None, details(
        asap=False, day=TUESDAY, starts=time(9), ends=time(10), more_windows=[(WEDNESDAY, time(14), time(15))]), now)
    ranked = {s["user"].name: s["available"] for s in services.suggestions(tuesday_or_wednesday, now)}
    assert ranked == {"杨志强": True, "黄建国": False}
    monday_or_wednesday = services.create_request(resident, None, details(
        title="卫生间水管", asap=False, day=date(2026, 5, 18), starts=time(9), ends=time(10),
        more_windows=[(WEDNESDAY, time(14), time(15))]), now)
    assert all(s["available"] for s in services.suggestions(monday_or_wednesday, now))


def test_the_board_orders_by_the_earliest_window(resident, volunteer, now, skills):
    later = services.create_request(resident, None, details(title="水管", asap=False, day=THURSDAY, starts=time(9),
                                                            ends=time(10)), now)
    sooner = services.create_request(resident, None, details(
        title="漏水", asap=False, day=THURSDAY, starts=time(14), ends=time(15),
        more_windows=[(TUESDAY, time(9), time(10))]), now)
    assert [r.id for r in services.board(volunteer, now)] == [sooner.id, later.id]


# --- through the form -------------------------------------------------------------------------

def _days_ahead(days: int) -> str:
    return (to_local(utcnow()).date() + timedelta(days=days)).isoformat()


def _ask(web, skills, **extra):
    data = {"skill": str(skills["水电维修"].id), "title": "厨房水龙头漏水", "description": "一直滴水",
            "address": "镇海路12号2单元301室", "when": "window", **extra}
    return web.post("/aid/requests/new", data)


def test_two_windows_through_the_form_without_javascript(auth, web, resident, volunteer, skills):
    auth.login(resident)
    form = web.get("/aid/requests/new").get_data(as_text=True)
    assert all(f'name="{name}"' in form for name in ("day", "starts", "ends", "day_2", "ends_3"))
    response = _ask(web, skills, day=_days_ahead(2), starts="14:00", ends="17:00",
                    day_2=_days_ahead(4), starts_2="08:30", ends_2="11:00", day_3="", starts_3="", ends_3="")
    assert response.status_code == 303
    request_id = int(response.headers["Location"].rsplit("/", 1)[1])
    page = web.get(f"/aid/requests/{request_id}").get_data(as_text=True)
    shown = re.search(r'data-testid="windows">(.*?)</dd>', page, re.S).group(1)
    assert shown.count("<li>") == 2 and "14:00–17:00" in shown and "08:30–11:00" in shown
    # a phone may break the line after the day, never inside the time range
    assert '<span class="nowrap">14:00–17:00</span>' in shown
    auth.logout()
    auth.login(volunteer)
    board = re.sub(r"<[^>]+>", "", web.get("/aid/").get_data(as_text=True))  # the text a reader sees
    assert "14:00–17:00 / " in board and "08:30–11:00" in board


def test_a_bad_second_window_is_422_in_chinese_and_stores_nothing(auth, web, resident, skills):
    auth.login(resident)
    response = _ask(web, skills, day=_days_ahead(2), starts="14:00", ends="17:00",
                    day_2=_days_ahead(3), starts_2="11:00", ends_2="09:00")
    assert response.status_code == 422
    assert "结束时间要晚于开始时间。" in response.get_data(as_text=True)
    assert db.session.scalar(sa.select(sa.func.count(HelpRequest.id))) == 0


def test_a_past_window_is_422(auth, web, resident, skills):
    auth.login(resident)
    response = _ask(web, skills, day=_days_ahead(-1), starts="09:00", ends="10:00")
    assert response.status_code == 422
    assert "请选一个还没过去的时间。" in response.get_data(as_text=True)
    assert db.session.scalar(sa.select(sa.func.count(HelpRequest.id))) == 0


def test_edit_shows_every_window_and_saves_the_change(auth, web, resident, skills):
    auth.login(resident)
    response = _ask(web, skills, day=_days_ahead(2), starts="14:00", ends="17:00",
                    day_2=_days_ahead(4), starts_2="08:30", ends_2="11:00")
    request_id = int(response.headers["Location"].rsplit("/", 1)[1])
    form = web.get(f"/aid/requests/{request_id}/edit").get_data(as_text=True)
    assert f'value="{_days_ahead(4)}"' in form and 'value="08:30"' in form
    response = web.post(f"/aid/requests/{request_id}/edit", {
        "skill": str(skills["水电维修"].id), "title": "厨房水龙头漏水", "description": "", "address": "镇海路12号",
        "when": "window", "day": _days_ahead(2), "starts": "14:00", "ends": "17:00",
        "day_2": "", "starts_2": "", "ends_2": "", "day_3": _days_ahead(5), "starts_3": "19:00", "ends_3": "20:00"})
    assert response.status_code == 303
    request = db.session.get(HelpRequest, request_id)
    assert [to_local(w.starts).strftime("%H:%M") for w in request.windows] == ["14:00", "19:00"]
