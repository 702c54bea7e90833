"""Password rules: a minimum length and a refusal of the passwords everybody tries first."""
from functools import cache
from pathlib import Path

from .errors import N_

MIN_LENGTH = 8


@cache
def common_passwords() -> frozenset[str]:
    path = Path(__file__).with_name("common_passwords.txt")
    return frozenset(line.strip().lower() for line in path.read_text().splitlines() if line.strip())


def weakness(password: str) -> str | None:
    """The msgid explaining why a password is refused, or None when it is acceptable."""
    if len(password) < MIN_LENGTH:
        return N_("Use at least 8 characters.")
    if len(password) > 128:
        return N_("Use at most 128 characters.")
    if password.lower() in common_passwords() or len(set(password)) <= 2:
        return N_("This password is too easy to guess. Choose another.")
    return None
