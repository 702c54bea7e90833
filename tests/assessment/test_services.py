"""The assessment's rules without HTTP: indicators, the year's standings from the modules' own figures (here the
registers', generated with known totals), publication and who sees what."""
from datetime import date, timedelta

import pytest
import sqlalchemy as sa

from neighbors.assessment import services
from neighbors.assessment.demo import WEIGHTS
from neighbors.assessment.models import IndicatorWeight, Result
from neighbors.errors import Conflict, InvalidInput, NotAllowed, NotFound
from neighbors.extensions import db
from neighbors.models import AuditEntry, Community, CommunityType, Role
from neighbors.registers.models import Entry
from tests.factories import make_community, make_user

YEAR = 2026
MEETINGS = {"镇海社区": 2, "中华社区": 4, "鹭江道社区": 6, "大同社区": 0}  # 大同 recorded nothing: no data


@pytest.fixture
def district(app, now):
    """Four old-town communities on two streets, and one new town; a year of meetings whose counts are known."""
    places = {name: make_community(name, street="中华街道" if name in ("镇海社区", "中华社区") else "鹭江街道")
              for name in MEETINGS}
    places["深田社区"] = make_community("深田社区", street="开元街道", kind=CommunityType.NEW_TOWN)
    admin = make_user(places["镇海社区"], Role.ADMIN, name="叶振国")
    for number, (name, count) in enumerate([*MEETINGS.items(), ("深田社区", 3)]):
        for n in range(count):
            day = date(YEAR, 1, 5) + timedelta(days=9 * n + number)
            db.session.add(Entry(community_id=places[name].id, kind="meeting", day=day, body="区民政局", minutes=60,
                                 staff_count=1, recorded_by_id=admin.id, recorded_at=now))
    db.session.flush()
    services.set_weights(admin, "registers.meetings", {"old_town": 70, "new_town": 100}, now)
    services.set_weights(admin, "registers.meeting_hours", {"old_town": 30}, now)
    return places, admin


def _named(standings):
    return {standing.community.name: standing for standing in standings}


def test_the_years_standings_from_a_year_of_generated_entries(district, now):
    found = _named(services.standings(YEAR, now))
    # fewer meetings is better: 2, 4, 6 meetings (and as many hours) -> 100, 50, 0 on both indicators
    assert {name: round(found[name].score, 6) for name in ("镇海社区", "中华社区", "鹭江道社区")} == \
        {"镇海社区": 100, "中华社区": 50, "鹭江道社区": 0}
    assert [found[name].rank for name in ("镇海社区", "中华社区", "鹭江道社区")] == [1, 2, 3]
    assert [(line.raw, line.weight, line.contribution) for line in found["中华社区"].lines] == [(4, 70, 35.0),
                                                                                              (4, 30, 15.0)]
    assert found["大同社区"].rank is None and found["大同社区"].missing == ["registers.meetings",
                                                                      "registers.meeting_hours"]
    assert (found["深田社区"].rank, found["深田社区"].ranked_in_type, found["深田社区"].lines[0].raw) == (1, 1, 3)


def test_weights_are_the_admins_and_checked(district, now):
    places, admin = district
    staff = make_user(places["镇海社区"], Role.STAFF)
    with pytest.raises(NotAllowed):
        services.set_weights(staff, "registers.meetings", {"old_town": 10}, now)
    with pytest.raises(InvalidInput):
        services.set_weights(admin, "registers.meetings", {"old_town": 101}, now)
    with pytest.raises(InvalidInput):
        services.set_weights(admin, "nowhere.nothing", {"old_town": 10}, now)
    assert services.weights()["registers.meetings"] == {"old_town": 70, "new_town": 100}
    services.set_weights(admin, "registers.meetings", {"old_town": 0, "new_town": 20}, now)
    assert services.weights()["registers.meetings"] == {"new_town": 20}
    assert db.session.query(IndicatorWeight).filter_by(measure="registers.meetings").count() == 1
    assert db.session.query(AuditEntry).filter_by(action="assessment.weights_set").count() == 3


def test_nobody_but_the_admin_sees_a_year_before_it_is_published(district, now):
    places, admin = district
    staff = make_user(places["镇海社区"], Role.STAFF)
    officer = make_user(places["中华社区"], Role.STREET_STAFF)
    assert services.visible(staff, YEAR, now) == ([], None) and services.visible(officer, YEAR, now) == ([], None)
    with pytest.raises(NotFound):
        services.standing_of(staff, places["镇海社区"].id, YEAR, now)
    assert len(services.visible(admin, YEAR, now)[0]) == 5
    with pytest.raises(NotAllowed):
        services.publish(staff, YEAR, now)


def test_published_results_are_frozen_and_seen_by_the_street_and_the_community(district, now):
    places, admin = district
    published = services.publish(admin, YEAR, now)
    assert db.session.query(Result).filter_by(publication_id=published.id).count() == 5
    db.session.add(Entry(community_id=places["镇海社区"].id, kind="meeting", day=date(YEAR, 3, 3), body="区委办",
                         minutes=600, staff_count=9, recorded_by_id=admin.id, recorded_at=now))
    db.session.flush()
    staff = make_user(places["镇海社区"], Role.STAFF)
    officer = make_user(places["中华社区"], Role.STREET_STAFF)
    far_officer = make_user(places["大同社区"], Role.STREET_STAFF)
    mine, _ = services.standing_of(staff, places["镇海社区"].id, YEAR, now)
    assert (mine.score, mine.rank, mine.lines[0].raw) == (100.0, 1, 2)  # as published, not as now
    assert [s.community.name for s in services.visible(staff, YEAR, now)[0]] == ["镇海社区"]
    assert {s.community.name for s in services.visible(officer, YEAR, now)[0]} == {"镇海社区", "中华社区"}
    assert {s.community.name for s in services.visible(far_officer, YEAR, now)[0]} == {"鹭江道社区", "大同社区"}
    unranked, _ = services.standing_of(far_officer, places["大同社区"].id, YEAR, now)
    assert unranked.rank is None and unranked.missing_labels == ["Meetings attended", "Staff hours in meetings"]
    with pytest.raises(NotFound):
        services.standing_of(staff, places["中华社区"].id, YEAR, now)
    with pytest.raises(Conflict):
        services.publish(admin, YEAR, now)
    with pytest.raises(InvalidInput):
        services.publish(admin, YEAR + 1, now)


def test_population_counts_residents_and_elders_at_the_years_end(district):
    places, _admin = district
    home = places["中华社区"]
    make_user(home, Role.RESIDENT, birth_date=date(1950, 6, 1))
    make_user(home, Role.RESIDENT, birth_date=date(1961, 12, 31))  # 65 on the year's last day
    make_user(home, Role.RESIDENT, birth_date=date(1990, 1, 1))
    make_user(home, Role.RESIDENT, birth_date=date(1940, 1, 1)).active = False  # a closed account is not counted
    people = services.population([home.id, places["深田社区"].id], YEAR)
    assert people[home.id] == services.Population(residents=3, elders=2)
    assert people[places["深田社区"].id] == services.Population(0, 0)


def test_the_demo_typed_its_communities_and_every_measure_reads_its_modules_summary(app, now):
    """The demo's indicators read the real summaries of the kitchen, mutual aid, the alleys and the visits."""
    assert app.test_cli_runner().invoke(args=["demo-data"]).exit_code == 0
    communities = db.session.scalars(sa.select(Community)).all()
    assert {c.kind for c in communities} == set(CommunityType)
    assert set(services.weights()) == set(WEIGHTS)
    values = services.raw_values(communities, [measure.key for measure in services.offered()], now.year, now)
    assert all(value is None or value >= 0 for found in values.values() for value in found.values())
    found = services.standings(now.year, now)
    assert len(found) == len(communities)
    assert all(s.score is not None or s.missing for s in found if s.lines)
    old_towns = [s for s in found if s.community.community_type == "old_town"]
    assert any(s.rank == 1 for s in old_towns) and any(s.rank is None and s.missing for s in old_towns)


def _statements(call) -> int:
    count = [0]

    def counted(*_args):
        count[0] += 1

    sa.event.listen(db.engine, "before_cursor_execute", counted)
    try:
        call()
    finally:
        sa.event.remove(db.engine, "before_cursor_execute", counted)
    return count[0]


def test_the_standings_take_as_many_statements_with_a_thousand_entries_as_with_ten(district, now):
    places, admin = district
    services.set_weights(admin, "kitchen.meals_per_hundred_elders", {"old_town": 10}, now)
    services.standings(YEAR, now)  # the session's first reads (the weights just set, flushed) out of the way
    few = _statements(lambda: services.standings(YEAR, now))
    db.session.add_all(Entry(community_id=places["中华社区"].id, kind="document", day=date(YEAR, 1 + n % 12, 1 + n % 28),
                             body="区委办", pages=2, recorded_by_id=admin.id, recorded_at=now) for n in range(1000))
    db.session.flush()
    assert _statements(lambda: services.standings(YEAR, now)) == few <= 50  # 5 communities, 2 modules: 48
