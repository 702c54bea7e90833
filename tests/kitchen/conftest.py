"""The kitchen's story starts at 08:00 in Xiamen on Monday 2 March 2026 (before that day's lunch deadline)."""
import pytest

from tests.kitchen.helpers import NOW


@pytest.fixture
def clock_start():
    return NOW
