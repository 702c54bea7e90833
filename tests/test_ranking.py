"""Communities are placed one way: equal values share a place, the next is skipped, no value is no place."""
from neighbors.ranking import competition_ranks


def test_equal_values_share_a_place_and_the_next_is_skipped():
    assert competition_ranks([9.5, 7.0, 9.5, 3.0]) == [1, 3, 1, 4]


def test_where_less_is_better_the_least_is_first():
    assert competition_ranks([2.0, 0.5, 2.0], higher_is_better=False) == [2, 1, 2]


def test_no_value_is_not_placed_and_places_nobody():
    assert competition_ranks([None, 4.0, None, 8.0]) == [None, 2, None, 1]
    assert competition_ranks([None, None]) == [None, None]
