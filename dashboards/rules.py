"""How each yearly target is judged: pure functions, exactly as docs/targets.md says.

Every comparison is exact: counts are integers, a threshold is read as an exact ratio of two integers
(an int, a Decimal from a target definition, a Fraction or a string such as "7.5"; a float is read
through its shortest decimal text, so 7.1 means 71/10), and the rules compare by integer
cross-multiplication (a / b ≥ c / d ⇔ a·d ≥ c·b for b, d > 0), so no float is ever compared. Floats
appear only in the output, rounded half away from zero to 2 decimals for JSON (pages round again to 1),
also in integers. (Integers rather than ``Fraction`` objects: the same exact results, several times
faster, which matters when a country's 10,000 units are judged; docs/benchmarks.md.)

Every function returns a JSON-friendly dict whose ``status`` is a plain string value of ``Status``.
"""

from __future__ import annotations

import functools
import math
from collections.abc import Callable
from decimal import Decimal
from fractions import Fraction
from numbers import Rational

from django.db import models
from django.utils.translation import gettext_lazy as _


class Status(models.TextChoices):
    MET = "met", _("met")
    MISSED = "missed", _("missed")
    NO_DATA = "no_data", _("no data")
    NO_BASELINE = "no_baseline", _("no baseline")


STATUS = Status  # the name used in the brief; Status is the house spelling

TRAFFIC_CRITERIA = ("cases", "deaths", "injuries")


# --- Exact arithmetic helpers --------------------------------------------------------------------


def exact(value) -> Fraction:
    """A threshold as an exact Fraction (int, Decimal, Fraction, str; float via its decimal text)."""
    if isinstance(value, bool):
        raise TypeError("A threshold cannot be a boolean.")
    if isinstance(value, float):
        if not math.isfinite(value):
            raise ValueError(f"A threshold must be a finite number, got {value!r}.")
        return Fraction(repr(value))
    if isinstance(value, (int, Rational, Decimal, str)):
        return Fraction(value)
    raise TypeError(f"A threshold must be a number, got {type(value).__name__}.")


def _count(value, name: str) -> int:
    if isinstance(value, bool) or not isinstance(value, int):
        raise TypeError(f"{name} must be a whole number, got {value!r}.")
    if value < 0:
        raise ValueError(f"{name} cannot be negative, got {value}.")
    return value


def _ratio(value) -> tuple[int, int]:
    """A threshold as (numerator, denominator > 0) in lowest terms: exact(value) without building a Fraction
    for the common cases (an int, a finite Decimal from a target definition)."""
    if type(value) is int:
        return value, 1
    if type(value) is Decimal and value.is_finite():
        return value.as_integer_ratio()
    if type(value) is float:  # the significance threshold is a float setting: read its text once
        return _float_ratio(value)
    fraction = exact(value)
    return fraction.numerator, fraction.denominator


@functools.lru_cache(maxsize=64)
def _float_ratio(value: float) -> tuple[int, int]:
    fraction = exact(value)  # NaN and infinities raise, and an exception is not cached
    return fraction.numerator, fraction.denominator


def _round2(numerator: int, denominator: int) -> float:
    """numerator / denominator (denominator > 0) rounded half away from zero to 2 decimals, as a float.

    The magnitude in hundredths is ⌊100·|n|/d + 1/2⌋ = (200·|n| + d) // 2d, in integers; ±m / 100 is
    then the float nearest to ±m/100 (int division is correctly rounded), as float(Fraction(±m, 100)).
    """
    magnitude = (200 * abs(numerator) + denominator) // (2 * denominator)
    return (magnitude if numerator >= 0 else -magnitude) / 100 + 0.0  # + 0.0 turns -0.0 into 0.0


def round2(value: Fraction | int | None) -> float | None:
    """Round an exact number half away from zero to 2 decimals, as a float for JSON (-50/3 → -16.67)."""
    if value is None:
        return None
    value = Fraction(value)
    return _round2(value.numerator, value.denominator)


def _rate(numerator: int, denominator: int) -> float | None:
    """100 · numerator / denominator rounded to 2 decimals, or None when the denominator is 0."""
    return None if denominator == 0 else _round2(100 * numerator, denominator)


def _sqrt_gap_at_least(larger: int, smaller: int, gap_numerator: int, gap_denominator: int) -> bool:
    """Exactly whether √larger − √smaller ≥ g = gap_numerator / gap_denominator, for larger ≥ smaller ≥ 0,
    g ≥ 0 and gap_denominator > 0, in integers.

    √l ≥ √s + g  ⇔  l ≥ s + 2g√s + g²  ⇔  l − s − g² ≥ 2g√s  ⇔  (l − s − g² ≥ 0 and (l − s − g²)² ≥ 4g²s);
    multiplied by d² (then d⁴) with g = n/d: R = (l − s)·d² − n² ≥ 0 and R² ≥ 4·n²·s·d².
    """
    rest = (larger - smaller) * gap_denominator * gap_denominator - gap_numerator * gap_numerator
    return rest >= 0 and rest * rest >= 4 * gap_numerator * gap_numerator * smaller * gap_denominator * gap_denominator


# --- Reductions (crime, social evils, violations) ------------------------------------------------


def judge_reduction(cur: int, prev: int, threshold_pct=7, z_threshold=3) -> dict:
    """A reduction target ("kéo giảm từ 7% trở lên"): cases this period against the previous one.

    - met when prev > 0 and 100·(prev − cur) ≥ threshold·prev (a fall of at least threshold %),
      or when prev = 0 and cur = 0; missed otherwise (so prev = 0 < cur is missed).
    - change_pct = 100·(cur − prev)/prev, rounded to 2 decimals; None when prev = 0.
    - z = 2·(√cur − √prev) (Poisson variance-stabilised difference), rounded to 2 decimals.
      significant when |z| ≥ z_threshold, decided exactly on the unrounded z (so a z shown as 3.0
      after rounding may still be "not significant" when it is 2.996).
    """
    cur, prev = _count(cur, "current"), _count(prev, "previous")
    threshold, threshold_denominator = _ratio(threshold_pct)
    if prev > 0:
        met = 100 * (prev - cur) * threshold_denominator >= threshold * prev
    else:
        met = cur == 0
    z_limit, z_denominator = _ratio(z_threshold)
    if z_limit < 0:
        raise ValueError("The significance threshold cannot be negative.")
    larger, smaller = max(cur, prev), min(cur, prev)
    return {
        "current": cur,
        "previous": prev,
        "change_pct": _rate(cur - prev, prev),
        "z": _round2(*(2 * (math.sqrt(cur) - math.sqrt(prev))).as_integer_ratio()),  # the float's exact value
        "significant": _sqrt_gap_at_least(larger, smaller, z_limit, 2 * z_denominator),
        "status": Status.MET.value if met else Status.MISSED.value,
    }


# --- 100 % targets (tips on time, foreigners declared) -------------------------------------------


def judge_ratio_all(numerator: int, denominator: int) -> dict:
    """A "100 %" target: met when numerator = denominator > 0, missed when fewer, no_data when denominator = 0."""
    return _judge_share(numerator, denominator, lambda numerator, denominator: numerator == denominator)


def _judge_share(numerator: int, denominator: int, met: Callable[[int, int], bool]) -> dict:
    """A share of people or tips: no_data when the denominator is 0, else met when `met(numerator, denominator)`."""
    numerator, denominator = _count(numerator, "numerator"), _count(denominator, "denominator")
    if numerator > denominator:
        raise ValueError(f"The numerator ({numerator}) cannot exceed the denominator ({denominator}).")
    if denominator == 0:
        status = Status.NO_DATA
    else:
        status = Status.MET if met(numerator, denominator) else Status.MISSED
    return {
        "numerator": numerator,
        "denominator": denominator,
        "rate": _rate(numerator, denominator),
        "status": status.value,
    }


# --- Reintegration -------------------------------------------------------------------------------


def judge_employment(
    employed_cur: int, population_cur: int, employed_prev: int, population_prev: int, points=10
) -> dict:
    """Share with a job and a stable life up by ``points`` percentage points on the previous period.

    met when rate_cur ≥ min(100, rate_prev + points), with rate = 100 · employed / population,
    compared exactly. Order of the checks, when several apply:
    1. no_data when the current population is 0 — there is nobody to judge, so a missing baseline
       does not matter (this wins over no_baseline when both populations are 0);
    2. no_baseline when the previous population is 0 (previous_rate is then None);
    3. met / missed.
    """
    employed_cur, population_cur = _count(employed_cur, "employed"), _count(population_cur, "population")
    employed_prev, population_prev = (
        _count(employed_prev, "previous employed"),
        _count(population_prev, "previous population"),
    )
    for employed, population in ((employed_cur, population_cur), (employed_prev, population_prev)):
        if employed > population:
            raise ValueError(f"The employed ({employed}) cannot exceed the population ({population}).")
    if population_cur == 0:
        status = Status.NO_DATA
    elif population_prev == 0:
        status = Status.NO_BASELINE
    else:
        # rate_cur ≥ min(100, rate_prev + p/q)  ⇔  rate_cur ≥ 100 (everybody employed) or
        # 100·ec/pc ≥ 100·ep/pp + p/q  ⇔  100·ec·pp·q ≥ (100·ep·q + p·pp)·pc, all denominators > 0.
        points, points_denominator = _ratio(points)
        met = employed_cur >= population_cur or (
            100 * employed_cur * population_prev * points_denominator
            >= (100 * employed_prev * points_denominator + points * population_prev) * population_cur
        )
        status = Status.MET if met else Status.MISSED
    return {
        "numerator": employed_cur,
        "denominator": population_cur,
        "rate": _rate(employed_cur, population_cur),
        "previous_rate": _rate(employed_prev, population_prev),
        "status": status.value,
    }


def judge_reoffending(numerator: int, denominator: int, limit_pct=10) -> dict:
    """Reoffending below ``limit_pct`` % strictly: met when 100·numerator < limit·denominator; no_data when denominator = 0."""

    def below_the_limit(numerator: int, denominator: int) -> bool:
        limit, limit_denominator = _ratio(limit_pct)
        return 100 * numerator * limit_denominator < limit * denominator

    return _judge_share(numerator, denominator, below_the_limit)


# --- Traffic -------------------------------------------------------------------------------------


def _traffic(figures: dict, name: str) -> dict:
    missing = [key for key in TRAFFIC_CRITERIA if key not in figures]
    if missing:
        raise KeyError(f"{name} traffic figures lack {', '.join(missing)}.")
    return {key: _count(figures[key], f"{name} {key}") for key in TRAFFIC_CRITERIA}


def judge_traffic(cur: dict, prev: dict) -> dict:
    """Traffic accidents reduced "on all three criteria": met when, for cases, deaths and injuries each,
    cur < prev or cur = prev = 0; missed otherwise (there is no no_data: zero against zero is met)."""
    cur, prev = _traffic(cur, "current"), _traffic(prev, "previous")
    met = all(cur[key] < prev[key] or cur[key] == prev[key] == 0 for key in TRAFFIC_CRITERIA)
    return {"current": cur, "previous": prev, "status": Status.MET.value if met else Status.MISSED.value}


# --- Narrative line ------------------------------------------------------------------------------

# Kind words at the start of a unit's name: (Vietnamese prefix, lower-case it mid-sentence?, English kind).
# The article writes "xã Thanh Lâm", "huyện Ba Chẽ", "tỉnh Lạng Sơn" in lower case mid-sentence but
# always "Thị trấn Ba Chẽ"; "Thành phố" is kept too (as in "Thành phố Hồ Chí Minh"). Longest first so
# that "Thị xã" is not read as "Xã".
_KIND_WORDS = (
    ("Tổ dân phố", False, "residential group"),
    ("Thành phố", False, "city"),
    ("Thị trấn", False, "town"),
    ("Khu phố", False, "quarter"),
    ("Thị xã", True, "town"),
    ("Phường", True, "ward"),
    ("Huyện", True, "district"),
    ("Quận", True, "district"),
    ("Tỉnh", True, "province"),
    ("Thôn", True, "village"),
    ("Bản", True, "hamlet"),
    ("Xã", True, "commune"),
)


def _split_kind(unit_name: str):
    name = " ".join(unit_name.split())
    for word, lower, english in _KIND_WORDS:
        if name.casefold().startswith(word.casefold() + " "):
            return name[: len(word)], name[len(word) + 1 :], lower, english
    return None, name, False, None


def vietnamese_unit_name(unit_name: str) -> str:
    """The unit's name as written mid-sentence: "Xã Thanh Lâm" → "xã Thanh Lâm"; "Thị trấn Ba Chẽ" kept."""
    kind, rest, lower, _english = _split_kind(unit_name)
    if kind is None:
        return rest
    return f"{kind.lower() if lower else kind} {rest}"


def english_unit_name(unit_name: str) -> str:
    """The unit's name in English order: "Xã Thanh Lâm" → "Thanh Lâm commune", "Thị trấn Ba Chẽ" → "Ba Chẽ town"."""
    kind, rest, _lower, english = _split_kind(unit_name)
    return rest if kind is None else f"{rest} {english}"


def _vi_part(delta: int, noun: str) -> tuple[str | None, str]:
    if delta == 0:
        return None, f"số {noun} tương đương"
    return ("giảm" if delta < 0 else "tăng"), f"{abs(delta):02d} {noun}"


def _en_part(delta: int, singular: str, plural: str) -> str:
    if delta == 0:
        return f"same number of {plural}"
    count = abs(delta)
    return f"{count} {'fewer' if delta < 0 else 'more'} {singular if count == 1 else plural}"


def narrative_line(
    unit_name: str, previous_year: int, cases_delta: int, subjects_delta: int, language: str = "vi"
) -> str:
    """The sentence officials write, e.g. "So với cùng kỳ năm 2020, xã Thanh Lâm giảm 02 vụ, 03 đối tượng."

    ``cases_delta`` and ``subjects_delta`` are current − previous (negative = fewer), summed over the
    three groups (crime, social evils, violations). Vietnamese counts are zero-padded to two digits.
    Wording (Vietnamese / English):
    - both fewer: "giảm 02 vụ, 03 đối tượng" / "2 fewer cases, 3 fewer subjects";
    - both more: "tăng 02 vụ, 03 đối tượng" / "2 more cases, 3 more subjects";
    - opposite ways: "giảm 02 vụ, tăng 01 đối tượng" / "2 fewer cases, 1 more subject";
    - one equal: "giảm 02 vụ, số đối tượng tương đương" / "2 fewer cases, same number of subjects";
    - both equal: "tương đương" / "same number of cases and subjects".
    ``language`` is a language code ("vi", "en", "en-us"...); anything but Vietnamese gives English.
    The sentence is built here rather than from gettext msgids because the Vietnamese wording is the
    official reporting formula and must come out exactly, translated catalogue or not.
    """
    for value, name in ((cases_delta, "cases_delta"), (subjects_delta, "subjects_delta")):
        if isinstance(value, bool) or not isinstance(value, int):
            raise TypeError(f"{name} must be a whole number, got {value!r}.")
    if (language or "").lower().startswith("vi"):
        opening = f"So với cùng kỳ năm {previous_year}, {vietnamese_unit_name(unit_name)}"
        if cases_delta == subjects_delta == 0:
            return f"{opening} tương đương."
        cases_verb, cases_text = _vi_part(cases_delta, "vụ")
        subjects_verb, subjects_text = _vi_part(subjects_delta, "đối tượng")
        if cases_verb and subjects_verb == cases_verb:
            body = f"{cases_verb} {cases_text}, {subjects_text}"
        else:
            body = ", ".join(
                f"{verb} {text}" if verb else text
                for verb, text in ((cases_verb, cases_text), (subjects_verb, subjects_text))
            )
        return f"{opening} {body}."
    opening = f"Compared with the same period of {previous_year}, {english_unit_name(unit_name)}"
    if cases_delta == subjects_delta == 0:
        return f"{opening}: same number of cases and subjects."
    return f"{opening}: {_en_part(cases_delta, 'case', 'cases')}, {_en_part(subjects_delta, 'subject', 'subjects')}."
