"""The one place a phone number is read: every way of writing one number is one number.

People type numbers with a phone's fullwidth digits (１３９…), paste them with spaces, dashes or +86, and some
keyboards give Arabic-Indic or other digits. `normalise_phone` turns any of them into the 11 national digits
of a mainland mobile (or refuses); `phone_key` gives the same digits for counting attempts (login limits, logs)
even when the text is not a valid number, so a limit cannot be walked around by writing the number differently.
"""
from __future__ import annotations

import unicodedata

import phonenumbers

from .errors import N_, InvalidInput

MOBILE = {phonenumbers.PhoneNumberType.MOBILE, phonenumbers.PhoneNumberType.FIXED_LINE_OR_MOBILE}
BAD_NUMBER = N_("Enter a mainland mobile number, e.g. 13812345678.")


def ascii_digits(raw: str | None) -> str:
    """Every decimal digit of any script as 0–9 (fullwidth forms first folded by NFKC); other characters kept."""
    text = unicodedata.normalize("NFKC", raw or "")
    return "".join(str(unicodedata.decimal(ch)) if unicodedata.decimal(ch, None) is not None else ch for ch in text)


def normalise_phone(raw: str | None) -> str:
    """A mainland mobile number as its 11 national digits, or InvalidInput on the `phone` field."""
    text = ascii_digits(raw).strip()
    if not text or len(text) > 30:
        raise InvalidInput(BAD_NUMBER, field="phone")
    try:
        number = phonenumbers.parse(text, "CN")
    except phonenumbers.NumberParseException:
        raise InvalidInput(BAD_NUMBER, field="phone") from None
    if (number.country_code != 86 or not phonenumbers.is_valid_number(number)
            or phonenumbers.number_type(number) not in MOBILE):
        raise InvalidInput(BAD_NUMBER, field="phone")
    return phonenumbers.national_significant_number(number)


def phone_key(raw: str | None) -> str:
    """The number for counting and logging: its national digits when valid, else its last 11 digits."""
    try:
        return normalise_phone(raw)
    except InvalidInput:
        return "".join(ch for ch in ascii_digits(raw) if ch in "0123456789")[-11:]


def masked_phone(raw: str | None) -> str:
    """Enough to recognise a series of attempts on one number, not enough to call it: 138****5678."""
    digits = phone_key(raw)
    if len(digits) < 7:
        return "*" * len(digits)
    return digits[:3] + "*" * (len(digits) - 7) + digits[-4:]
