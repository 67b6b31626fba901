"""A new record kind is one declaration: the test kind "drug-related cases" (basecurity/testing/
drugcases: a model, records.py, a migration) gets a list with filters, CSV and XLSX exports and a
menu entry, and an import (page, template, guide, importer), all inside the user's scope, without a
line of view, template or URL of its own beyond the list's path."""

import csv
import io
from datetime import date

import pytest
from django.urls import reverse
from openpyxl import load_workbook

from basecurity.testing.drugcases.models import DrugCase
from basecurity.testing.html import texts, tree
from basecurity.testing.imports import import_file
from communes.models import ImportJob
from communes.record_kinds import KINDS, lock_paths, placement
from communes.services import records_created
from communes.tests.factories import village_of

pytestmark = pytest.mark.django_db
LIST = "/drug-cases/"


@pytest.fixture
def cases(roles, commune_a, commune_b):
    make = DrugCase.objects.create
    return {
        "heroin_a": make(
            unit=commune_a,
            village=village_of(commune_a),
            detected_on=date(2021, 3, 15),
            substance="heroin",
            persons=2,
            summary="Bắt quả tang tàng trữ",
        ),  # fmt: skip
        "meth_a": make(unit=commune_a, detected_on=date(2021, 6, 1), substance="meth", summary="=cmd|' /C calc'!A0"),
        "heroin_b": make(unit=commune_b, detected_on=date(2021, 3, 20), substance="heroin", summary="Thị trấn"),
    }


def _rows(client, **params) -> list[str]:
    return texts(client.get(LIST, params), "//table[@id='record-table']/tbody/tr[not(@class='table-empty')]/td[1]")


def test_the_declaration_places_the_kind(cases, commune_a):
    assert KINDS["drugcase"].model is DrugCase and reverse("drugcases:drugcase_list") == LIST
    assert placement(DrugCase).date == "detected_on" and lock_paths(DrugCase) == ("unit", "detected_on")
    assert set(DrugCase.objects.within(commune_a)) == {cases["heroin_a"], cases["meth_a"]}


def test_the_list_shows_the_users_scope_newest_first(cases, roles, client_for):
    assert _rows(client_for(roles.officer_a)) == ["01/06/2021", "15/03/2021"]
    assert _rows(client_for(roles.officer_b)) == ["20/03/2021"]
    assert len(_rows(client_for(roles.district_police))) == 3


@pytest.mark.parametrize("who", ["committee_a", "outsider"])
def test_the_list_and_its_exports_are_404_without_the_right_to_read(who, cases, roles, client_for):
    client = client_for(getattr(roles, who))
    assert client.get(LIST).status_code == 404
    for fmt in ("csv", "xlsx"):
        assert client.get(reverse("export", args=["drugcase", fmt])).status_code == 404


def test_the_shared_and_declared_filters_work(cases, roles, client_for, commune_a):
    client = client_for(roles.officer_a)
    assert _rows(client, substance="meth") == ["01/06/2021"]
    assert _rows(client, q="tàng trữ") == ["15/03/2021"]
    assert _rows(client, start="2021-03-01", end="2021-03-31") == ["15/03/2021"]
    assert _rows(client, village=village_of(commune_a).pk) == ["15/03/2021"]
    page = client.get(LIST)
    # The unit filter offers only the user's communes; the substance filter its choices.
    assert texts(page, "//select[@name='unit']/option[@value!='']") == [commune_a.name]
    assert texts(page, "//select[@name='substance']/option[@value!='']") == ["Heroin", "Methamphetamine"]
    errors = client.get(LIST, {"start": "2021-06-01", "end": "2021-03-01"})
    assert texts(errors, "//*[@id='error_1_id_end' or contains(@class,'invalid-feedback')]//strong")


def test_the_list_says_what_to_do_when_empty(roles, client_for):
    page = client_for(roles.officer_a).get(LIST)
    assert texts(page, "//div[@id='empty-state']/p") == ["Chưa có gì được ghi nhận ở đây."]
    filtered = client_for(roles.officer_a).get(LIST, {"q": "không có"})
    assert texts(filtered, "//div[@id='empty-state']/a") == ["Bỏ lọc"]


def test_csv_and_xlsx_exports_hold_the_lists_rows_for_people(cases, roles, client_for):
    client = client_for(roles.officer_a)
    page = tree(client.get(LIST, {"substance": "heroin"}))
    csv_url = page.xpath("//a[@id='export-csv']/@href")[0]
    assert csv_url == f"{reverse('export', args=['drugcase', 'csv'])}?substance=heroin"
    response = client.get(csv_url)
    assert response["Cache-Control"].startswith("no-store")
    rows = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))
    assert rows[0] == ["Vụ việc liên quan đến ma tuý"] and rows[1] == ["Đơn vị: Xã Thanh Lâm"]
    header = rows.index(
        ["Đơn vị cấp xã", "Thôn, khu phố", "Ngày phát hiện", "Chất ma tuý", "Số người liên quan", "Nội dung tóm tắt"]
    )
    assert [row[2:4] for row in rows[header + 1 :]] == [["15/03/2021", "Heroin"]]
    workbook = load_workbook(io.BytesIO(client.get(reverse("export", args=["drugcase", "xlsx"])).content))
    sheet = [list(row) for row in workbook.worksheets[0].iter_rows(values_only=True)]
    header = sheet.index(
        ["Đơn vị cấp xã", "Thôn, khu phố", "Ngày phát hiện", "Chất ma tuý", "Số người liên quan", "Nội dung tóm tắt"]
    )
    # Both of the user's cases, none of commune B's; a formula-like cell is neutralised.
    assert sorted(row[5] for row in sheet[header + 1 :]) == ["'=cmd|' /C calc'!A0", "Bắt quả tang tàng trữ"]


def test_the_menu_lists_the_kind_for_those_who_may_read_it(roles, client_for):
    link = "//*[@id='records-menu']/following-sibling::ul//a[@data-kind='drugcase']"
    assert texts(client_for(roles.officer_a).get("/", follow=True), link) == ["Vụ việc liên quan đến ma tuý"]
    committee_page = client_for(roles.committee_a).get("/", follow=True)
    assert texts(committee_page, "//a[@id='nav-reports']") and texts(committee_page, link) == []


def test_its_import_follows_from_the_declaration(roles, commune_a, commune_b, client_for):
    """`import_columns` gives the kind an import page, its template and guide, and a field-driven
    importer: codes or names of choices, dd/mm/yyyy dates, villages by name, the user's communes only,
    all or nothing."""
    client = client_for(roles.officer_a)
    page = client.get(reverse("imports:start", args=["drugcase"]))
    assert page.status_code == 200
    assert texts(page, "//table//tr[@data-column]/td[1]/code") == [
        "unit_code",
        "village",
        "detected_on",
        "substance",
        "persons",
        "summary",
    ]
    assert reverse("imports:start", args=["drugcase"]) in client.get(LIST).content.decode()

    village = village_of(commune_a)
    good = (
        "unit_code,village,detected_on,substance,persons,summary\r\n"
        f"{commune_a.code},{village.name},15/03/2021,heroin,2,Tàng trữ\r\n"
        f"{commune_a.code},,2021-04-01,Methamphetamine,1,\r\n"
    ).encode()
    told = []

    def imported(sender, records, **kwargs):
        told.append((sender, len(records)))

    records_created.connect(imported)
    try:
        job = import_file(client, "drugcase", good)
    finally:
        records_created.disconnect(imported)
    assert job.state == ImportJob.State.DONE, job.message
    assert told == [(DrugCase, 2)]  # a bulk write says so: the dashboards' figures would follow
    stored = list(
        DrugCase.objects.order_by("detected_on").values_list("unit", "village", "detected_on", "substance", "persons")
    )
    assert stored == [
        (commune_a.pk, village.pk, date(2021, 3, 15), "heroin", 2),
        (commune_a.pk, None, date(2021, 4, 1), "meth", 1),
    ]
    assert set(DrugCase.objects.values_list("recorded_by", flat=True)) == {roles.officer_a.pk}

    bad = (
        "unit_code,village,detected_on,substance,persons,summary\r\n"
        f"{commune_a.code},,32/01/2021,opium,1,\r\n"
        f"{commune_b.code},,01/02/2021,heroin,-1,\r\n"
    ).encode()
    job = import_file(client, "drugcase", bad)
    assert job.state == ImportJob.State.INVALID
    columns = {(row, column) for row, column, _message in job.row_errors}
    assert {(2, "detected_on"), (2, "substance"), (3, "unit_code"), (3, "persons")} <= columns
    assert DrugCase.objects.count() == 2  # nothing written
