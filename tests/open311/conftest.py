"""The alleys' 鹭江道社区 (tests/alleys/conftest.py) is where partner systems file and read cases."""
from tests.alleys.conftest import clock_start, place  # noqa: F401  (fixtures shared with the alleys' tests)
