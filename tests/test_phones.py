"""One number, however it is written (issue 19 item 2): fullwidth, Arabic-Indic, spaced or with +86 — the same
login, the same limit, the same person found."""
import pytest

from neighbors.errors import InvalidInput
from neighbors.phones import masked_phone, normalise_phone, phone_key
from tests.factories import PASSWORD, make_user

WAYS = ["13900001234", "１３９００００１２３４", "١٣٩٠٠٠٠١٢٣٤", "۱۳۹۰۰۰۰۱۲۳۴", "139 0000 1234", "+86 139-0000-1234",
        "0086 13900001234", "１３９ ００００ １２３４"]


@pytest.mark.parametrize("written", WAYS)
def test_every_way_of_writing_a_number_is_one_number(written):
    assert normalise_phone(written) == "13900001234"
    assert phone_key(written) == "13900001234"
    assert masked_phone(written) == "139****1234"


@pytest.mark.parametrize("written", ["", "12345", "٥٥٥١٢٣٤", "02512345678", "1390000123４5"])
def test_what_is_not_a_mainland_mobile_is_refused_on_the_phone_field(written):
    with pytest.raises(InvalidInput) as refused:
        normalise_phone(written)
    assert refused.value.field == "phone"


def test_an_invalid_number_is_still_counted_by_its_digits():
    assert phone_key("１２３４５") == phone_key("12345") == "12345"


@pytest.mark.parametrize("written", WAYS[1:4])
def test_logging_in_with_other_digits_is_the_same_account(web, written):
    make_user(name="郑长华", phone="13900001234")
    assert web.post("/auth/login", {"phone": written, "password": PASSWORD}).status_code == 303


def test_wrong_passwords_written_in_other_digits_count_against_one_limit(limited_app, web):
    make_user(name="郑长华", phone="13900001234")
    for written in WAYS[1:6]:
        assert web.post("/auth/login", {"phone": written, "password": "wrong-password"}).status_code == 422
    assert web.post("/auth/login", {"phone": "13900001234", "password": PASSWORD}).status_code == 429
    assert web.post("/auth/login", {"phone": WAYS[2], "password": PASSWORD}).status_code == 429


def test_registering_the_same_number_in_fullwidth_digits_is_refused(web):
    make_user(name="郑长华", phone="13900001234")
    from tests.factories import make_community

    community = make_community()
    response = web.post("/auth/register", {"phone": WAYS[1], "name": "林秀英", "password": "lin-xiuying-2024",
                                           "community": community.id})
    assert response.status_code == 422
