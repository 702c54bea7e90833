"""Reading a page writes nothing: the skill list and a new member's credits are shown from defaults."""
import sqlalchemy as sa

from neighbors.extensions import db
from neighbors.mutualaid import services
from neighbors.mutualaid.models import (
    DEFAULT_SKILLS, AidSettings, CreditAccount, CreditTransaction, HelpRequest, LedgerEntry, Skill,
)


def counts() -> dict:
    return {model.__name__: db.session.scalar(sa.select(sa.func.count()).select_from(model))
            for model in (AidSettings, Skill, CreditAccount, CreditTransaction, LedgerEntry, HelpRequest)}


def test_the_request_form_shows_the_usual_skills_without_storing_them(community, resident, auth, web, now):
    auth.login(resident)
    before = counts()
    page = web.get("/aid/requests/new").get_data(as_text=True)
    assert counts() == before == dict.fromkeys(before, 0)
    for name in DEFAULT_SKILLS:
        assert f'value="{name}"' in page
    response = web.post("/aid/requests/new", {"skill": "水电维修", "title": "厨房水龙头漏水", "description": "",
                                              "address": "镇海路12号2单元301室", "when": "asap"})
    assert response.status_code == 303
    stored = services.skills_to_show(community.id)
    assert [s.name for s in stored] == DEFAULT_SKILLS and all(s.id for s in stored)
    request = db.session.scalar(sa.select(HelpRequest))
    assert request.skill.name == "水电维修"
    assert web.get("/aid/requests/new").status_code == 200
    assert counts()["Skill"] == len(DEFAULT_SKILLS)


def test_a_new_members_credits_show_the_starting_grant_without_opening_an_account(community, resident, auth, web):
    auth.login(resident)
    page = web.get("/aid/credits").get_data(as_text=True)
    assert counts()["CreditAccount"] == counts()["LedgerEntry"] == counts()["CreditTransaction"] == 0
    assert 'data-minutes="300"' in page and 'data-testid="pending-grant"' in page
    fragment = web.get("/aid/credits?part=balance", headers={"HX-Request": "true"}).get_data(as_text=True)
    assert 'data-minutes="300"' in fragment and 'data-testid="pending-grant"' in fragment
    assert counts()["CreditAccount"] == 0
    response = web.post("/aid/credits/gift", {"for_user": str(resident.id), "to": "pool", "minutes": "60",
                                              "phone": "", "note": ""})
    assert response.status_code == 303
    page = web.get("/aid/credits").get_data(as_text=True)
    assert 'data-minutes="240"' in page and 'data-testid="pending-grant"' not in page
    assert services.check_ledger(community.id) == []


def test_a_staff_settings_save_stores_the_skill_list(community, staff, now):
    assert counts()["Skill"] == 0
    services.update_settings(staff, community.id, starting_grant_hours=5, floor_hours=-10, ceiling_hours=1500,
                             pool_paid_age=70, now=now)
    assert sorted(s.name for s in services.skills_to_show(community.id)) == sorted(DEFAULT_SKILLS)
    assert counts()["Skill"] == len(DEFAULT_SKILLS)
