"""Import and export of incidents, traffic accidents, crime tips and foreigners' stays
(import-formats.md): good files (CSV, CSV with BOM, XLSX with real and text dates), each bad case
writes nothing and names its row and column, scope, the same file twice, the command, the upload
page, the export → import round trip and formula neutralising."""

import csv
import hashlib
import io
from datetime import date, datetime, timedelta

import pytest
from django.conf import settings
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import CommandError, call_command
from django.urls import reverse, reverse_lazy
from django.utils import timezone, translation
from openpyxl import Workbook, load_workbook

from basecurity.testing.html import form_values, table_rows, texts
from basecurity.testing.imports import confirm, upload
from basecurity.testing.submissions import message_texts
from communes.models import ImportedFile, ImportJob, PeriodLock
from incidents import services
from incidents.importers import (
    IMPORTERS,
    CrimeTipsImporter,
    ForeignerStaysImporter,
    IncidentsImporter,
    TrafficAccidentsImporter,
)
from incidents.management.commands.import_records import SYSTEM_USERNAME
from incidents.models import CrimeTip, CrimeTipExtension, ForeignerStay, Incident, TrafficAccident

from .factories import category, local

pytestmark = pytest.mark.django_db

HEADERS = {
    "incidents": "unit_code,village,occurred_on,category,subjects,description",
    "traffic_accidents": "unit_code,occurred_on,deaths,injuries,description",
    "crime_tips": "unit_code,kind,received_on,extended_until,resolved_on,decision,summary",
    "foreigner_stays": "unit_code,full_name,nationality,passport_no,arrived_at,declared_at,departed_on",
}
GOOD = {
    "incidents": [
        "06976,Thôn Đồng Thầm,2021-03-15,crime.theft,2,Trộm cắp xe máy",
        "06976,,15/04/2021,violation.minerals,0,Khai thác cát trái phép",
    ],
    "traffic_accidents": ["06976,2021-03-15,1,2,Va chạm xe máy", "06976,15/04/2021,0,0,"],
    "crime_tips": [
        "06976,denunciation,2021-03-01,,2021-03-18,not_prosecute,Tố giác trộm cắp",
        "06976,report,01/02/2021,2021-05-01,2021-04-20,prosecute,Tin báo đánh bạc",
    ],
    "foreigner_stays": [
        "06976,Li Wei,cn,E12345678,2021-03-01 08:00,2021-03-01 20:00,2021-03-05",
        "06976,John Smith,US,P7654321,01/03/2021 09:30,,",
    ],
}
MODELS = {
    "incidents": Incident,
    "traffic_accidents": TrafficAccident,
    "crime_tips": CrimeTip,
    "foreigner_stays": ForeignerStay,
}


@pytest.fixture(autouse=True)
def english(client):
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    with translation.override("en"):
        yield


def csv_bytes(*lines, bom=False) -> bytes:
    return (("\ufeff" if bom else "") + "\r\n".join(lines) + "\r\n").encode("utf-8")


def xlsx_bytes(rows) -> bytes:
    workbook = Workbook()
    sheet = workbook.active
    for row in rows:
        sheet.append(row)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def run(kind, user, data, filename="file.csv"):
    return IMPORTERS[kind](user=user).run(data, filename)


def errors_at(result):
    return {(error.row, error.column) for error in result.errors}


def test_the_four_kinds_are_registered():
    assert IMPORTERS == {
        "incidents": IncidentsImporter,
        "traffic_accidents": TrafficAccidentsImporter,
        "crime_tips": CrimeTipsImporter,
        "foreigner_stays": ForeignerStaysImporter,
    }


# --- good files ----------------------------------------------------------------------------------


def test_incidents_csv(roles, commune_a):
    result = run("incidents", roles.officer_a, csv_bytes(HEADERS["incidents"], *GOOD["incidents"]))
    assert result.ok, result.errors
    assert result.written == 2
    theft, minerals = Incident.objects.order_by("occurred_on")
    assert (
        theft.unit,
        theft.village.name,
        theft.occurred_on,
        theft.category.code,
        theft.subjects,
        theft.description,
    ) == (
        commune_a,
        "Thôn Đồng Thầm",
        date(2021, 3, 15),
        "crime.theft",
        2,
        "Trộm cắp xe máy",
    )
    assert (minerals.village, minerals.occurred_on, minerals.category.code, minerals.subjects) == (
        None,
        date(2021, 4, 15),
        "violation.minerals",
        0,
    )
    assert theft.recorded_by == roles.officer_a
    history = theft.history.get()
    assert (history.history_type, history.history_user) == ("+", roles.officer_a)
    assert "file.csv" in history.history_change_reason
    assert ImportedFile.objects.get().imported_by == roles.officer_a


def test_accidents_csv(roles, commune_a):
    result = run(
        "traffic_accidents", roles.officer_a, csv_bytes(HEADERS["traffic_accidents"], *GOOD["traffic_accidents"])
    )
    assert result.ok, result.errors
    assert sorted(TrafficAccident.objects.values_list("occurred_on", "deaths", "injuries", "description")) == [
        (date(2021, 3, 15), 1, 2, "Va chạm xe máy"),
        (date(2021, 4, 15), 0, 0, ""),
    ]
    assert TrafficAccident.history.filter(history_user=roles.officer_a).count() == 2


def test_tips_csv_with_decisions_and_two_extensions(roles, commune_a):
    result = run("crime_tips", roles.officer_a, csv_bytes(HEADERS["crime_tips"], *GOOD["crime_tips"]))
    assert result.ok, result.errors
    plain = CrimeTip.objects.get(kind="denunciation")
    assert (plain.received_on, plain.deadline, plain.decision, plain.decided_on) == (
        date(2021, 3, 1),
        date(2021, 3, 21),
        "not_prosecute",
        date(2021, 3, 18),
    )
    assert not plain.extensions.exists()
    # 2021-05-01 is more than 2 months after 2021-02-01: a first extension to 2021-04-01 (the
    # most a first extension may reach), then a second to 2021-05-01.
    extended = CrimeTip.objects.get(kind="report")
    assert (extended.deadline, extended.decision, extended.decided_on) == (
        date(2021, 5, 1),
        "prosecute",
        date(2021, 4, 20),
    )
    assert list(extended.extensions.values_list("extended_on", "new_deadline")) == [
        (date(2021, 2, 21), date(2021, 4, 1)),
        (date(2021, 4, 1), date(2021, 5, 1)),
    ]
    assert set(CrimeTipExtension.history.values_list("history_user", flat=True)) == {roles.officer_a.pk}


def test_tip_with_one_extension_within_two_months(roles, commune_a):
    result = run(
        "crime_tips",
        roles.officer_a,
        csv_bytes(HEADERS["crime_tips"], "06976,prosecution_request,2021-02-01,2021-03-15,,,Kiến nghị"),
    )
    assert result.ok, result.errors
    tip = CrimeTip.objects.get()
    assert (tip.deadline, tip.decision, tip.decided_on) == (date(2021, 3, 15), "", None)
    assert list(tip.extensions.values_list("new_deadline", flat=True)) == [date(2021, 3, 15)]


def test_stays_csv(roles, commune_a):
    result = run("foreigner_stays", roles.officer_a, csv_bytes(HEADERS["foreigner_stays"], *GOOD["foreigner_stays"]))
    assert result.ok, result.errors
    li = ForeignerStay.objects.get(full_name="Li Wei")
    assert (li.nationality, li.passport_number, li.arrived_at, li.declared_at, li.departed_on) == (
        "CN",
        "E12345678",
        local(2021, 3, 1, 8, 0),
        local(2021, 3, 1, 20, 0),
        date(2021, 3, 5),
    )
    assert li.declared_on_time and li.arrived_on == date(2021, 3, 1)
    smith = ForeignerStay.objects.get(full_name="John Smith")
    assert (smith.arrived_at, smith.declared_at, smith.declared_on_time) == (local(2021, 3, 1, 9, 30), None, False)


@pytest.mark.parametrize("kind", list(HEADERS))
def test_csv_with_bom_and_other_column_order_and_case(kind, roles, commune_a):
    columns = HEADERS[kind].split(",")
    lines = [row.split(",") for row in GOOD[kind]]
    order = list(reversed(range(len(columns))))
    header = ",".join(columns[i].upper() for i in order)
    body = [",".join(cells[i] for i in order) for cells in lines]
    result = run(kind, roles.officer_a, csv_bytes(header, *body, bom=True))
    assert result.ok, result.errors
    assert MODELS[kind].objects.count() == 2


XLSX_ROWS = {
    "incidents": [
        ["06976", "Thôn Đồng Thầm", date(2021, 3, 15), "crime.theft", 2, "Trộm cắp"],
        [6976, "", "15/04/2021", "crime.fraud", 1, "Lừa đảo"],
    ],
    "traffic_accidents": [["06976", date(2021, 3, 15), 1, 0, "Va chạm"], ["06976", "2021-04-15", 0, 3, ""]],
    "crime_tips": [
        ["06976", "denunciation", date(2021, 3, 1), date(2021, 4, 1), date(2021, 3, 25), "suspend", "Tố giác"],
        ["06976", "report", "01/03/2021", "", "", "", "Tin báo"],
    ],
    "foreigner_stays": [
        ["06976", "Li Wei", "CN", "E1", datetime(2021, 3, 1, 8, 0), datetime(2021, 3, 1, 19, 0), date(2021, 3, 4)],
        ["06976", "Kim Min", "KR", "M2", "01/03/2021 08:00", "2021-03-01 21:00", ""],
    ],
}
EXPECTED_XLSX = {
    "incidents": lambda: (
        sorted(Incident.objects.values_list("occurred_on", "category__code"))
        == [
            (date(2021, 3, 15), "crime.theft"),
            (date(2021, 4, 15), "crime.fraud"),
        ]
    ),
    "traffic_accidents": lambda: (
        sorted(TrafficAccident.objects.values_list("occurred_on", "injuries"))
        == [
            (date(2021, 3, 15), 0),
            (date(2021, 4, 15), 3),
        ]
    ),
    "crime_tips": lambda: (
        sorted(CrimeTip.objects.values_list("received_on", "deadline", "decided_on"))
        == [
            (date(2021, 3, 1), date(2021, 3, 21), None),
            (date(2021, 3, 1), date(2021, 4, 1), date(2021, 3, 25)),
        ]
    ),
    "foreigner_stays": lambda: (
        sorted(ForeignerStay.objects.values_list("arrived_at", "declared_at"))
        == [
            (local(2021, 3, 1, 8, 0), local(2021, 3, 1, 19, 0)),
            (local(2021, 3, 1, 8, 0), local(2021, 3, 1, 21, 0)),
        ]
    ),
}


@pytest.mark.parametrize("kind", list(HEADERS))
def test_xlsx_with_real_excel_dates_and_text_dates(kind, roles, commune_a):
    data = xlsx_bytes([HEADERS[kind].split(","), *XLSX_ROWS[kind]])
    result = run(kind, roles.officer_a, data, "book.xlsx")
    assert result.ok, result.errors
    assert EXPECTED_XLSX[kind]()


# --- bad files: nothing written, the right row and column ------------------------------------------


def tomorrow() -> str:
    """Computed when a test runs, not when the module is imported (a run may cross midnight)."""
    return (timezone.localdate() + timedelta(days=1)).isoformat()


BAD = [
    ("incidents", "06976,,{tomorrow},crime.theft,1,x", "occurred_on"),
    ("incidents", "06976,Khu 2,2021-03-15,crime.theft,1,x", "village"),  # a quarter of the town
    ("incidents", "06976,,2021-03-15,crime.theft,-1,x", "subjects"),
    ("incidents", "06976,,2021-03-15,crime.unheard_of,1,x", "category"),
    ("incidents", "06976,,2021-02-30,crime.theft,1,x", "occurred_on"),
    ("incidents", "06976,,2021-03-15,crime.theft,1.5,x", "subjects"),
    ("incidents", "06970,,2021-03-15,crime.theft,1,x", "unit_code"),  # the town: not officer_a's
    ("incidents", "202,,2021-03-15,crime.theft,1,x", "unit_code"),  # the district is not a commune
    ("traffic_accidents", "06976,2021-03-15,-2,0,x", "deaths"),
    ("traffic_accidents", "06976,{tomorrow},0,0,x", "occurred_on"),
    ("crime_tips", "06976,denunciation,2021-03-10,,2021-03-01,prosecute,x", "resolved_on"),  # decision before receipt
    ("crime_tips", "06976,denunciation,2021-03-10,,2021-03-20,,x", "decision"),  # date without decision
    ("crime_tips", "06976,denunciation,2021-01-10,2021-05-11,,,x", "extended_until"),  # past receipt + 4 months
    ("crime_tips", "06976,denunciation,2021-01-10,2021-01-25,,,x", "extended_until"),  # not after the 20 days
    ("crime_tips", "06976,rumour,2021-03-10,,,,x", "kind"),
    ("crime_tips", "06976,report,2021-03-10,,,,", "summary"),
    ("foreigner_stays", "06976,Li Wei,CN,E1,2021-03-01 08:00,2021-03-01 07:00,", "declared_at"),  # before arrival
    ("foreigner_stays", "06976,Li Wei,CN,E1,2021-03-05 08:00,,2021-03-01", "departed_on"),
    ("foreigner_stays", "06976,Li Wei,China,E1,2021-03-01 08:00,,", "nationality"),
    ("foreigner_stays", "06976,Li Wei,CN,E1,2021-03-01,,", "arrived_at"),
]


@pytest.mark.parametrize(("kind", "line", "column"), BAD, ids=[f"{k}-{c}-{i}" for i, (k, _l, c) in enumerate(BAD)])
def test_a_bad_row_writes_nothing_and_is_reported_at_its_row_and_column(kind, line, column, roles, commune_a):
    line = line.replace("{tomorrow}", tomorrow())
    data = csv_bytes(HEADERS[kind], GOOD[kind][0], line, GOOD[kind][1])
    result = run(kind, roles.officer_a, data)
    assert not result.ok
    assert (3, column) in errors_at(result), result.errors
    assert {error.row for error in result.errors} == {3}, result.errors
    assert all(error.message for error in result.errors)
    assert MODELS[kind].objects.count() == 0
    assert MODELS[kind].history.count() == 0
    assert not ImportedFile.objects.exists()


def test_unknown_and_missing_columns_are_errors_of_the_header(roles, commune_a):
    data = csv_bytes("unit_code,village,occurred_on,category,description,colour", "06976,,2021-03-15,crime.theft,x,red")
    result = run("incidents", roles.officer_a, data)
    assert errors_at(result) == {(1, "colour"), (1, "subjects")}
    assert not Incident.objects.exists()


def test_every_bad_row_is_reported_not_only_the_first(roles, commune_a):
    data = csv_bytes(HEADERS["incidents"], "06976,,2021-03-15,crime.nope,1,x", "06976,,2021-03-15,crime.theft,-3,x")
    result = run("incidents", roles.officer_a, data)
    assert errors_at(result) == {(2, "category"), (3, "subjects")}


def test_an_inactive_category_is_refused(roles, commune_a):
    theft = category("crime.theft")
    theft.is_active = False
    theft.save()
    result = run("incidents", roles.officer_a, csv_bytes(HEADERS["incidents"], GOOD["incidents"][0]))
    assert errors_at(result) == {(2, "category")}


def test_messages_follow_the_users_language(roles, commune_a):
    with translation.override("en"):
        english = run(
            "incidents", roles.officer_a, csv_bytes(HEADERS["incidents"], f"06976,,{tomorrow()},crime.theft,1,x")
        )
    dated = [error.message for error in english.errors if error.column == "occurred_on"]
    assert dated == ["This date is in the future."]


# --- scope -----------------------------------------------------------------------------------------


def test_district_police_cannot_import(roles, commune_a):
    result = run("incidents", roles.district_police, csv_bytes(HEADERS["incidents"], *GOOD["incidents"]))
    assert errors_at(result) == {(2, "unit_code"), (3, "unit_code")}
    assert not Incident.objects.exists()


def test_officer_b_imports_into_the_town_only(roles, commune_b):
    lines = ["06970,Khu 2,2021-03-15,crime.theft,1,x", "06976,,2021-03-15,crime.theft,1,x"]
    result = run("incidents", roles.officer_b, csv_bytes(HEADERS["incidents"], *lines))
    assert errors_at(result) == {(3, "unit_code")}
    result = run("incidents", roles.officer_b, csv_bytes(HEADERS["incidents"], lines[0]))
    assert result.ok and Incident.objects.get().village.name == "Khu 2"


# --- the same file twice ---------------------------------------------------------------------------


def test_the_same_file_is_refused_the_second_time(roles, commune_a):
    data = csv_bytes(HEADERS["incidents"], *GOOD["incidents"])
    assert run("incidents", roles.officer_a, data).ok
    again = run("incidents", roles.officer_a, data, "renamed.csv")
    assert not again.ok and errors_at(again) == {(0, "")}
    assert "already imported" in again.errors[0].message
    assert Incident.objects.count() == 2


def test_a_refused_file_can_be_corrected_and_imported(roles, commune_a):
    bad = csv_bytes(HEADERS["incidents"], "06976,,2021-03-15,crime.theft,-1,x")
    assert not run("incidents", roles.officer_a, bad).ok
    # Not remembered: nothing was imported, so the same bytes are checked again (and fail again).
    assert errors_at(run("incidents", roles.officer_a, bad)) == {(2, "subjects")}


# --- the command -----------------------------------------------------------------------------------


def test_command_prints_the_count(tmp_path, roles, commune_a):
    path = tmp_path / "incidents.csv"
    path.write_bytes(csv_bytes(HEADERS["incidents"], *GOOD["incidents"]))
    out = io.StringIO()
    call_command("import_records", "incidents", str(path), "--user", "officer_a", stdout=out)
    assert "2 records created" in out.getvalue()
    assert set(Incident.history.values_list("history_user__username", flat=True)) == {"officer_a"}


def test_command_error_report_on_stderr_and_non_zero_exit(tmp_path, roles, commune_a):
    path = tmp_path / "incidents.csv"
    path.write_bytes(csv_bytes(HEADERS["incidents"], GOOD["incidents"][0], "06970,,2021-03-15,crime.theft,-1,x"))
    err = io.StringIO()
    with pytest.raises(CommandError) as raised:
        call_command("import_records", "incidents", str(path), "--user", "officer_a", stderr=err)
    assert raised.value.returncode != 0
    report = err.getvalue().splitlines()
    assert "3\tunit_code\t" in "\n".join(report)
    assert "3\tsubjects\tThe number must be at least 0." in report
    assert not Incident.objects.exists()


def test_command_without_user_attributes_to_the_system_account(tmp_path, units):
    path = tmp_path / "tips.csv"
    path.write_bytes(csv_bytes(HEADERS["crime_tips"], *GOOD["crime_tips"]))
    call_command("import_records", "crime_tips", str(path), stdout=io.StringIO())
    tip = CrimeTip.objects.get(kind="report")
    assert tip.recorded_by.username == SYSTEM_USERNAME
    assert not tip.recorded_by.is_active and not tip.recorded_by.has_usable_password()
    assert tip.history.first().history_user.username == SYSTEM_USERNAME


def test_a_command_line_backfill_of_past_years_is_not_refused_by_the_automatic_lock(
    tmp_path, settings, roles, commune_a
):
    """Loading 2021's records by the system account (no --user) passes the automatic lock of ended
    months; an officer's import of the same file does not, and an approved report's lock holds for both."""
    settings.REPORT_AUTO_LOCK_DAYS = 30
    path = tmp_path / "incidents.csv"
    path.write_bytes(csv_bytes(HEADERS["incidents"], *GOOD["incidents"]))
    with pytest.raises(CommandError):
        call_command("import_records", "incidents", str(path), "--user", "officer_a", stderr=io.StringIO())
    assert not Incident.objects.exists()

    PeriodLock.objects.create(unit=commune_a, start=date(2021, 4, 1), end=date(2021, 4, 30), locked_at=timezone.now())
    err = io.StringIO()
    with pytest.raises(CommandError):
        call_command("import_records", "incidents", str(path), stderr=err)
    assert "3\toccurred_on\t" in err.getvalue() and "2\t" not in err.getvalue()
    assert not Incident.objects.exists()

    PeriodLock.objects.all().delete()
    out = io.StringIO()
    call_command("import_records", "incidents", str(path), stdout=out)
    assert "2 records created" in out.getvalue() and Incident.objects.count() == 2


def test_command_refuses_unknown_kind_user_and_file(tmp_path, roles):
    path = tmp_path / "x.csv"
    path.write_bytes(b"unit_code\r\n")
    with pytest.raises(CommandError, match="incidents"):
        call_command("import_records", "weather", str(path))
    with pytest.raises(CommandError, match="nobody"):
        call_command("import_records", "incidents", str(path), "--user", "nobody")
    with pytest.raises(CommandError):
        call_command("import_records", "incidents", str(tmp_path / "missing.csv"))


def test_command_finds_the_other_apps_kinds():
    from incidents.management.commands.import_records import available_importers

    kinds = available_importers()
    assert set(IMPORTERS) <= set(kinds)
    assert "reintegration_persons" in kinds


# --- the upload page -------------------------------------------------------------------------------


IMPORT_PAGE = reverse_lazy("imports:start", args=["incidents"])


def test_upload_page_shows_the_error_table(roles, client_for, commune_a):
    client = client_for(roles.officer_a)
    assert client.get(IMPORT_PAGE).status_code == 200
    response = upload(client, "incidents", csv_bytes(HEADERS["incidents"], "06976,Khu 2,2021-03-15,crime.nope,1,x"))
    assert response.status_code == 302
    page = client.get(response["Location"])
    assert texts(page, "//*[@id='import-state']/@data-state") == ["invalid"]
    rows = [tuple(cells) for cells in table_rows(page, "import-errors")]
    assert [row[:2] for row in rows] == [("2", "village"), ("2", "category")]
    assert "Nothing was imported" in texts(page, "//*[@id='import-refused']")[0]
    assert not Incident.objects.exists()


def test_upload_is_checked_then_written_once_confirmed(roles, client_for, commune_a):
    client = client_for(roles.officer_a)
    response = upload(client, "foreigner_stays", csv_bytes(HEADERS["foreigner_stays"], *GOOD["foreigner_stays"]))
    job = ImportJob.objects.get()
    assert response["Location"] == reverse("imports:job", args=[job.pk])
    page = client.get(response["Location"])
    assert texts(page, "//*[@id='import-state']/@data-state") == ["awaiting"]
    assert table_rows(page, "import-counts") == [["Xã Thanh Lâm", "2"]]
    assert not ForeignerStay.objects.exists()  # nothing before the confirmation
    confirm(client, job)
    page = client.get(reverse("imports:job", args=[job.pk]))
    assert texts(page, "//*[@id='import-done']") == ["2 records were imported from file.csv."]
    assert texts(page, "//a[@id='import-records']/@href") == [reverse("incidents:stay_list")]
    assert ForeignerStay.objects.count() == 2


def test_upload_refuses_other_files(roles, client_for, commune_a):
    response = upload(client_for(roles.officer_a), "incidents", b"%PDF-1.4", "scan.pdf")
    assert response.status_code == 400 and not Incident.objects.exists() and not ImportJob.objects.exists()


@pytest.mark.parametrize("who", ["committee_a", "district_police", "outsider"])
def test_upload_is_404_without_the_right_to_write(who, roles, client_for, commune_a):
    client = client_for(getattr(roles, who))
    assert client.get(IMPORT_PAGE).status_code == 404
    response = upload(client, "incidents", csv_bytes(HEADERS["incidents"], *GOOD["incidents"]))
    assert response.status_code == 404 and not Incident.objects.exists() and not ImportJob.objects.exists()


def test_kinds_without_an_import_format_have_no_upload(roles, client_for):
    client = client_for(roles.officer_a)
    assert client.get(reverse("imports:start", args=["business"])).status_code == 404
    assert client.get(reverse("imports:start", args=["nothing"])).status_code == 404


# --- export ----------------------------------------------------------------------------------------


def make_records(user, unit):
    """One record of each importable kind, a tip with two extensions, texts that look like formulas."""
    village = unit.children.get(name="Thôn Đồng Thầm")
    services.incident_create(
        user=user,
        unit=unit,
        village=village,
        occurred_on=date(2021, 3, 15),
        category=category("crime.theft"),
        subjects=2,
        description='=HYPERLINK("http://x";"bấm")',
    )
    services.incident_create(
        user=user, unit=unit, occurred_on=date(2021, 4, 1), category=category("social_evil.drug_use"), subjects=1
    )
    services.accident_create(
        user=user, unit=unit, occurred_on=date(2021, 3, 2), deaths=1, injuries=0, description="+84 nạn nhân"
    )
    tip = services.tip_create(user=user, unit=unit, kind="report", received_on=date(2021, 1, 10), summary="-tin báo")
    services.tip_extend(
        tip=tip, user=user, new_deadline=date(2021, 3, 10), reason="Phức tạp", extended_on=date(2021, 1, 30)
    )
    services.tip_extend(
        tip=tip,
        user=user,
        new_deadline=date(2021, 5, 10),
        reason="Viện kiểm sát gia hạn",
        extended_on=date(2021, 3, 10),
    )
    tip.refresh_from_db()
    services.tip_decide(tip=tip, user=user, decision="prosecute", decided_on=date(2021, 5, 2))
    services.tip_create(user=user, unit=unit, kind="denunciation", received_on=date(2021, 6, 1), summary="@ai đó")
    services.stay_create(
        user=user,
        unit=unit,
        full_name="\tLi Wei",
        nationality="CN",
        passport_number="E1",
        arrived_at=local(2021, 3, 1, 8, 0),
        declared_at=local(2021, 3, 1, 21, 15),
        departed_on=date(2021, 3, 4),
    )


SNAPSHOTS = {
    "incidents": lambda: sorted(
        Incident.objects.values_list(
            "unit__code", "village__name", "occurred_on", "category__code", "subjects", "description"
        ),
        key=str,
    ),
    "traffic_accidents": lambda: sorted(
        TrafficAccident.objects.values_list("unit__code", "occurred_on", "deaths", "injuries", "description")
    ),
    "crime_tips": lambda: sorted(
        CrimeTip.objects.values_list(
            "unit__code", "kind", "received_on", "deadline", "decided_on", "decision", "summary"
        ),
        key=str,
    ),
    "foreigner_stays": lambda: sorted(
        ForeignerStay.objects.values_list(
            "unit__code", "full_name", "nationality", "passport_number", "arrived_at", "declared_at", "departed_on"
        ),
        key=str,
    ),
}
LIST_KIND = {"incidents": "incident", "traffic_accidents": "accident", "crime_tips": "tip", "foreigner_stays": "stay"}


def export(client, kind, fmt, **params):
    """The import layout ("Tệp mẫu để nhập"); exports for people are tested in test_exports_for_people.py."""
    response = client.get(reverse("export", args=[kind, fmt]), {"layout": "import", **params})
    assert response.status_code == 200, response.status_code
    return response.content


@pytest.mark.parametrize("fmt", ["csv", "xlsx"])
def test_export_then_import_into_an_empty_database_gives_the_same_records(fmt, roles, client_for, commune_a):
    make_records(roles.officer_a, commune_a)
    client = client_for(roles.officer_a)
    before = {kind: snapshot() for kind, snapshot in SNAPSHOTS.items()}
    files = {kind: export(client, LIST_KIND[kind], fmt) for kind in SNAPSHOTS}
    CrimeTipExtension.objects.all().delete()
    for model in MODELS.values():
        model.objects.all().delete()
    for kind, data in files.items():
        result = run(kind, roles.officer_a, data, f"{kind}.{fmt}")
        assert result.ok, (kind, result.errors)
    assert {kind: snapshot() for kind, snapshot in SNAPSHOTS.items()} == before
    assert date(2021, 5, 10) in [tip[3] for tip in before["crime_tips"]]  # the extended deadline came back


def test_export_columns_are_the_import_columns(roles, client_for, commune_a):
    make_records(roles.officer_a, commune_a)
    client = client_for(roles.officer_a)
    for kind, header in HEADERS.items():
        rows = list(csv.reader(io.StringIO(export(client, LIST_KIND[kind], "csv").decode("utf-8-sig"))))
        assert rows[0] == header.split(",")
        assert len(rows) - 1 == MODELS[kind].objects.count()
    tips = list(csv.DictReader(io.StringIO(export(client, "tip", "csv").decode("utf-8-sig"))))
    extended = next(row for row in tips if row["kind"] == "report")
    assert (extended["received_on"], extended["extended_until"], extended["resolved_on"], extended["decision"]) == (
        "2021-01-10",
        "2021-05-10",
        "2021-05-02",
        "prosecute",
    )


def test_formulas_are_neutralised_in_csv(roles, client_for, commune_a):
    make_records(roles.officer_a, commune_a)
    client = client_for(roles.officer_a)
    incidents = list(csv.DictReader(io.StringIO(export(client, "incident", "csv").decode("utf-8-sig"))))
    assert '\'=HYPERLINK("http://x";"bấm")' in [row["description"] for row in incidents]
    accidents = list(csv.DictReader(io.StringIO(export(client, "accident", "csv").decode("utf-8-sig"))))
    assert accidents[0]["description"] == "'+84 nạn nhân"
    tips = {row["summary"] for row in csv.DictReader(io.StringIO(export(client, "tip", "csv").decode("utf-8-sig")))}
    assert tips == {"'-tin báo", "'@ai đó"}
    stays = list(csv.DictReader(io.StringIO(export(client, "stay", "csv").decode("utf-8-sig"))))
    assert stays[0]["full_name"] == "'\tLi Wei"


def test_formulas_are_neutralised_in_xlsx(roles, client_for, commune_a):
    make_records(roles.officer_a, commune_a)
    workbook = load_workbook(io.BytesIO(export(client_for(roles.officer_a), "incident", "xlsx")))
    sheet = workbook.worksheets[0]
    cells = [cell for row in sheet.iter_rows(min_row=2) for cell in row]
    formula_like = [cell for cell in cells if isinstance(cell.value, str) and "HYPERLINK" in cell.value]
    assert len(formula_like) == 1
    assert formula_like[0].value.startswith("'=") and formula_like[0].data_type == "s"
    assert not any(cell.data_type == "f" for cell in cells)
    # Real Excel dates, not text.
    assert {type(cell.value) for cell in sheet["C"][1:]} == {datetime}


def test_export_is_scoped_to_the_user(roles, client_for, commune_a, commune_b):
    make_records(roles.officer_a, commune_a)
    services.incident_create(
        user=roles.officer_b, unit=commune_b, occurred_on=date(2021, 3, 1), category=category(), subjects=1
    )

    def rows(user):
        return list(csv.DictReader(io.StringIO(export(client_for(user), "incident", "csv").decode("utf-8-sig"))))

    assert {row["unit_code"] for row in rows(roles.officer_a)} == {"06976"}
    assert {row["unit_code"] for row in rows(roles.officer_b)} == {"06970"}
    assert {row["unit_code"] for row in rows(roles.district_police)} == {"06970", "06976"}


def test_export_follows_the_list_filters(roles, client_for, commune_a):
    make_records(roles.officer_a, commune_a)
    client = client_for(roles.officer_a)
    data = export(client, "incident", "csv", group="social_evil")
    rows = list(csv.DictReader(io.StringIO(data.decode("utf-8-sig"))))
    assert [row["category"] for row in rows] == ["social_evil.drug_use"]
    data = export(client, "incident", "csv", start="2021-03-01", end="2021-03-31")
    assert [row["occurred_on"] for row in csv.DictReader(io.StringIO(data.decode("utf-8-sig")))] == ["2021-03-15"]


@pytest.mark.parametrize("who", ["committee_a", "outsider"])
def test_export_is_404_without_the_right_to_read(who, roles, client_for, commune_a):
    client = client_for(getattr(roles, who))
    assert client.get(reverse("export", args=["incident", "csv"])).status_code == 404


def test_export_refuses_unknown_kinds_and_formats(roles, client_for):
    client = client_for(roles.officer_a)
    assert client.get(reverse("export", args=["weather", "csv"])).status_code == 404
    assert client.get(reverse("export", args=["incident", "pdf"])).status_code == 404


@pytest.mark.parametrize("kind", ["business", "surrender", "patrol", "outreach", "mediation", "doorcheck"])
@pytest.mark.parametrize("fmt", ["csv", "xlsx"])
def test_every_other_list_exports(kind, fmt, roles, client_for, commune_a):
    from .factories import record_in

    record_in(kind, commune_a)
    data = export(client_for(roles.officer_a), kind, fmt)
    if fmt == "csv":
        rows = list(csv.reader(io.StringIO(data.decode("utf-8-sig"))))
    else:
        rows = [list(row) for row in load_workbook(io.BytesIO(data)).worksheets[0].iter_rows(values_only=True)]
    assert rows[0][0] == "unit_code" and len(rows) == 2 and rows[1][0] == "06976"


def test_surrender_export_sums_items_by_type(roles, client_for, commune_a):
    from .factories import record_in, surrender_item

    surrender = record_in("surrender", commune_a)  # 3 firecrackers
    surrender_item(surrender, item_type="guns", quantity=2).save()
    row = next(csv.DictReader(io.StringIO(export(client_for(roles.officer_a), "surrender", "csv").decode("utf-8-sig"))))
    assert (row["guns"], row["firecrackers"], row["explosives"]) == ("2", "3", "0")


# --- the buttons on the lists ----------------------------------------------------------------------


def test_list_offers_export_and_import_to_an_officer(roles, client_for, commune_a):
    page = (
        client_for(roles.officer_a).get(reverse("incidents:incident_list"), {"q": "xe", "page": "1"}).content.decode()
    )
    assert reverse("imports:start", args=["incidents"]) in page
    assert f"{reverse('export', args=['incident', 'xlsx'])}?q=xe" in page


def test_list_offers_only_export_to_district_police_and_for_kinds_without_import(roles, client_for, commune_a):
    page = client_for(roles.district_police).get(reverse("incidents:incident_list")).content.decode()
    assert reverse("export", args=["incident", "csv"]) in page
    assert reverse("imports:start", args=["incidents"]) not in page
    page = client_for(roles.officer_a).get(reverse("incidents:patrol_list")).content.decode()
    assert reverse("export", args=["patrol", "csv"]) in page and 'id="import-file"' not in page


def test_history_rows_hold_the_records_as_created(roles, commune_a):
    """The "+" history rows written in bulk (simple-history's bulk_create_with_history) hold the records."""
    assert run("foreigner_stays", roles.officer_a, csv_bytes(HEADERS["foreigner_stays"], *GOOD["foreigner_stays"])).ok
    for stay in ForeignerStay.objects.all():
        row = stay.history.get()
        assert (row.history_type, row.history_user, row.history_change_reason) == (
            "+",
            roles.officer_a,
            "Imported from the file “file.csv”",
        )
        as_recorded = row.instance
        fields = [f.attname for f in ForeignerStay._meta.concrete_fields]
        assert [getattr(as_recorded, name) for name in fields] == [getattr(stay, name) for name in fields]


# --- the same content twice, whatever the bytes (tabular.content_fingerprint) ----------------------


def lf_csv_bytes(*lines) -> bytes:
    return ("\n".join(lines) + "\n").encode("utf-8")


def as_typed_in_excel(cell: str):
    """A CSV cell as Excel would hold it: a real date, a whole number (a code with a leading zero stays text)."""
    for pattern in ("%Y-%m-%d", "%d/%m/%Y"):
        try:
            return datetime.strptime(cell, pattern).date()
        except ValueError:
            pass
    for pattern in ("%Y-%m-%d %H:%M", "%d/%m/%Y %H:%M"):
        try:
            return datetime.strptime(cell, pattern)
        except ValueError:
            pass
    if cell.isdigit() and not cell.startswith("0"):
        return int(cell)
    return cell or None


def assert_refused_as_already_imported(result):
    assert not result.ok and errors_at(result) == {(0, "")}, result.errors
    assert "already imported" in result.errors[0].message


@pytest.mark.parametrize("kind", list(HEADERS))
def test_the_same_rows_with_lf_line_endings_are_refused_after_crlf(kind, roles, commune_a):
    assert run(kind, roles.officer_a, csv_bytes(HEADERS[kind], *GOOD[kind])).ok
    assert_refused_as_already_imported(run(kind, roles.officer_a, lf_csv_bytes(HEADERS[kind], *GOOD[kind])))
    assert MODELS[kind].objects.count() == 2


@pytest.mark.parametrize("kind", list(HEADERS))
def test_the_same_rows_with_bom_spaces_and_other_order_are_refused(kind, roles, commune_a):
    assert run(kind, roles.officer_a, csv_bytes(HEADERS[kind], *GOOD[kind])).ok
    spaced = [", ".join(f" {cell} " for cell in line.split(",")) for line in reversed(GOOD[kind])]
    again = run(kind, roles.officer_a, csv_bytes(HEADERS[kind].upper(), *spaced, bom=True))
    assert_refused_as_already_imported(again)
    assert MODELS[kind].objects.count() == 2


@pytest.mark.parametrize("kind", list(HEADERS))
def test_an_xlsx_of_the_same_rows_as_a_csv_is_refused(kind, roles, commune_a):
    assert run(kind, roles.officer_a, csv_bytes(HEADERS[kind], *GOOD[kind])).ok
    rows = [[as_typed_in_excel(cell) for cell in line.split(",")] for line in GOOD[kind]]
    again = run(kind, roles.officer_a, xlsx_bytes([HEADERS[kind].split(","), *rows]), "book.xlsx")
    assert_refused_as_already_imported(again)
    assert MODELS[kind].objects.count() == 2


def test_other_rows_are_not_taken_for_the_same_content(roles, commune_a):
    assert run("incidents", roles.officer_a, csv_bytes(HEADERS["incidents"], GOOD["incidents"][0])).ok
    assert run("incidents", roles.officer_a, csv_bytes(HEADERS["incidents"], GOOD["incidents"][1])).ok
    assert Incident.objects.count() == 2


def test_a_file_imported_before_content_fingerprints_is_still_refused(roles, commune_a):
    """ImportedFile rows written before this change hold the sha256 of the file's bytes."""
    data = csv_bytes(HEADERS["incidents"], *GOOD["incidents"])
    ImportedFile.objects.create(sha256=hashlib.sha256(data).hexdigest(), kind="incidents", filename="old.csv")
    assert_refused_as_already_imported(run("incidents", roles.officer_a, data))


def test_an_upload_form_sent_twice_makes_one_job_and_says_saved(roles, client_for, commune_a):
    client = client_for(roles.officer_a)
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "vi"
    token = form_values(client.get(IMPORT_PAGE), "//form[@id='import-form']")["submission_token"][0]
    data = csv_bytes(HEADERS["incidents"], *GOOD["incidents"])
    first = upload(client, "incidents", data, "a.csv", submission_token=token)
    job = ImportJob.objects.get()
    assert first.status_code == 302 and first["Location"] == job.get_absolute_url()
    confirm(client, job)
    client.get(first["Location"])
    second = client.post(
        IMPORT_PAGE, {"file": SimpleUploadedFile("a.csv", data), "submission_token": token}, follow=True
    )
    assert second.redirect_chain[-1][0] == job.get_absolute_url()
    assert message_texts(second)[0].startswith("Đã lưu")
    assert Incident.objects.count() == 2 and ImportedFile.objects.count() == 1 and ImportJob.objects.count() == 1
