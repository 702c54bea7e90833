"""The one way communities are placed against each other (the district view, the assessment)."""
from __future__ import annotations

from collections.abc import Sequence


def competition_ranks(values: Sequence[float | None], higher_is_better: bool = True) -> list[int | None]:
    """Competition ranking (1, 2, 2, 4): equal values share a place and the next place is skipped. A value of
    None is not placed, and nobody is placed by it."""
    placed = [value for value in values if value is not None]
    return [None if value is None else
            1 + sum(1 for other in placed if (other > value if higher_is_better else other < value))
            for value in values]
