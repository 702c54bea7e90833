"""The score and rank within a type, on figures whose answer is worked out by hand."""
import pytest

from neighbors.assessment.services import Candidate, Measure, score

MORE = Measure("test.more", "test", "More", "x", True, lambda summary, people: None)
LESS = Measure("test.less", "test", "Less", "x", False, lambda summary, people: None)
A, B, C = Candidate(1, "甲社区", "old_town"), Candidate(2, "乙社区", "old_town"), Candidate(3, "丙社区", "old_town")
D = Candidate(4, "丁社区", "new_town")
WEIGHTS = {"test.more": {"old_town": 60, "new_town": 100}, "test.less": {"old_town": 40}}


def _by_name(standings):
    return {standing.community.name: standing for standing in standings}


def test_scores_and_ranks_within_each_type_are_the_worked_answer():
    raw = {1: {"test.more": 10, "test.less": 5}, 2: {"test.more": 20, "test.less": 1},
           3: {"test.more": 15, "test.less": 3}, 4: {"test.more": 7, "test.less": None}}
    found = _by_name(score([A, B, C, D], WEIGHTS, [MORE, LESS], raw))
    # old town: more 10/15/20 -> 0/50/100; less 5/3/1 -> 0/50/100; 60% and 40% of those
    assert [round(found[n].score, 6) for n in ("甲社区", "丙社区", "乙社区")] == [0, 50, 100]
    assert [found[n].rank for n in ("乙社区", "丙社区", "甲社区")] == [1, 2, 3]
    middle = found["丙社区"].lines
    assert [(line.raw, line.normalised, line.weight, line.contribution) for line in middle] == [
        (15, 50.0, 60, 30.0), (3, 50.0, 40, 20.0)]
    # new town has one indicator (its weight for `less` is none) and one community: the best of one
    assert [line.measure for line in found["丁社区"].lines] == ["test.more"]
    assert (found["丁社区"].score, found["丁社区"].rank, found["丁社区"].ranked_in_type) == (100.0, 1, 1)


def test_a_community_missing_data_is_not_ranked_and_moves_nobody():
    raw = {1: {"test.more": 10, "test.less": 5}, 2: {"test.more": 20, "test.less": 1},
           3: {"test.more": 1000, "test.less": None}}
    standings = score([A, B, C], WEIGHTS, [MORE, LESS], raw)
    found = _by_name(standings)
    assert found["丙社区"].score is None and found["丙社区"].rank is None
    assert found["丙社区"].missing == ["test.less"] and found["丙社区"].missing_labels == ["Less"]
    assert found["丙社区"].lines[0].raw == 1000 and found["丙社区"].lines[0].normalised is None
    # its 1000 is not the top of the scale: 甲 and 乙 are normalised between themselves
    assert (found["乙社区"].score, found["甲社区"].score) == (100.0, 0.0)
    assert (found["乙社区"].rank, found["甲社区"].rank, found["乙社区"].ranked_in_type) == (1, 2, 2)
    assert [s.community.name for s in standings] == ["乙社区", "甲社区", "丙社区"]  # the unranked after


def test_equal_scores_share_a_rank_and_a_zero_is_data_not_missing():
    raw = {1: {"test.more": 0, "test.less": 2}, 2: {"test.more": 0, "test.less": 2},
           3: {"test.more": 0, "test.less": 4}}
    found = _by_name(score([A, B, C], WEIGHTS, [MORE, LESS], raw))
    assert [found[n].rank for n in ("甲社区", "乙社区", "丙社区")] == [1, 1, 3]
    assert found["丙社区"].score == pytest.approx(60.0)  # all equal on `more`: 100 each, times 60%


def test_a_type_without_indicators_ranks_nobody():
    found = score([D], {"test.less": {"old_town": 10}}, [MORE, LESS], {4: {"test.less": 1}})
    assert (found[0].lines, found[0].missing, found[0].score, found[0].rank) == ([], [], None, None)
