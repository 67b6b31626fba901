"""Target rules (dashboards/rules.py) at every edge of targets.md "Targets and how each is judged"."""

import json
from decimal import Decimal
from fractions import Fraction

import pytest
from django.utils import translation

from dashboards.rules import (
    STATUS,
    Status,
    english_unit_name,
    exact,
    judge_employment,
    judge_ratio_all,
    judge_reduction,
    judge_reoffending,
    judge_traffic,
    narrative_line,
    round2,
    vietnamese_unit_name,
)

# --- Statuses ------------------------------------------------------------------------------------


def test_status_values_and_translatable_labels():
    assert Status.values == ["met", "missed", "no_data", "no_baseline"]
    assert STATUS is Status
    with translation.override("en"):
        assert [str(label) for label in Status.labels] == ["met", "missed", "no data", "no baseline"]


# --- Rounding and exact thresholds ---------------------------------------------------------------


@pytest.mark.parametrize(
    "value, expected",
    [
        (Fraction(-50, 3), -16.67),
        (Fraction(50, 3), 16.67),
        (Fraction(200, 3), 66.67),
        (Fraction(1, 200), 0.01),  # 0.005 rounds half away from zero (a float round() would give 0.0)
        (Fraction(-1, 200), -0.01),
        (Fraction(1, 201), 0.0),
        (Fraction(-1, 1000), 0.0),  # no "-0.0" in JSON
        (Fraction(2675, 1000), 2.68),  # round(2.675, 2) == 2.67 in floats
        (100, 100.0),
        (None, None),
    ],
)
def test_round2(value, expected):
    result = round2(value)
    assert result == expected
    if result is not None:
        assert json.dumps(result) == json.dumps(expected)


def test_exact_thresholds():
    assert exact(7) == 7
    assert exact(Decimal("7.5")) == Fraction(15, 2)
    assert exact("9.99") == Fraction(999, 100)
    assert exact(0.1) == Fraction(1, 10)  # the decimal text, not the binary float
    with pytest.raises(TypeError):
        exact(True)
    with pytest.raises(ValueError):
        exact(float("nan"))


# --- Reductions ----------------------------------------------------------------------------------


def test_reduction_of_exactly_7_percent_is_met():
    result = judge_reduction(93, 100)
    assert result["status"] == "met"
    assert result["change_pct"] == -7.0


def test_reduction_of_6_percent_is_missed():
    result = judge_reduction(94, 100)
    assert result["status"] == "missed"
    assert result["change_pct"] == -6.0


def test_reduction_just_short_of_7_percent_is_missed_exactly():
    # 100·(43 − 40) = 300 < 7·43 = 301: a 6.98 % fall. Floats of 40/43 would not be trusted here.
    assert judge_reduction(40, 43)["status"] == "missed"
    assert judge_reduction(39, 43)["status"] == "met"


def test_reduction_example_of_targets_md():
    result = judge_reduction(10, 12)
    assert result == {
        "current": 10,
        "previous": 12,
        "change_pct": -16.67,
        "z": -0.6,
        "significant": False,
        "status": "met",
    }
    assert json.loads(json.dumps(result)) == result


def test_reduction_from_zero_to_zero_is_met():
    result = judge_reduction(0, 0)
    assert result["status"] == "met"
    assert result["change_pct"] is None
    assert result["z"] == 0.0
    assert result["significant"] is False


def test_reduction_from_zero_to_more_is_missed():
    result = judge_reduction(1, 0)
    assert result["status"] == "missed"
    assert result["change_pct"] is None
    assert result["z"] == 2.0


def test_an_increase_is_missed():
    result = judge_reduction(12, 10)
    assert result["status"] == "missed"
    assert result["change_pct"] == 20.0


def test_a_fall_to_zero_is_met():
    result = judge_reduction(0, 5)
    assert result["status"] == "met"
    assert result["change_pct"] == -100.0


def test_reduction_threshold_is_a_parameter_and_may_be_a_decimal():
    assert judge_reduction(90, 100, threshold_pct=10)["status"] == "met"
    assert judge_reduction(91, 100, threshold_pct=10)["status"] == "missed"
    assert judge_reduction(925, 1000, threshold_pct=Decimal("7.5"))["status"] == "met"
    assert judge_reduction(926, 1000, threshold_pct=Decimal("7.5"))["status"] == "missed"
    assert judge_reduction(10, 10, threshold_pct=0)["status"] == "met"


def test_small_change_is_not_significant():
    result = judge_reduction(2, 3)
    assert result["change_pct"] == -33.33
    assert result["z"] == -0.64
    assert result["significant"] is False
    assert result["status"] == "met"  # met, but not significant: pages show both


def test_large_change_is_significant():
    result = judge_reduction(60, 100)
    assert result["z"] == -4.51
    assert result["significant"] is True


def test_significance_at_exactly_the_threshold():
    # 2·(√16 − √4) = 4 and 2·(√4 − √1) = 2: exact values, compared exactly.
    assert judge_reduction(4, 16, z_threshold=4)["significant"] is True
    assert judge_reduction(4, 16, z_threshold=Decimal("4.01"))["significant"] is False
    assert judge_reduction(16, 4, z_threshold=4)["significant"] is True  # an increase counts the same
    assert judge_reduction(1, 4, z_threshold=2)["significant"] is True
    assert judge_reduction(9, 0)["z"] == 6.0
    assert judge_reduction(2, 0)["significant"] is False  # z = 2.83
    assert judge_reduction(3, 0)["significant"] is True  # z = 3.46


def test_significance_is_decided_on_the_exact_z_not_the_rounded_one():
    # 2·(√100 − √58) = 4.768...; 2·(√49 − √25) = 4 exactly; 2·(√50 − √26) = 3.944...
    assert judge_reduction(50, 26, z_threshold=Fraction(3944, 1000))["significant"] is True
    assert judge_reduction(50, 26, z_threshold=Fraction(3945, 1000))["significant"] is False
    assert judge_reduction(50, 26, z_threshold=Fraction(3945, 1000))["z"] == 3.94


def test_significance_threshold_is_a_parameter():
    assert judge_reduction(2, 3, z_threshold=0)["significant"] is True
    assert judge_reduction(60, 100, z_threshold=5)["significant"] is False
    with pytest.raises(ValueError):
        judge_reduction(1, 1, z_threshold=-1)


@pytest.mark.parametrize("cur, prev", [(-1, 3), (3, -1)])
def test_negative_counts_are_refused(cur, prev):
    with pytest.raises(ValueError, match="negative"):
        judge_reduction(cur, prev)


def test_non_integer_counts_are_refused():
    with pytest.raises(TypeError):
        judge_reduction(1.0, 2)


def test_reduction_exhaustively_against_the_definition():
    """For every pair up to 60, the status is the integer rule of targets.md."""
    for prev in range(0, 61):
        for cur in range(0, 61):
            if prev > 0:
                expected = "met" if 100 * (prev - cur) >= 7 * prev else "missed"
            else:
                expected = "met" if cur == 0 else "missed"
            assert judge_reduction(cur, prev)["status"] == expected, (cur, prev)


# --- 100 % targets -------------------------------------------------------------------------------


def test_all_on_time_is_met():
    assert judge_ratio_all(5, 5) == {"numerator": 5, "denominator": 5, "rate": 100.0, "status": "met"}


def test_twelve_of_thirteen_is_missed():
    assert judge_ratio_all(12, 13) == {"numerator": 12, "denominator": 13, "rate": 92.31, "status": "missed"}


def test_nothing_to_judge_is_no_data():
    assert judge_ratio_all(0, 0) == {"numerator": 0, "denominator": 0, "rate": None, "status": "no_data"}


def test_none_on_time_is_missed():
    assert judge_ratio_all(0, 3)["status"] == "missed"
    assert judge_ratio_all(0, 3)["rate"] == 0.0


def test_numerator_above_denominator_is_refused():
    with pytest.raises(ValueError, match="cannot exceed"):
        judge_ratio_all(4, 3)


def test_one_late_in_a_thousand_is_missed():
    result = judge_ratio_all(999, 1000)
    assert result["status"] == "missed"
    assert result["rate"] == 99.9


# --- Employment ----------------------------------------------------------------------------------


def test_employment_example_of_targets_md():
    assert judge_employment(6, 9, 5, 10) == {
        "numerator": 6,
        "denominator": 9,
        "rate": 66.67,
        "previous_rate": 50.0,
        "status": "met",
    }


def test_employment_up_exactly_10_points_is_met():
    assert judge_employment(6, 10, 5, 10)["status"] == "met"  # 60 ≥ 50 + 10


def test_employment_up_less_than_10_points_is_missed():
    assert judge_employment(59, 100, 49, 100)["status"] == "met"
    assert judge_employment(58, 100, 49, 100)["status"] == "missed"


def test_employment_compared_exactly_with_thirds():
    # rate_prev = 100/3 %, so the target is 130/3 % = 43.33...%; 13 of 30 is exactly 130/3 %.
    assert judge_employment(13, 30, 1, 3)["status"] == "met"
    assert judge_employment(43, 100, 1, 3)["status"] == "missed"  # 43 % < 43.33 %


def test_employment_from_95_needs_100():
    assert judge_employment(19, 20, 19, 20)["status"] == "missed"
    assert judge_employment(99, 100, 95, 100)["status"] == "missed"
    assert judge_employment(20, 20, 19, 20)["status"] == "met"


def test_employment_already_at_100_stays_met_at_100():
    assert judge_employment(7, 7, 4, 4)["status"] == "met"
    assert judge_employment(6, 7, 4, 4)["status"] == "missed"


def test_employment_without_previous_population_has_no_baseline():
    assert judge_employment(3, 4, 0, 0) == {
        "numerator": 3,
        "denominator": 4,
        "rate": 75.0,
        "previous_rate": None,
        "status": "no_baseline",
    }


def test_employment_without_current_population_has_no_data():
    result = judge_employment(0, 0, 3, 4)
    assert result["status"] == "no_data"
    assert result["rate"] is None
    assert result["previous_rate"] == 75.0


def test_employment_with_both_populations_empty_is_no_data():
    assert judge_employment(0, 0, 0, 0)["status"] == "no_data"


def test_employment_points_are_a_parameter():
    assert judge_employment(55, 100, 50, 100, points=5)["status"] == "met"
    assert judge_employment(55, 100, 50, 100, points=Decimal("5.01"))["status"] == "missed"


def test_employment_with_more_employed_than_population_is_refused():
    with pytest.raises(ValueError, match="cannot exceed"):
        judge_employment(5, 4, 1, 2)


# --- Reoffending ---------------------------------------------------------------------------------


def test_reoffending_of_exactly_10_percent_is_missed():
    result = judge_reoffending(1, 10)
    assert result == {"numerator": 1, "denominator": 10, "rate": 10.0, "status": "missed"}


def test_reoffending_just_below_10_percent_is_met():
    result = judge_reoffending(999, 10000)
    assert result["rate"] == 9.99
    assert result["status"] == "met"
    assert judge_reoffending(1, 11)["status"] == "met"  # 9.09 %


def test_no_reoffending_is_met():
    assert judge_reoffending(0, 7)["status"] == "met"


def test_reoffending_without_cohort_is_no_data():
    assert judge_reoffending(0, 0) == {"numerator": 0, "denominator": 0, "rate": None, "status": "no_data"}


def test_reoffending_limit_is_a_parameter():
    assert judge_reoffending(1, 10, limit_pct=Decimal("10.01"))["status"] == "met"
    assert judge_reoffending(1, 20, limit_pct=5)["status"] == "missed"


# --- Traffic -------------------------------------------------------------------------------------


def traffic(cases, deaths, injuries):
    return {"cases": cases, "deaths": deaths, "injuries": injuries}


def test_traffic_down_on_all_three_is_met():
    result = judge_traffic(traffic(1, 0, 1), traffic(2, 1, 2))
    assert result == {"current": traffic(1, 0, 1), "previous": traffic(2, 1, 2), "status": "met"}


def test_traffic_example_of_targets_md():
    # injuries 2 → 2 (equal, not zero): missed.
    assert judge_traffic(traffic(1, 0, 2), traffic(2, 1, 2))["status"] == "missed"


def test_traffic_zero_against_zero_counts_as_reduced():
    assert judge_traffic(traffic(1, 0, 0), traffic(3, 0, 0))["status"] == "met"
    assert judge_traffic(traffic(0, 0, 0), traffic(0, 0, 0))["status"] == "met"


@pytest.mark.parametrize("criterion", ["cases", "deaths", "injuries"])
def test_traffic_one_criterion_equal_non_zero_is_missed(criterion):
    current, previous = traffic(1, 1, 1), traffic(2, 2, 2)
    current[criterion] = previous[criterion]
    assert judge_traffic(current, previous)["status"] == "missed"


@pytest.mark.parametrize("criterion", ["cases", "deaths", "injuries"])
def test_traffic_one_criterion_up_is_missed(criterion):
    current, previous = traffic(0, 0, 0), traffic(2, 2, 2)
    current[criterion] = 3
    assert judge_traffic(current, previous)["status"] == "missed"


def test_traffic_output_keeps_only_the_three_criteria_and_refuses_missing_ones():
    result = judge_traffic({**traffic(0, 0, 0), "extra": 9}, traffic(1, 1, 1))
    assert list(result["current"]) == ["cases", "deaths", "injuries"]
    with pytest.raises(KeyError, match="deaths"):
        judge_traffic({"cases": 1, "injuries": 0}, traffic(1, 1, 1))


# --- Narrative line ------------------------------------------------------------------------------


def test_narrative_of_the_article():
    assert (
        narrative_line("Xã Thanh Lâm", 2020, -2, -3, "vi")
        == "So với cùng kỳ năm 2020, xã Thanh Lâm giảm 02 vụ, 03 đối tượng."
    )
    assert (
        narrative_line("Thị trấn Ba Chẽ", 2020, -1, -2, "vi")
        == "So với cùng kỳ năm 2020, Thị trấn Ba Chẽ giảm 01 vụ, 02 đối tượng."
    )


def test_narrative_in_english():
    assert (
        narrative_line("Xã Thanh Lâm", 2020, -2, -3, "en")
        == "Compared with the same period of 2020, Thanh Lâm commune: 2 fewer cases, 3 fewer subjects."
    )
    assert (
        narrative_line("Thị trấn Ba Chẽ", 2020, -1, 1, "en-us")
        == "Compared with the same period of 2020, Ba Chẽ town: 1 fewer case, 1 more subject."
    )


@pytest.mark.parametrize(
    "cases, subjects, vietnamese, english",
    [
        (3, 4, "tăng 03 vụ, 04 đối tượng", "3 more cases, 4 more subjects"),
        (-2, 1, "giảm 02 vụ, tăng 01 đối tượng", "2 fewer cases, 1 more subject"),
        (2, -1, "tăng 02 vụ, giảm 01 đối tượng", "2 more cases, 1 fewer subject"),
        (0, -3, "số vụ tương đương, giảm 03 đối tượng", "same number of cases, 3 fewer subjects"),
        (-2, 0, "giảm 02 vụ, số đối tượng tương đương", "2 fewer cases, same number of subjects"),
        (0, 0, "tương đương", "same number of cases and subjects"),
        (-12, -125, "giảm 12 vụ, 125 đối tượng", "12 fewer cases, 125 fewer subjects"),
    ],
)
def test_narrative_wording(cases, subjects, vietnamese, english):
    assert (
        narrative_line("Xã Thanh Lâm", 2020, cases, subjects, "vi")
        == f"So với cùng kỳ năm 2020, xã Thanh Lâm {vietnamese}."
    )
    assert (
        narrative_line("Xã Thanh Lâm", 2020, cases, subjects, "en")
        == f"Compared with the same period of 2020, Thanh Lâm commune: {english}."
    )


@pytest.mark.parametrize(
    "name, vietnamese, english",
    [
        ("Xã Thanh Lâm", "xã Thanh Lâm", "Thanh Lâm commune"),
        ("Thị trấn Ba Chẽ", "Thị trấn Ba Chẽ", "Ba Chẽ town"),
        ("Huyện Ba Chẽ", "huyện Ba Chẽ", "Ba Chẽ district"),
        ("Tỉnh Quảng Ninh", "tỉnh Quảng Ninh", "Quảng Ninh province"),
        ("Thị xã Quảng Yên", "thị xã Quảng Yên", "Quảng Yên town"),
        ("Phường Hồng Gai", "phường Hồng Gai", "Hồng Gai ward"),
        ("Thành phố Hạ Long", "Thành phố Hạ Long", "Hạ Long city"),
        ("Thôn Đồng Thầm", "thôn Đồng Thầm", "Đồng Thầm village"),
        ("xã  Lương Minh", "xã Lương Minh", "Lương Minh commune"),
        ("Xã", "Xã", "Xã"),  # no name after the kind word: left alone
        ("Ba Chẽ", "Ba Chẽ", "Ba Chẽ"),
        ("Xãhội", "Xãhội", "Xãhội"),  # a kind word must be followed by a space
    ],
)
def test_unit_names_mid_sentence(name, vietnamese, english):
    assert vietnamese_unit_name(name) == vietnamese
    assert english_unit_name(name) == english


def test_narrative_refuses_non_integer_deltas():
    with pytest.raises(TypeError):
        narrative_line("Xã Thanh Lâm", 2020, -2.0, -3, "vi")
