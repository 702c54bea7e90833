"""The two-community world of the security suite: a resident, her neighbours, an elder and her carer."""
from tests.security.conftest import world  # noqa: F401  (the fixture)
