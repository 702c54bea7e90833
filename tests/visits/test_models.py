"""Domain words of 千户访: addresses in reading order, and 高龄 from the birth dates."""
from datetime import date

from neighbors.visits.models import Tag, address_sort_key
from tests.visits.conftest import make_household


def test_addresses_sort_as_people_read_them():
    rooms = ["1103", "103", "203"]
    assert sorted(rooms, key=lambda room: address_sort_key("图强路6号", "2梯", room)) == ["103", "203", "1103"]
    assert address_sort_key("图强路10号", "", "") > address_sort_key("图强路6号", "", "")


def test_aged_follows_the_eldest_members_birth_date(grid_a):
    home = make_household(grid_a, people=[("陈玉钗", date(1946, 5, 12)), ("黄光贤", date(1950, 1, 1))], tags=["alone"])
    assert home.tags(date(2026, 5, 11)) == [Tag.ALONE]  # 79 the day before her birthday
    assert home.tags(date(2026, 5, 12)) == [Tag.ALONE, Tag.AGED]


def test_a_household_without_birth_dates_has_no_computed_tag(grid_a):
    assert make_household(grid_a, people=[("无名", None)]).tags(date(2026, 5, 11)) == []
