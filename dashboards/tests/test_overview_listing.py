"""The overview above district level: the province and its districts (each opening its own overview),
`?communes=all` for every commune; a fixed number of queries whatever the number of communes; cells
computed in integers with exactly the text of the exact (Fraction) rule."""

import random
from datetime import date
from decimal import Decimal
from fractions import Fraction

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import formats, translation
from django.utils.translation import gettext

from communes.models import AdministrativeUnit, Level, UnitKind, UnitLineage
from dashboards import engine, rules, selectors
from dashboards.tests.helpers import add_communes
from incidents.models import Incident
from incidents.tests import factories as f

pytestmark = pytest.mark.django_db

YEAR = 2021
YEAR_END = date(2021, 12, 14)
TO_DATE = date(2021, 6, 14)


def overview_url(unit, **query):
    query = {"year": YEAR, **query}
    return reverse("dashboards:unit_overview", args=[unit.pk]) + "?" + "&".join(f"{k}={v}" for k, v in query.items())


def add_unit(code, name, kind, level, parent):
    return AdministrativeUnit.objects.create(
        code=code, name=name, kind=kind, level=level, parent=parent, path=f"{parent.path}{code}/"
    )


@pytest.fixture
def province(units, roles, django_user_model):
    """Quảng Ninh with two districts: Ba Chẽ (8 communes) and a second one with 2 communes.

    Thanh Lâm: 12 crimes in 2020, 10 in 2021; the second district's first commune: 3 in 2021."""
    user = django_user_model.objects.create_user("recorder", password="x")
    # The listing's mechanics on a small province: the out-of-area predecessors of Ba Chẽ's 2025
    # communes (TP Hạ Long's and Tiên Yên's, loaded by the seed) are left out here.
    outside = AdministrativeUnit.objects.filter(level=Level.DISTRICT).exclude(code="202")
    UnitLineage.objects.filter(predecessor__parent__in=outside).delete()
    AdministrativeUnit.objects.filter(parent__in=outside).delete()
    outside.delete()
    other = add_unit("203", "Huyện Thử", UnitKind.DISTRICT, Level.DISTRICT, units["22"])
    first = add_unit("07001", "Xã Một", UnitKind.COMMUNE, Level.COMMUNE, other)
    add_unit("07002", "Xã Hai", UnitKind.COMMUNE, Level.COMMUNE, other)
    Incident.objects.bulk_create(
        [f.incident(units["06976"], user, occurred_on=date(2020, 3, 1)) for _ in range(12)]
        + [f.incident(units["06976"], user, occurred_on=date(2021, 3, 1)) for _ in range(10)]
        + [f.incident(first, user, occurred_on=date(2021, 5, 1)) for _ in range(3)]
    )
    return units["22"]


def rows_of(page: str) -> list[str]:
    """The unit codes of the overview table's rows, in order."""
    table = page.split('id="overview-table"')[1].split("</table>")[0]
    return [part.split('"')[0] for part in table.split('<tr data-unit="')[1:]]


def test_province_overview_lists_the_province_and_its_districts(province, roles, client_for):
    engine.recompute(YEAR, YEAR_END, "22")
    client = client_for(roles.admin)
    page = client.get(overview_url(province)).text
    assert rows_of(page) == ["22", "202", "203"]  # no commune row
    district = AdministrativeUnit.objects.get(code="202")
    # Each district opens its own overview (with its communes), for the same year.
    assert f'href="{reverse("dashboards:unit_overview", args=[district.pk])}?year={YEAR}"' in page
    crime = page.split('data-unit="202"')[1].split('data-target="crime_reduction"')[1].split("</td>")[0]
    assert ">10<" in crime and "/ 12" in crime
    other = page.split('data-unit="203"')[1].split('data-target="crime_reduction"')[1].split("</td>")[0]
    assert ">3<" in other and "/ 0" in other
    province_crime = page.split('data-unit="22"')[1].split('data-target="crime_reduction"')[1].split("</td>")[0]
    assert ">13<" in province_crime  # the province row is the sum of everything below it
    assert page.count("<li>So với cùng kỳ năm 2020") == 3  # a narrative per row
    assert 'data-listing="districts"' in page
    assert f'href="{reverse("dashboards:unit_overview", args=[province.pk])}?year={YEAR}&amp;communes=all"' in page
    assert 'name="communes"' not in page  # the period form keeps the default listing


def test_all_communes_on_request(province, roles, client_for):
    engine.recompute(YEAR, YEAR_END, "22")
    page = client_for(roles.admin).get(overview_url(province, communes="all")).text
    codes = rows_of(page)
    communes = AdministrativeUnit.objects.filter(path__startswith=province.path, level=Level.COMMUNE).valid_on(YEAR_END)
    assert len(codes) == 1 + 2 + communes.count() == 13
    assert codes[:2] == ["22", "202"] and codes[10:] == ["203", "07001", "07002"]  # tree order
    assert 'data-listing="all"' in page
    assert '<input type="hidden" name="communes" value="all">' in page  # changing the year keeps the listing
    assert f'href="{reverse("dashboards:unit_overview", args=[province.pk])}?year={YEAR}"' in page  # back


def test_district_overview_lists_its_communes_as_before(province, roles, client_for):
    district = AdministrativeUnit.objects.get(code="202")
    page = client_for(roles.district_committee).get(overview_url(district)).text
    codes = rows_of(page)
    assert codes[0] == "202" and len(codes) == 9 and "06976" in codes
    assert 'id="listing"' not in page  # nothing to switch: a district lists its communes
    # ?communes=all changes nothing on a district.
    assert rows_of(client_for(roles.district_committee).get(overview_url(district, communes="all")).text) == codes


@pytest.mark.parametrize("as_of", [YEAR_END, TO_DATE], ids=["closed year", "to date (projection)"])
@pytest.mark.parametrize("stored", [True, False], ids=["stored", "live"])
def test_districts_only_has_the_figures_of_the_whole_listing(province, as_of, stored):
    if stored:
        engine.recompute(YEAR, as_of, "22")
        engine.recompute(YEAR - 1, date(2020, 12, 14), "22")  # the projection's baseline
    whole = selectors.overview_data(province, YEAR, as_of)
    short = selectors.overview_data(province, YEAR, as_of, children_only=True)
    assert whole.source == short.source == ("stored" if stored else "live")
    assert [unit.code for unit in short.units] == ["22", "202", "203"]
    by_code = {entry["code"]: entry for entry in whole.entries}
    assert short.entries == [by_code[unit.code] for unit in short.units]
    for unit in short.units:
        assert short.thresholds[unit.code] == whole.thresholds[unit.code]
    if as_of == TO_DATE:
        assert short.previous_full == {code: whole.previous_full[code] for code in ("22", "202", "203")}
        assert short.previous_full["202"]["crime_cases"] == 12
    else:
        assert short.previous_full == whole.previous_full == {}


def page_queries(client, url) -> tuple[str, list[str]]:
    with CaptureQueriesContext(connection) as captured:
        response = client.get(url)
    assert response.status_code == 200
    return response.text, [query["sql"] for query in captured.captured_queries]


def dashboard_queries(queries: list[str]) -> list[str]:
    """The queries of the figures: listed units, stored figures and snapshots (by table)."""
    names = []
    for sql in queries:
        if sql.startswith('SELECT "communes_administrativeunit"."id", "communes_administrativeunit"."code"') and (
            '"communes_administrativeunit"."level" IN' in sql
        ):
            names.append("listed units")
        elif "dashboards_unitfigures" in sql.split(" WHERE ")[0]:
            names.append("figures")
        elif "dashboards_snapshot" in sql.split(" WHERE ")[0]:
            names.append("snapshots")
    return names


LISTINGS = {"districts": {}, "all": {"communes": "all"}}


def test_province_overview_queries_do_not_grow_with_the_communes(province, roles, client_for):
    """Same queries for 10 and 202 communes, in both listings. The figures take three of them:
    1. the listed units (the province and its districts, or every unit, in force on the as-of date)
    2. their stored UnitFigures for (year, as-of)   3. their stored Snapshots
    (and the completeness marks three more, of units and lineage only: the communes below the root,
    the lineage up to the as-of date with the villages it names, the units that may fold in)
    (the others: session, user, the scoped unit, the last run, sections of other apps, the session
    saved again: none depends on the number of communes, which is what this test checks)."""
    client = client_for(roles.admin)
    engine.recompute(YEAR, YEAR_END, "22")
    before = {listing: page_queries(client, overview_url(province, **query)) for listing, query in LISTINGS.items()}
    for listing, (_page, queries) in before.items():
        # The districts-only listing reads the communes below the root once more, for the marks.
        extra = ["listed units"] if listing == "districts" else []
        assert dashboard_queries(queries) == ["listed units", "figures", "snapshots", *extra]
    add_communes(AdministrativeUnit.objects.get(code="202"))
    engine.recompute(YEAR, YEAR_END, "22")
    after = {listing: page_queries(client, overview_url(province, **query)) for listing, query in LISTINGS.items()}
    for listing in LISTINGS:
        assert len(after[listing][1]) == len(before[listing][1]), listing
    assert "Xã Thử Nghiệm" not in after["districts"][0]
    assert rows_of(after["districts"][0]) == ["22", "202", "203"]
    assert after["all"][0].count('<th scope="row"><a') == 2 + 10 + 192  # a row per district and commune


def test_live_province_overview_queries_do_not_grow_with_the_communes(province, roles, client_for):
    client = client_for(roles.admin)
    url = overview_url(province, as_of=TO_DATE.isoformat())  # nothing stored: the engine computes now
    page, before = page_queries(client, url)
    assert 'data-source="live"' in page
    add_communes(AdministrativeUnit.objects.get(code="202"))
    page, after = page_queries(client, url)
    assert len(after) == len(before) and rows_of(page) == ["22", "202", "203"]


# --- Cells: integer arithmetic, the text of the exact rule ---------------------------------------


def reference_tenths(value) -> Decimal:
    """The exact display rule (targets.md: 1 decimal, half away from zero) on a Fraction."""
    value = Fraction(repr(value)) if isinstance(value, float) else Fraction(value)
    scaled = abs(value) * 10
    rounded = int(scaled) + (1 if scaled - int(scaled) >= Fraction(1, 2) else 0)
    return Decimal(rounded if value >= 0 else -rounded) / 10


def reference_number(value) -> str:
    return formats.number_format(value.quantize(Decimal("0.1")), 1, use_l10n=True)


def reference_cells(entry, thresholds, win, previous_full):
    """What each cell showed when computed with Fractions and Decimals (before the integer version)."""
    cells = []
    for code in selectors.TARGET_CODES:
        target = entry["targets"][code]
        if code in selectors.REDUCTION_CODES:
            cur, prev = target["current"], target["previous"]
            change = "—"
            if prev:
                rounded = reference_tenths(Fraction(100 * (cur - prev), prev))
                sign = "+" if rounded > 0 else ("−" if rounded < 0 else "±")
                change = f"{sign}{reference_number(abs(rounded))}%"
            cell = [str(cur), str(prev), change]
            if previous_full:
                full_previous = previous_full[entry["code"]][f"{code.removesuffix('_reduction')}_cases"]
                projected = Fraction(cur * periods_days(win), win.current.days)
                limit = rules.exact(thresholds.get(code) if thresholds.get(code) is not None else 7)
                on_track = 100 * (full_previous - projected) >= limit * full_previous if full_previous > 0 else cur == 0
                cell += [reference_number(reference_tenths(projected)), on_track]
        elif code == "traffic_reduction":
            continue
        else:
            numerator, denominator = target["numerator"], target["denominator"]
            current = f"{numerator}/{denominator}"
            if denominator:
                current += f" ({reference_number(reference_tenths(Fraction(100 * numerator, denominator)))}%)"
            cell = [current]
            if code == "reintegration_employment":
                previous_rate = target["previous_rate"]
                cell.append("—" if previous_rate is None else f"{reference_number(reference_tenths(previous_rate))}%")
                if previous_rate is None or denominator == 0:
                    cell.append("—")
                else:
                    points = reference_tenths(Fraction(100 * numerator, denominator) - Fraction(repr(previous_rate)))
                    text = f"{'+' if points >= 0 else '−'}{reference_number(abs(points))}"
                    cell.append(gettext("%(points)s points") % {"points": text})
        cells.append((code, cell))
    return cells


def periods_days(win) -> int:
    from basecurity.lib import periods

    return periods.reporting_year(win.year).days


def shown(cells, previous_full):
    result = []
    for cell in cells:
        code = cell["code"]
        if code == "traffic_reduction":
            continue
        if code in selectors.REDUCTION_CODES:
            values = [cell["current"], cell["previous"], cell["change"]]
            if previous_full:
                values += [cell["projection"]["projected"], cell["projection"]["on_track"]]
        elif code == "reintegration_employment":
            values = [cell["current"], cell["previous"], cell["change"]]
        else:
            values = [cell["current"]]
        result.append((code, values))
    return result


def random_entry(rnd: random.Random) -> dict:
    def count():
        return rnd.choice([0, 1, 2, 3, 7, 8, 40, 80, 160, 200, rnd.randint(0, 60), rnd.randint(0, 5000)])

    targets = {}
    for code in selectors.REDUCTION_CODES:
        targets[code] = rules.judge_reduction(count(), count(), rnd.choice([7, Decimal("7.00"), Decimal("12.5")]))
    targets["traffic_reduction"] = rules.judge_traffic(
        {key: 0 for key in rules.TRAFFIC_CRITERIA}, {key: 0 for key in rules.TRAFFIC_CRITERIA}
    )
    for code in ("tips_on_time", "foreigners_declared"):
        denominator = count()
        targets[code] = rules.judge_ratio_all(rnd.randint(0, denominator), denominator)
    population, previous_population = count(), count()
    targets["reintegration_employment"] = rules.judge_employment(
        rnd.randint(0, population), population, rnd.randint(0, previous_population), previous_population
    )
    cohort = count()
    targets["reoffending"] = rules.judge_reoffending(rnd.randint(0, cohort), cohort)
    return {"code": "X", "targets": targets}


@pytest.mark.parametrize("language", ["vi", "en"])
@pytest.mark.parametrize("as_of", [YEAR_END, TO_DATE, date(2021, 1, 3)])
def test_cells_show_exactly_what_the_fraction_rule_shows(language, as_of):
    rnd = random.Random(f"{language}{as_of}")
    win = engine.window(YEAR, as_of)
    with translation.override(language):
        for _ in range(1500):
            entry = random_entry(rnd)
            thresholds = rnd.choice([{}, {"crime_reduction": Decimal("7.00"), "violation_reduction": Decimal("12.5")}])
            previous_full = (
                {"X": {f"{group}_cases": rnd.choice([0, 3, 100, rnd.randint(0, 400)]) for group in engine.GROUPS}}
                if as_of != YEAR_END
                else None
            )
            expected = reference_cells(entry, thresholds, win, previous_full)
            assert shown(selectors.cells(entry, thresholds, win, previous_full), previous_full) == expected, entry


def test_ties_round_away_from_zero():
    with translation.override("en"):
        assert selectors.signed_pct(-1, 80) == "−1.3%"  # −1.25 %
        assert selectors.signed_pct(1, 80) == "+1.3%"
        assert selectors.signed_pct(-1, 2000) == "−0.1%"  # −0.05 %
        assert selectors.signed_pct(-1, 5000) == "±0.0%"  # −0.02 %
    with translation.override("vi"):
        assert selectors.rate_text(1, 80) == "1/80 (1,3%)"
        assert selectors.rate_text(0, 0) == "0/0"
        assert selectors.tenths_text(-15) == "-1,5" and selectors.tenths_text(12345) == "1234,5"
    assert selectors.tenths(Fraction(-1, 20)) == -1 and selectors.tenths(0.25) == 3 and selectors.tenths(2.675) == 27
