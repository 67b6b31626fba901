"""Exports are for people by default (Vietnamese titles, names, dd/mm/yyyy, status and outcome, title
rows); the import layout stays available; an exported file imports back; the import page has its guide."""

import csv
import io
from datetime import date, datetime

import pytest
import time_machine
from django.conf import settings
from django.urls import reverse
from django.utils import translation
from openpyxl import load_workbook

from basecurity.testing.html import texts
from incidents.importers import IMPORTERS
from incidents.models import CrimeTipExtension

from .factories import HCM
from .test_import_export import LIST_KIND, MODELS, SNAPSHOTS, make_records

pytestmark = pytest.mark.django_db

NOW = datetime(2026, 11, 28, 9, 5, tzinfo=HCM)


@pytest.fixture(autouse=True)
def vietnamese(client):
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "vi"
    with translation.override("vi"), time_machine.travel(NOW, tick=False):
        yield


@pytest.fixture
def officer(roles):
    roles.officer_a.first_name, roles.officer_a.last_name = "Nguyễn Văn", "An"
    roles.officer_a.save()
    return roles.officer_a


def _export(client, kind, fmt="xlsx", **params):
    response = client.get(reverse("export", args=[kind, fmt]), params)
    assert response.status_code == 200
    return response.content


def _sheet_rows(data):
    return [list(row) for row in load_workbook(io.BytesIO(data)).worksheets[0].iter_rows(values_only=True)]


def test_the_xlsx_export_is_for_people(officer, client_for, commune_a):
    make_records(officer, commune_a)
    data = _export(client_for(officer), "incident", start="2021-01-01", end="2021-12-31")
    rows = _sheet_rows(data)
    # Title rows: what, which unit, which period, when and by whom; then the header.
    assert [row[0] for row in rows[:4]] == [
        "Vụ việc",
        "Đơn vị: Xã Thanh Lâm",
        "Thời gian: từ 01/01/2021 đến 31/12/2021",
        "Xuất lúc 09:05 28/11/2026 bởi Nguyễn Văn An",
    ]
    header = rows[5]
    assert header[:7] == ["Mã xã", "Xã", "Thôn, khu phố", "Ngày xảy ra", "Giờ", "Loại", "Số đối tượng"]
    assert "Tình trạng xử lý" in header and "Kết quả xử lý" in header and "Người nhập" in header
    theft = next(row for row in rows[6:] if row[6] == 2)
    values = dict(zip(header, theft, strict=True))
    assert values["Mã xã"] == "06976" and values["Xã"] == "Xã Thanh Lâm"
    assert values["Loại"] == "Trộm cắp tài sản"  # the name, not crime.theft
    assert values["Tình trạng xử lý"] and values["Tình trạng xử lý"] != "new"  # words, not codes
    assert values["Ngày xảy ra"] == datetime(2021, 3, 15)
    # Dates shown dd/mm/yyyy.
    sheet = load_workbook(io.BytesIO(data)).worksheets[0]
    assert sheet.cell(row=7, column=4).number_format == "DD/MM/YYYY"


def test_the_csv_export_is_for_people_too(officer, client_for, commune_a):
    make_records(officer, commune_a)
    rows = list(csv.reader(io.StringIO(_export(client_for(officer), "tip", "csv").decode("utf-8-sig"))))
    assert rows[0] == ["Tin báo, tố giác về tội phạm và kiến nghị khởi tố"] and rows[1] == ["Đơn vị: Xã Thanh Lâm"]
    header = rows[5]
    tips = [dict(zip(header, row, strict=True)) for row in rows[6:]]
    extended = next(tip for tip in tips if tip["Ngày tiếp nhận"] == "10/01/2021")  # dd/mm/yyyy
    assert extended["Loại"] == "Tin báo về tội phạm"
    assert extended["Quyết định giải quyết"] == "Khởi tố vụ án hình sự"
    assert (extended["Ngày ra quyết định"], extended["Gia hạn đến ngày"]) == ("02/05/2021", "10/05/2021")


def test_the_import_layout_stays_available(officer, client_for, commune_a):
    make_records(officer, commune_a)
    rows = _sheet_rows(_export(client_for(officer), "incident", layout="import"))
    assert rows[0] == ["unit_code", "village", "occurred_on", "category", "subjects", "description"]
    assert {row[3] for row in rows[1:]} == {"crime.theft", "social_evil.drug_use"}


@pytest.mark.parametrize("fmt", ["xlsx", "csv"])
def test_an_exported_file_imports_back_into_an_empty_database(fmt, officer, client_for, commune_a):
    make_records(officer, commune_a)
    client = client_for(officer)
    before = {kind: snapshot() for kind, snapshot in SNAPSHOTS.items()}
    files = {kind: _export(client, LIST_KIND[kind], fmt) for kind in SNAPSHOTS}
    CrimeTipExtension.objects.all().delete()
    for model in MODELS.values():
        model.objects.all().delete()
    for kind, data in files.items():
        result = IMPORTERS[kind](user=officer).run(data, f"{kind}.{fmt}")
        assert result.ok, (kind, [str(error) for error in result.errors])
    assert {kind: snapshot() for kind, snapshot in SNAPSHOTS.items()} == before


def test_an_exported_file_imported_into_the_same_database_is_refused_as_duplicates(officer, client_for, commune_a):
    make_records(officer, commune_a)
    client = client_for(officer)
    before = {kind: snapshot() for kind, snapshot in SNAPSHOTS.items()}
    for kind in SNAPSHOTS:
        result = IMPORTERS[kind](user=officer).run(_export(client, LIST_KIND[kind]), f"{kind}.xlsx")
        assert not result.ok and result.written == 0
        assert {error.row for error in result.errors} == set(range(7, 7 + MODELS[kind].objects.count()))
        assert all(error.message.startswith("Bản ghi này đã có trong sổ") for error in result.errors)
    assert {kind: snapshot() for kind, snapshot in SNAPSHOTS.items()} == before


def test_a_corrected_export_imports_with_the_correction(officer, client_for, commune_a):
    make_records(officer, commune_a)
    data = _export(client_for(officer), "incident")
    workbook = load_workbook(io.BytesIO(data))
    sheet = workbook.worksheets[0]
    header = [cell.value for cell in sheet[6]]
    subjects = header.index("Số đối tượng") + 1
    for row in sheet.iter_rows(min_row=7):
        if row[subjects - 1].value == 2:
            row[subjects - 1].value = 3
    buffer = io.BytesIO()
    workbook.save(buffer)
    MODELS["incidents"].objects.all().delete()
    result = IMPORTERS["incidents"](user=officer).run(buffer.getvalue(), "sua.xlsx")
    assert result.ok, [str(error) for error in result.errors]
    assert sorted(MODELS["incidents"].objects.values_list("subjects", flat=True)) == [1, 3]


def test_a_wrong_value_in_an_exported_file_is_reported_at_its_spreadsheet_row(officer, client_for, commune_a):
    make_records(officer, commune_a)
    workbook = load_workbook(io.BytesIO(_export(client_for(officer), "incident")))
    sheet = workbook.worksheets[0]
    sheet.cell(row=7, column=6).value = "Không có loại này"
    buffer = io.BytesIO()
    workbook.save(buffer)
    MODELS["incidents"].objects.all().delete()
    result = IMPORTERS["incidents"](user=officer).run(buffer.getvalue(), "sai.xlsx")
    assert [(error.row, error.column) for error in result.errors] == [(7, "category")]


def test_the_import_page_links_its_guide_and_template(officer, client_for):
    client = client_for(officer)
    page = client.get(reverse("imports:start", args=["incidents"]))
    assert page.status_code == 200
    template_url = reverse("imports:template", args=["incidents"])
    assert texts(page, f"//a[@id='import-template'][@href='{template_url}']")
    category_values = texts(page, "//details[@id='import-guide']//tr[@data-column='category']/td[3]/div")
    assert "crime.theft: Trộm cắp tài sản" in category_values
    assert texts(page, "//details[@id='import-guide']//tr[@data-column='occurred_on']/td[2]") == ["Ngày xảy ra"]
    template = client.get(template_url)
    assert template["Content-Disposition"] == 'attachment; filename="mau-nhap-incidents.xlsx"'
    assert _sheet_rows(template.content) == [
        ["unit_code", "village", "occurred_on", "category", "subjects", "description"]
    ]


def test_tip_kinds_and_decisions_are_read_by_name(officer, client_for):
    page = client_for(officer).get(reverse("imports:start", args=["crime_tips"]))
    assert "report: Tin báo về tội phạm" in texts(page, "//tr[@data-column='kind']/td[3]/div")
    assert "prosecute: Khởi tố vụ án hình sự" in texts(page, "//tr[@data-column='decision']/td[3]/div")


def test_the_list_offers_the_import_layout(officer, client_for):
    page = client_for(officer).get(reverse("incidents:incident_list"))
    links = tree_links(page, "export-import-layout")
    assert links == [f"{reverse('export', args=['incident', 'xlsx'])}?layout=import"]


def tree_links(page, element_id):
    from basecurity.testing.html import tree

    return [element.get("href") for element in tree(page).xpath(f"//a[@id='{element_id}']")]


# --- Incident types grouped in every select -----------------------------------------------------------


@pytest.mark.parametrize("url", ["incidents:incident_create", "incidents:incident_list"])
def test_incident_types_are_grouped_in_selects(url, officer, client_for):
    from basecurity.testing.html import tree

    page = client_for(officer).get(reverse(url))
    groups = tree(page).xpath("//select[@name='category']/optgroup/@label")
    assert groups == ["Tội phạm", "Tệ nạn xã hội", "Vi phạm pháp luật"]
    theft = tree(page).xpath("//select[@name='category']/optgroup[1]/option/text()")
    assert "Trộm cắp tài sản" in theft


# --- The decision on a crime tip starts with nothing chosen ---------------------------------------------


@pytest.mark.todays_map  # a tip of November 2026: on the map of 1/7/2025
def test_the_tip_decision_starts_with_no_outcome_chosen(officer, client_for, commune_a):
    from basecurity.testing.html import tree
    from incidents import services

    tip = services.tip_create(
        user=officer, unit=commune_a, kind="report", received_on=date(2026, 11, 20), summary="Tin báo thử"
    )
    client = client_for(officer)
    page = client.get(reverse("incidents:tip_detail", args=[tip.pk]))
    options = tree(page).xpath("//select[@name='decide-decision']/option")
    assert options[0].get("value") == "" and not [
        o for o in options if o.get("selected") is not None and o.get("value")
    ]
    client.post(reverse("incidents:tip_decide", args=[tip.pk]), {"decide-decided_on": "2026-11-27"})
    tip.refresh_from_db()
    assert tip.decision == ""  # nothing recorded without a choice


# --- A handover to the investigating body past its limit ------------------------------------------------


def test_a_late_handover_is_listed_in_red_with_the_decision_deadlines(officer, client_for, commune_a):
    from datetime import timedelta

    from basecurity.testing.html import tree

    from .factories import tip

    # Thanh Lâm is remote: 48 hours.
    late = tip(commune_a, officer, received_at=NOW - timedelta(hours=50), summary="Chưa chuyển")
    late.save()
    on_time = tip(commune_a, officer, received_at=NOW - timedelta(hours=2), summary="Vừa nhận")
    on_time.save()
    page = client_for(officer).get(reverse("incidents:tip_attention"))
    rows = tree(page).xpath("//table[@id='late-handover-table']/tbody/tr")
    assert len(rows) == 1 and rows[0].get("class") == "table-danger"
    assert "Chưa chuyển" in rows[0].text_content()


@pytest.mark.parametrize("kind", ["incident", "business", "surrender", "tip"])
def test_an_export_for_people_runs_the_same_queries_for_1_and_12_records(kind, officer, client_for, commune_a):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from .factories import BUILDERS, surrender_item

    count = iter(range(100))

    def add():
        record = BUILDERS[kind](commune_a, officer)
        if kind == "business":
            record.name = f"Nhà nghỉ số {next(count)}"  # a business's name is unique in its commune
        record.full_clean()
        record.save()
        if kind == "surrender":
            surrender_item(record).save()

    client = client_for(officer)
    add()
    with CaptureQueriesContext(connection) as one:
        rows_one = _sheet_rows(_export(client, kind))
    for _ in range(11):
        add()
    with CaptureQueriesContext(connection) as twelve:
        rows_twelve = _sheet_rows(_export(client, kind))
    assert (len(rows_one), len(rows_twelve)) == (6 + 1, 6 + 12)  # title rows, header, records
    assert len(one) == len(twelve)
