"""Positions: WGS-84 from a form, distances, and the conversions 高德 (GCJ-02) and 百度 (BD-09) need, on known points."""
from urllib.parse import parse_qs, urlsplit

import pytest

from neighbors.errors import InvalidInput
from neighbors.geo import Position, distance_m, map_links, position_from_form, to_bd09, to_gcj02

# Published reference pairs (the test vectors of the eviltransform library and of the 百度 offset it documents):
# WGS-84 (39.915, 116.404) near 天安门 is GCJ-02 (39.91640428, 116.41024450) and BD-09 (39.92269955, 116.41662724).
TIANANMEN = Position(39.915, 116.404)


def test_wgs84_to_gcj02_on_a_known_point():
    assert to_gcj02(TIANANMEN) == pytest.approx((39.91640428150164, 116.41024449916938), abs=1e-7)


def test_wgs84_to_bd09_on_a_known_point():
    assert to_bd09(TIANANMEN) == pytest.approx((39.922699552216216, 116.41662724378733), abs=1e-7)


def test_xiamen_moves_by_the_known_few_hundred_metres():
    """In Xiamen the GCJ-02 shift is about 0.0026° south and 0.0050° east (some 580 m): a swapped pair would not be."""
    siming = Position(24.4512, 118.0790)
    lat, lng = to_gcj02(siming)
    assert -0.004 < lat - siming.latitude < -0.002 and 0.004 < lng - siming.longitude < 0.006
    assert 300 < distance_m(siming.latitude, siming.longitude, lat, lng) < 700


def test_outside_china_nothing_moves():
    assert to_gcj02(Position(51.5007, -0.1246)) == (51.5007, -0.1246)


def test_distance_on_a_known_pair():
    # one degree of latitude is about 111.2 km
    assert distance_m(24.0, 118.0, 25.0, 118.0) == pytest.approx(111_195, rel=1e-3)


def test_map_links_carry_each_maps_own_coordinates():
    links = map_links(TIANANMEN, "打铁巷12号")
    amap = parse_qs(urlsplit(links["amap"]).query)
    assert amap["position"] == ["116.410244,39.916404"] and amap["name"] == ["打铁巷12号"]
    baidu = parse_qs(urlsplit(links["baidu"]).query)
    assert baidu["location"] == ["39.922700,116.416627"] and baidu["coord_type"] == ["bd09ll"]


@pytest.mark.parametrize("lat, lng", [("abc", "118"), ("24.4", ""), ("91", "118"), ("24", "181"), ("nan", "118")])
def test_a_position_that_is_not_one_is_refused(lat, lng):
    with pytest.raises(InvalidInput):
        position_from_form(lat, lng, "10")


def test_an_empty_form_has_no_position_and_a_strange_accuracy_is_dropped():
    assert position_from_form("", "", "") is None
    assert position_from_form("24.45", "118.08", "-3") == Position(24.45, 118.08, None)
