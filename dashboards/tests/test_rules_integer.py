"""The rules in integers (dashboards/rules.py) give exactly what the Fraction rules they replaced gave.

The reference below is the Fraction implementation of 28/11/2026, copied as it was: every output
(statuses, rounded rates, z, significance) must be equal and serialise to the same JSON, on
exhaustive small counts, random large ones and thresholds of every accepted type.
"""

import json
import math
import random
from decimal import Decimal
from fractions import Fraction

import pytest

from dashboards import rules
from dashboards.rules import Status, exact

# --- The reference: the Fraction rules as they were ----------------------------------------------


def ref_round2(value):
    if value is None:
        return None
    hundredths = Fraction(value) * 100
    magnitude = math.floor(abs(hundredths) + Fraction(1, 2))
    rounded = Fraction(magnitude if hundredths >= 0 else -magnitude, 100)
    return float(rounded) + 0.0


def ref_percentage(numerator, denominator):
    return None if denominator == 0 else Fraction(100 * numerator, denominator)


def ref_sqrt_gap_at_least(larger, smaller, gap):
    rest = larger - smaller - gap * gap
    return rest >= 0 and rest * rest >= 4 * gap * gap * smaller


def ref_judge_reduction(cur, prev, threshold_pct=7, z_threshold=3):
    threshold = exact(threshold_pct)
    met = 100 * (prev - cur) >= threshold * prev if prev > 0 else cur == 0
    z_limit = exact(z_threshold)
    if z_limit < 0:
        raise ValueError
    larger, smaller = max(cur, prev), min(cur, prev)
    return {
        "current": cur,
        "previous": prev,
        "change_pct": ref_round2(ref_percentage(cur - prev, prev)),
        "z": ref_round2(Fraction(2 * (math.sqrt(cur) - math.sqrt(prev)))),
        "significant": ref_sqrt_gap_at_least(larger, smaller, z_limit / 2),
        "status": Status.MET.value if met else Status.MISSED.value,
    }


def ref_judge_ratio_all(numerator, denominator):
    if denominator == 0:
        status = Status.NO_DATA
    else:
        status = Status.MET if numerator == denominator else Status.MISSED
    return {
        "numerator": numerator,
        "denominator": denominator,
        "rate": ref_round2(ref_percentage(numerator, denominator)),
        "status": status.value,
    }


def ref_judge_employment(employed_cur, population_cur, employed_prev, population_prev, points=10):
    rate_cur = ref_percentage(employed_cur, population_cur)
    rate_prev = ref_percentage(employed_prev, population_prev)
    if rate_cur is None:
        status = Status.NO_DATA
    elif rate_prev is None:
        status = Status.NO_BASELINE
    else:
        status = Status.MET if rate_cur >= min(Fraction(100), rate_prev + exact(points)) else Status.MISSED
    return {
        "numerator": employed_cur,
        "denominator": population_cur,
        "rate": ref_round2(rate_cur),
        "previous_rate": ref_round2(rate_prev),
        "status": status.value,
    }


def ref_judge_reoffending(numerator, denominator, limit_pct=10):
    if denominator == 0:
        status = Status.NO_DATA
    else:
        status = Status.MET if 100 * numerator < exact(limit_pct) * denominator else Status.MISSED
    return {
        "numerator": numerator,
        "denominator": denominator,
        "rate": ref_round2(ref_percentage(numerator, denominator)),
        "status": status.value,
    }


def same(new, old):
    """Equal values and the same JSON text (so 0.0 and -0.0, or 1 and 1.0, would be told apart)."""
    assert new == old
    assert json.dumps(new, sort_keys=True) == json.dumps(old, sort_keys=True)


# Thresholds of every accepted type: ints, Decimals as target definitions store them (2 decimals,
# 0..100), Fractions with a denominator that is no power of ten, strings and floats (decimal text).
THRESHOLDS = [
    0,
    7,
    10,
    100,
    Decimal("7"),
    Decimal("7.00"),
    Decimal("6.5"),
    Decimal("0.01"),
    Decimal("99.99"),
    Decimal("33.33"),
    Fraction(20, 3),
    Fraction(1, 7),
    "7.5",
    "12.25",
    7.1,
    0.1,
]
Z_THRESHOLDS = [0, 1, 3, Decimal("2.5"), Decimal("1.96"), Fraction(7, 3), "3", 2.576]


# --- Rounding ------------------------------------------------------------------------------------


def test_round2_equals_the_fraction_rounding():
    generator = random.Random(5)
    values = [Fraction(n, d) for n in range(-300, 301) for d in (1, 2, 3, 7, 8, 200, 201, 400, 1000)]
    values += [Fraction(generator.randrange(-(10**12), 10**12), generator.randrange(1, 10**9)) for _ in range(5000)]
    values += [Fraction(x) for x in (0.005, -0.005, 2.675, 1e-9, 123456.785, -0.0)]
    for value in values:
        same(rules.round2(value), ref_round2(value))
    for n in range(-2000, 2001):  # every half-hundredth edge of [-10, 10]
        same(rules.round2(Fraction(n, 200)), ref_round2(Fraction(n, 200)))


# --- The four exact rules ------------------------------------------------------------------------


def test_reduction_equals_the_fraction_rule_on_every_small_count():
    # Every threshold with the default z, every z with the default threshold (the two are independent).
    settings = [(threshold, 3) for threshold in THRESHOLDS] + [(7, z) for z in Z_THRESHOLDS]
    for threshold, z in settings:
        for prev in range(0, 31):
            for cur in range(0, 31):
                same(rules.judge_reduction(cur, prev, threshold, z), ref_judge_reduction(cur, prev, threshold, z))


def test_reduction_equals_the_fraction_rule_on_random_counts():
    generator = random.Random(7)
    for _ in range(10000):
        prev = generator.choice([generator.randrange(0, 200), generator.randrange(0, 10**7)])
        # Around the 7 % edge and around the significance edge as well as anywhere.
        cur = generator.choice(
            [
                generator.randrange(0, 2 * prev + 2),
                prev - math.ceil(7 * prev / 100) + generator.randrange(-2, 3),
                round((math.sqrt(prev) + 1.5) ** 2) + generator.randrange(-2, 3),
            ]
        )
        cur = max(cur, 0)
        threshold, z = generator.choice(THRESHOLDS), generator.choice(Z_THRESHOLDS)
        same(rules.judge_reduction(cur, prev, threshold, z), ref_judge_reduction(cur, prev, threshold, z))


def test_ratio_all_and_reoffending_equal_the_fraction_rules():
    generator = random.Random(11)
    pairs = [(n, d) for d in range(0, 41) for n in range(0, d + 1)]
    pairs += [(generator.randrange(0, d + 1), d) for d in (generator.randrange(1, 10**6) for _ in range(2000))]
    for numerator, denominator in pairs:
        same(rules.judge_ratio_all(numerator, denominator), ref_judge_ratio_all(numerator, denominator))
        for limit in THRESHOLDS[::3] + [Fraction(10, 1), "10.01"]:
            same(
                rules.judge_reoffending(numerator, denominator, limit),
                ref_judge_reoffending(numerator, denominator, limit),
            )


def test_employment_equals_the_fraction_rule():
    generator = random.Random(13)
    cases = [
        (ec, pc, ep, pp)
        for pc in range(0, 7)
        for ec in range(0, pc + 1)
        for pp in range(0, 7)
        for ep in range(0, pp + 1)
    ]
    for _ in range(2000):
        pc, pp = generator.randrange(0, 3000), generator.randrange(0, 3000)
        cases.append((generator.randrange(0, pc + 1), pc, generator.randrange(0, pp + 1), pp))
    for employed_cur, population_cur, employed_prev, population_prev in cases:
        for points in (10, Decimal("10.00"), Decimal("12.5"), Fraction(10, 3), "0", 0.1, Decimal("100")):
            same(
                rules.judge_employment(employed_cur, population_cur, employed_prev, population_prev, points),
                ref_judge_employment(employed_cur, population_cur, employed_prev, population_prev, points),
            )


def test_the_edges_of_the_employment_rule_in_integers():
    # Exactly rate_prev + 10 points with thirds: 1/3 → 43.33.. + 10 = 43.33..%: 13/30 is met, 12/30 not.
    assert rules.judge_employment(13, 30, 1, 3)["status"] == "met"
    assert rules.judge_employment(12, 30, 1, 3)["status"] == "missed"
    # Capped at 100: from 95 % everybody employed is met even though 95 + 10 > 100.
    assert rules.judge_employment(20, 20, 19, 20)["status"] == "met"
    assert rules.judge_employment(19, 20, 19, 20)["status"] == "missed"


@pytest.mark.parametrize("bad", [True, float("nan"), float("inf"), "seven", None, Decimal("NaN"), [7]])
def test_bad_thresholds_fail_as_before(bad):
    """The same exception type as the Fraction rules, and only where they raised one."""
    for new, old in (
        (lambda: rules.judge_reduction(5, 10, bad), lambda: ref_judge_reduction(5, 10, bad)),
        (lambda: rules.judge_reduction(5, 10, 7, bad), lambda: ref_judge_reduction(5, 10, 7, bad)),
        (lambda: rules.judge_employment(1, 2, 1, 2, bad), lambda: ref_judge_employment(1, 2, 1, 2, bad)),
        (lambda: rules.judge_reoffending(1, 2, bad), lambda: ref_judge_reoffending(1, 2, bad)),
    ):
        with pytest.raises(Exception) as expected:
            old()
        with pytest.raises(type(expected.value)):
            new()
    # Where nothing is judged the threshold is not read, as before.
    same(rules.judge_employment(0, 0, 1, 2, bad), ref_judge_employment(0, 0, 1, 2, bad))
    same(rules.judge_employment(1, 2, 0, 0, bad), ref_judge_employment(1, 2, 0, 0, bad))
    same(rules.judge_reoffending(0, 0, bad), ref_judge_reoffending(0, 0, bad))


def test_a_negative_significance_threshold_is_refused():
    with pytest.raises(ValueError):
        rules.judge_reduction(1, 2, 7, Decimal("-0.5"))
