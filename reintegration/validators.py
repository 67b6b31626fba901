"""Citizen ID numbers (số định danh cá nhân / CCCD), reusable by forms, imports and models.

A citizen ID has 12 digits (docs/domain.md): digits 1-3 are the province of birth
registration (Quảng Ninh 022), digit 4 gives century and sex (0 male / 1 female born in the
1900s, 2 male / 3 female born in the 2000s), digits 5-6 are the last two digits of the year of
birth, digits 7-12 are random. There is no check digit, so format, century, sex and year are all
that can be checked.
"""

import re
from datetime import date

from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

CITIZEN_ID_PATTERN = r"^[0-9]{12}$"
_CITIZEN_ID_RE = re.compile(CITIZEN_ID_PATTERN)

MALE = "M"
FEMALE = "F"

# Digit 4 → (first year of the century, sex). The same scheme continues with 4/5 for the 2100s,
# 6/7 for the 2200s; only the centuries of living people are accepted here.
CENTURY_SEX_DIGITS = {
    "0": (1900, MALE),
    "1": (1900, FEMALE),
    "2": (2000, MALE),
    "3": (2000, FEMALE),
}


def validate_citizen_id_format(value: str) -> None:
    """Exactly 12 digits, nothing else (no spaces, no letters)."""
    if not _CITIZEN_ID_RE.match(value or ""):
        raise ValidationError(
            _(
                "A citizen ID number has exactly 12 digits (0-9), with no spaces or letters; %(count)d characters were given."
            ),
            code="citizen_id_format",
            params={"count": len(value or "")},
        )


def citizen_id_errors(
    value: str, *, date_of_birth: date | None = None, sex: str | None = None
) -> list[ValidationError]:
    """Every problem with `value` for a person born on `date_of_birth` of `sex` ("M" or "F").

    Returns a list (empty when the number is valid) so a form or an import can report all of
    them at once; `validate_citizen_id` raises them instead.
    """
    try:
        validate_citizen_id_format(value)
    except ValidationError as error:
        return [error]
    errors = []
    century, id_sex = CENTURY_SEX_DIGITS.get(value[3], (None, None))
    if century is None:
        errors.append(
            ValidationError(
                _(
                    "The 4th digit of a citizen ID number gives the century and sex of birth and must be 0, 1, 2 or 3; it is %(digit)s."
                ),
                code="citizen_id_century_digit",
                params={"digit": value[3]},
            )
        )
        return errors
    if date_of_birth is not None:
        id_year = century + int(value[4:6])
        if date_of_birth.year != id_year:
            errors.append(
                ValidationError(
                    _(
                        "This citizen ID number is for a person born in %(id_year)d (digits 4 to 6 are %(digits)s), "
                        "but the date of birth is in %(year)d. Check the number and the date of birth."
                    ),
                    code="citizen_id_birth_year",
                    params={"id_year": id_year, "digits": value[3:6], "year": date_of_birth.year},
                )
            )
    if sex in (MALE, FEMALE) and sex != id_sex:
        errors.append(
            ValidationError(
                _(
                    "The 4th digit of this citizen ID number (%(digit)s) is for a %(id_sex)s, but the person is "
                    "recorded as %(sex)s. Check the number and the sex."
                ),
                code="citizen_id_sex",
                params={"digit": value[3], "id_sex": _sex_word(id_sex), "sex": _sex_word(sex)},
            )
        )
    return errors


def validate_citizen_id(value: str, *, date_of_birth: date | None = None, sex: str | None = None) -> None:
    """Raise a ValidationError listing every problem with the citizen ID number."""
    errors = citizen_id_errors(value, date_of_birth=date_of_birth, sex=sex)
    if errors:
        raise ValidationError(errors)


def mask_citizen_id(value: str | None) -> str:
    """Lists show only the last 4 digits of a citizen ID ("••••••••1234")."""
    if not value:
        return ""
    return "•" * (len(value) - 4) + value[-4:]


def _sex_word(sex: str | None) -> str:
    return str(_("man")) if sex == MALE else str(_("woman"))
