from datetime import date

import pytest
from django.core.exceptions import ValidationError

from reintegration.validators import citizen_id_errors, mask_citizen_id, validate_citizen_id

# 022 Quảng Ninh, 0 = man born in the 1900s, 94 = 1994, then 6 random digits.
VALID_MAN_1994 = "022094001234"


def codes(value, **kwargs):
    return [error.code for error in citizen_id_errors(value, **kwargs)]


def test_valid_number_for_man_born_1994():
    validate_citizen_id(VALID_MAN_1994, date_of_birth=date(1994, 5, 12), sex="M")


def test_valid_number_for_woman_born_2001():
    validate_citizen_id("022301009876", date_of_birth=date(2001, 3, 3), sex="F")


@pytest.mark.parametrize("value", ["02209400123", "0220940012345", "", "022 94001234"])
def test_wrong_length_or_spaces_are_refused(value):
    assert codes(value) == ["citizen_id_format"]


def test_letters_are_refused():
    assert codes("02209400123A") == ["citizen_id_format"]


def test_century_digit_contradicting_birth_year():
    # Digit 4 = 2 means born in the 2000s, digits 5-6 = 94: 2094, not 1994.
    assert codes("022294001234", date_of_birth=date(1994, 5, 12), sex="M") == ["citizen_id_birth_year"]


def test_year_digits_contradicting_birth_year():
    assert codes(VALID_MAN_1994, date_of_birth=date(1995, 5, 12), sex="M") == ["citizen_id_birth_year"]


def test_century_digit_beyond_living_people():
    assert codes("022494001234", date_of_birth=date(1994, 5, 12)) == ["citizen_id_century_digit"]


def test_sex_mismatch():
    # Digit 4 = 0 is a man born in the 1900s; the person is recorded as a woman.
    assert codes(VALID_MAN_1994, date_of_birth=date(1994, 5, 12), sex="F") == ["citizen_id_sex"]


def test_every_problem_is_reported_at_once():
    with pytest.raises(ValidationError) as raised:
        validate_citizen_id("022394001234", date_of_birth=date(1994, 1, 1), sex="M")
    assert {e.code for e in raised.value.error_list} == {"citizen_id_birth_year", "citizen_id_sex"}


def test_message_is_readable():
    (error,) = citizen_id_errors("022294001234", date_of_birth=date(1994, 5, 12))
    message = error.message % error.params
    assert "2094" in message and "1994" in message


def test_mask_keeps_last_four_digits():
    assert mask_citizen_id(VALID_MAN_1994) == "••••••••1234"
    assert mask_citizen_id(None) == ""
