"""Hostile values for a form field, chosen by the field's type, and a way to learn which forms
a route really reads (the view's WTForms classes, seen as they validate)."""
from __future__ import annotations

from contextlib import contextmanager
from io import BytesIO

import wtforms
from hypothesis import strategies as st
from wtforms import fields as wtf

TEXT = [
    "", " ", "\t\r\n", "\x00", "abc\x00def", "\x01\x02\x1b[31m\x7f", "\u202eRTL\u202c", "\u200b\u200c\u200d", "\ufeff",
    "e\u0301\u0301\u0301\u0301", "👵🏻👨‍👩‍👧", "𠀀𪚥", "١٢٣", "ｐａｓｓ", "x" * 10_000, "字" * 10_000, "\n" * 2_000,
    "' OR '1'='1' --", "1; DROP TABLE users; --", "%' AND 1=1 AND '%'='", "<script>alert(1)</script>",
    "\"><img src=x onerror=alert(1)>", "{{ 7*7 }}", "{% raw %}", "${7*7}", "%s%s%s%n", "../../../../etc/passwd",
    "javascript:alert(1)",
]
NUMBERS = [
    "", "-1", "0", "-0", "1e309", "NaN", "inf", "-inf", "1.5", "0x10", "1_000", "99999999999999999999999999",
    str(2**31), str(2**63), str(-(2**63) - 1), "１２", "١٢", "12abc", "abc", " 7 ", "1,5", "[]", "null", "true",
]
DATES = [
    "", "0000-00-00", "2024-02-30", "2023-13-01", "0001-01-01", "9999-12-31", "1900-01-01", "2100-01-01",
    "10000-01-01", "-2024-01-01", "2024-1-1", "01/02/2024", "2024-01-01T25:61", "today", "２０２４-０１-０１",
]
TIMES = ["", "24:00", "25:61", "-1:00", "12:60", "7", "07:00:00:00", "noon", "23:59:59.999999", "１２:００"]
DATETIMES = ["", "2024-01-01T25:00", "0001-01-01T00:00", "9999-12-31T23:59", "2024-02-30T10:00", "2024-01-01 10:00",
             "2024-01-01", "T10:00", "now"]
CHOICES = ["", "0", "-1", "99999999999999999999", "__proto__", "admin", "staff", "<script>", "' OR 1=1 --", "None",
           "\x00"]

text = st.one_of(st.sampled_from(TEXT), st.text(max_size=60),
                 st.text(alphabet=st.characters(codec="utf-8"), min_size=1, max_size=200),
                 st.binary(max_size=30).map(lambda raw: raw.decode("latin-1")))
number = st.one_of(st.sampled_from(NUMBERS), st.integers().map(str),
                   st.floats(allow_nan=True, allow_infinity=True).map(repr), text)


def _upload(raw: bytes, name: str, mimetype: str):
    return lambda: (BytesIO(raw), name, mimetype)


# A file field gets a tiny non-image, an empty file, or text pretending to be a photo (built
# fresh for every post: a stream is read once).
UPLOADS = [_upload(b"", "empty.jpg", "image/jpeg"), _upload(b"not an image at all", "photo.jpg", "image/jpeg"),
           _upload(b"<script>alert(1)</script>", "x.svg", "image/svg+xml"),
           _upload(b"\x89PNG\r\n\x1a\n" + b"\x00" * 20, "../../etc/passwd.png", "image/png")]


def kind_of(field: wtforms.Field) -> str:
    """The family of hostile values a field gets."""
    if isinstance(field, (wtf.FileField, wtf.MultipleFileField)):
        return "file"
    if isinstance(field, (wtf.DateTimeLocalField, wtf.DateTimeField)):
        return "datetime"
    if isinstance(field, wtf.DateField):
        return "date"
    if isinstance(field, wtf.TimeField):
        return "time"
    if isinstance(field, (wtf.IntegerField, wtf.DecimalField, wtf.FloatField)):
        return "number"
    if isinstance(field, (wtf.SelectMultipleField,)):
        return "choices"
    if isinstance(field, (wtf.SelectField, wtf.RadioField)):
        return "choice"
    if isinstance(field, wtf.BooleanField):
        return "boolean"
    return "text"  # StringField, TextAreaField, PasswordField, HiddenField, ...


def _one(kind: str):
    return {
        "text": text,
        "number": number,
        "date": st.one_of(st.sampled_from(DATES), st.dates().map(str), text),
        "time": st.one_of(st.sampled_from(TIMES), text),
        "datetime": st.one_of(st.sampled_from(DATETIMES), text),
        "choice": st.one_of(st.sampled_from(CHOICES), number, text),
        "choices": st.one_of(st.sampled_from(CHOICES), number, text),
        "boolean": st.one_of(st.sampled_from(["y", "n", "0", "false", "", "on", "<script>"]), text),
    }[kind]


def hostile_value(kind: str):
    """Absent, sent once, or sent several times (a list where one value is expected)."""
    if kind == "file":
        return st.one_of(st.none(), st.sampled_from(UPLOADS).map(lambda make: make()), text)
    one = _one(kind)
    return st.one_of(st.none(), one, st.lists(one, min_size=2, max_size=4))


@contextmanager
def forms_read():
    """The forms a request validates, as (class, prefix, {field name: kind}) without the CSRF field."""
    seen: list[tuple[type, str, dict[str, str]]] = []
    original = wtforms.Form.validate

    def validate(self, *args, **kwargs):
        fields = {field.name: kind_of(field) for field in self if field.type != "CSRFTokenField"}
        seen.append((type(self), getattr(self, "_prefix", ""), fields))
        return original(self, *args, **kwargs)

    wtforms.Form.validate = validate
    try:
        yield seen
    finally:
        wtforms.Form.validate = original
