"""Password rules: a minimum length and a refusal of the passwords everybody tries first."""
from datetime import date
from functools import cache
from pathlib import Path

from flask import current_app, has_app_context
from werkzeug.security import generate_password_hash

from .errors import N_

MIN_LENGTH = 8
# Staff and administrators see every resident's address and phone: a longer password (ASVS 2.1.1 asks 12).
STAFF_MIN_LENGTH = 12


def hash_password(password: str) -> str:
    """The one way a password is hashed: scrypt, slow on purpose. Only a test configuration
    (PASSWORD_HASH_METHOD, never read from the environment) chooses a cheaper method."""
    method = current_app.config.get("PASSWORD_HASH_METHOD", "scrypt") if has_app_context() else "scrypt"
    return generate_password_hash(password, method=method)


@cache
def common_passwords() -> frozenset[str]:
    path = Path(__file__).with_name("common_passwords.txt")
    return frozenset(line.strip().lower() for line in path.read_text().splitlines() if line.strip())


KEYBOARD_ROWS = ("1234567890", "qwertyuiop", "asdfghjkl", "zxcvbnm")
# Published with the project (the demo logins' password is in the README): set only by the demo data itself.
PUBLISHED = frozenset({"demo1234"})


def weakness(password: str, phone: str = "", staff: bool = False) -> str | None:
    """The msgid explaining why a password is refused, or None when it is acceptable.

    Beyond the list: the person's own mobile number (their neighbours know it), a date such as a birthday
    (19550312), a run along the alphabet, the digits or a keyboard row (23456789, qwertyui), and a short piece
    repeated (abcabcabc) — the guesses tried right after the list."""
    if len(password) < MIN_LENGTH:
        return N_("Use at least 8 characters.")
    if staff and len(password) < STAFF_MIN_LENGTH:
        return N_("Staff and administrators use at least 12 characters.")
    if len(password) > 128:
        return N_("Use at most 128 characters.")
    lowered = password.lower()
    if (lowered in common_passwords() or lowered in PUBLISHED or len(set(password)) <= 2 or _is_date(password) or _is_run(lowered)
            or _is_repeated(lowered)):
        return N_("This password is too easy to guess. Choose another.")
    if phone and (phone in password or password == phone[-MIN_LENGTH:]):
        return N_("Do not use your mobile number in your password.")
    return None


def _is_date(password: str) -> bool:
    """YYYYMMDD from 1900 to 2099."""
    if len(password) != 8 or not password.isdigit() or password[:2] not in ("19", "20"):
        return False
    try:
        date(int(password[:4]), int(password[4:6]), int(password[6:]))
    except ValueError:
        return False
    return True


def _is_run(password: str) -> bool:
    """Each character the next (or the one before) along a keyboard row or the alphabet."""
    if any(password in row or password in row[::-1] for row in KEYBOARD_ROWS):
        return True
    steps = {ord(b) - ord(a) for a, b in zip(password, password[1:])}
    return steps in ({1}, {-1})


def _is_repeated(password: str) -> bool:
    """A piece of up to four characters said again and again (abcabcabc, 52005200)."""
    return any(len(password) % size == 0 and password == password[:size] * (len(password) // size)
               for size in range(1, 5))
