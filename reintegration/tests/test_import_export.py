"""Import and export of kinds reintegration_persons and reintegration_statuses (import-formats.md):
all or nothing, every error with row and column, scope, the same file refused twice, round trip,
formula neutralising."""

import csv
import io
from datetime import date, datetime

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import translation
from openpyxl import Workbook, load_workbook

from basecurity.lib import tabular
from basecurity.testing.html import form_values, table_rows, texts
from basecurity.testing.imports import confirm, import_file, upload
from basecurity.testing.submissions import message_texts
from communes.models import ImportedFile, ImportJob
from reintegration.importers import IMPORTERS, PersonsImporter, StatusesImporter
from reintegration.models import Person, Reoffence, Status
from reintegration.tests.factories import make_person, make_reoffence, make_status

pytestmark = pytest.mark.django_db

HEADER = "unit_code,ref,full_name,birth_date,sex,id_number,category,returned_on,management_ended_on,reoffended_on"
GOOD_ROW = "06976,TL-01,Bàn Văn Sáng,14/03/1990,M,022090001234,completed_sentence,2020-04-02,,2021-09-20"
GOOD_ROW_2 = "06976,TL-02,Triệu Thị Mai,1993-06-17,F,,conditional_release,05/02/2021,2022-08-05,"


def csv_bytes(*lines, bom=False) -> bytes:
    return (("\ufeff" if bom else "") + "\r\n".join(lines) + "\r\n").encode("utf-8")


def run_persons(user, data, filename="persons.csv"):
    return PersonsImporter(user=user).run(data, filename)


def errors_at(result):
    return {(error.row, error.column) for error in result.errors}


def test_both_kinds_are_registered_for_the_command():
    assert IMPORTERS == {"reintegration_persons": PersonsImporter, "reintegration_statuses": StatusesImporter}


def test_good_csv_is_imported_with_history_and_reoffence(roles, commune_a):
    result = run_persons(roles.officer_a, csv_bytes(HEADER, GOOD_ROW, GOOD_ROW_2))
    assert result.ok, result.errors
    assert result.written == 2
    sang = Person.objects.get(ref="TL-01")
    assert (sang.unit, sang.full_name, sang.date_of_birth, sang.citizen_id) == (
        commune_a,
        "Bàn Văn Sáng",
        date(1990, 3, 14),
        "022090001234",
    )
    assert sang.management_start == sang.returned_on == date(2020, 4, 2)
    assert sang.history.get().history_user == roles.officer_a
    assert list(sang.reoffences.values_list("date", flat=True)) == [date(2021, 9, 20)]
    mai = Person.objects.get(ref="TL-02")
    assert (mai.citizen_id, mai.management_end, mai.returned_on) == (None, date(2022, 8, 5), date(2021, 2, 5))
    assert ImportedFile.objects.get().kind == "reintegration_persons"


def test_headers_are_case_insensitive_and_in_any_order(roles, commune_a):
    header = "REF,Unit_Code,full_name,birth_date,sex,id_number,category,returned_on,management_ended_on,reoffended_on"
    row = "TL-01,06976,Bàn Văn Sáng,1990-03-14,M,,completed_sentence,2020-04-02,,"
    assert run_persons(roles.officer_a, csv_bytes(header, row)).ok
    assert Person.objects.get().unit == commune_a


def test_csv_with_bom_is_read(roles, commune_a):
    result = run_persons(roles.officer_a, csv_bytes(HEADER, GOOD_ROW, bom=True))
    assert result.ok, result.errors
    assert Person.objects.get().ref == "TL-01"


def xlsx_bytes(header, rows) -> bytes:
    workbook = Workbook()
    sheet = workbook.active
    sheet.append(header)
    for row in rows:
        sheet.append(row)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def test_xlsx_with_real_dates_and_codes_typed_as_numbers(roles, commune_a):
    header = HEADER.split(",")
    rows = [
        # unit code and citizen ID typed as numbers: Excel dropped their leading zeros
        [
            6976,
            "TL-01",
            "Bàn Văn Sáng",
            datetime(1990, 3, 14),
            "M",
            22090001234,
            "completed_sentence",
            date(2020, 4, 2),
            None,
            None,
        ],
        [
            "06976",
            "TL-02",
            "Triệu Thị Mai",
            "17/06/1993",
            "F",
            None,
            "conditional_release",
            "2021-02-05",
            date(2022, 8, 5),
            None,
        ],
    ]
    result = run_persons(roles.officer_a, xlsx_bytes(header, rows), "persons.xlsx")
    assert result.ok, result.errors
    sang = Person.objects.get(ref="TL-01")
    assert (sang.unit, sang.date_of_birth, sang.returned_on, sang.citizen_id) == (
        commune_a,
        date(1990, 3, 14),
        date(2020, 4, 2),
        "022090001234",
    )
    assert Person.objects.get(ref="TL-02").date_of_birth == date(1993, 6, 17)


@pytest.mark.parametrize(
    "bad_row, row, column",
    [
        (
            "06976,TL-03,Lý Văn Tài,1996-01-09,M,02209600123,completed_sentence,2020-09-02,,",
            3,
            "id_number",
        ),  # 11 digits
        (
            "06976,TL-03,Lý Văn Tài,1996-01-09,M,022196001234,completed_sentence,2020-09-02,,",
            3,
            "id_number",
        ),  # century digit says female
        (
            "06976,TL-03,Lý Văn Tài,1996-01-09,M,022085001234,completed_sentence,2020-09-02,,",
            3,
            "id_number",
        ),  # born 1985 says the ID
        (
            "06976,TL-03,Lý Văn Tài,1996-01-09,M,,completed_sentence,1995-09-02,,",
            3,
            "returned_on",
        ),  # return before birth
        ("06976,TL-01,Lý Văn Tài,1996-01-09,M,,completed_sentence,2020-09-02,,", 3, "ref"),  # duplicate ref in the file
        ("06970,TT-03,Lý Văn Tài,1996-01-09,M,,completed_sentence,2020-09-02,,", 3, "unit_code"),  # another commune
        ("06976,TL-03,Lý Văn Tài,1996-01-09,M,,completed_sentence,2020-09-02,2020-01-01,", 3, "management_ended_on"),
        ("06976,TL-03,Lý Văn Tài,1996-01-09,M,,completed_sentence,2020-09-02,,2019-01-01", 3, "reoffended_on"),
        ("06976,TL-03,Lý Văn Tài,09-01-1996,X,,prison,2999-01-01,,", 3, "birth_date"),
        ("99999,TL-03,Lý Văn Tài,1996-01-09,M,,completed_sentence,2020-09-02,,", 3, "unit_code"),
    ],
)
def test_a_bad_row_writes_nothing_and_is_reported_with_row_and_column(roles, commune_a, bad_row, row, column):
    result = run_persons(roles.officer_a, csv_bytes(HEADER, GOOD_ROW, bad_row))
    assert not result.ok
    assert (row, column) in errors_at(result), result.errors
    assert all(error.message for error in result.errors)
    assert not Person.objects.exists() and not Reoffence.objects.exists() and not ImportedFile.objects.exists()


def test_every_error_of_every_row_is_reported(roles, commune_a):
    bad = "06976,TL-03,Lý Văn Tài,09-01-1996,X,,prison,2999-01-01,,"
    result = run_persons(roles.officer_a, csv_bytes(HEADER, bad, bad.replace("TL-03", "TL-04")))
    assert {("birth_date"), ("sex"), ("category"), ("returned_on")} <= {e.column for e in result.errors if e.row == 2}
    assert {e.row for e in result.errors} == {2, 3}


def test_duplicate_ref_already_in_the_database(roles, commune_a):
    make_person(commune_a, ref="TL-01")
    result = run_persons(roles.officer_a, csv_bytes(HEADER, GOOD_ROW_2, GOOD_ROW))
    assert errors_at(result) == {(3, "ref")}
    assert Person.objects.count() == 1


def test_unknown_and_missing_columns_are_errors(roles, commune_a):
    result = run_persons(roles.officer_a, csv_bytes(HEADER + ",phone", GOOD_ROW + ",0912"))
    assert (1, "phone") in errors_at(result)
    result = run_persons(roles.officer_a, csv_bytes(HEADER.replace(",reoffended_on", ""), GOOD_ROW.rsplit(",", 1)[0]))
    assert (1, "reoffended_on") in errors_at(result)
    assert not Person.objects.exists()


def test_the_same_file_is_refused_the_second_time(roles, commune_a):
    data = csv_bytes(HEADER, GOOD_ROW)
    assert run_persons(roles.officer_a, data).ok
    Person.objects.all().delete()  # even when its records were removed since
    with translation.override("en"):
        second = run_persons(roles.officer_a, data, "copy.csv")
    assert not second.ok and second.errors[0].row == 0
    assert "already imported" in second.errors[0].message and "persons.csv" in second.errors[0].message
    assert not Person.objects.exists()


def test_the_command_line_without_user_may_import_into_any_commune(units):
    assert PersonsImporter(user=None).run(csv_bytes(HEADER, GOOD_ROW.replace("06976", "06970")), "p.csv").ok
    assert Person.objects.get().unit.code == "06970"


def test_other_file_kinds_are_refused(roles, commune_a):
    result = run_persons(roles.officer_a, b"%PDF-1.4", "persons.pdf")
    assert not result.ok and not Person.objects.exists()
    result = run_persons(roles.officer_a, b"not a zip", "persons.xlsx")
    assert not result.ok


# --- statuses -----------------------------------------------------------------------------------

STATUS_HEADER = "unit_code,ref,as_of,employed,stable_life,note"


def test_statuses_import_with_every_boolean_spelling(roles, commune_a):
    person = make_person(commune_a, ref="TL-01")
    data = csv_bytes(
        STATUS_HEADER,
        "06976,TL-01,2020-09-30,no,yes,Chăn nuôi",
        "06976,TL-01,31/12/2020,có,không,",
        "06976,TL-01,2021-03-01,TRUE,1,",
        "06976,TL-01,2021-06-30,0,false,",
    )
    result = StatusesImporter(user=roles.officer_a).run(data, "s.csv")
    assert result.ok, result.errors
    assert list(person.statuses.order_by("as_of").values_list("has_job", "stable_life")) == [
        (False, True),
        (True, False),
        (True, True),
        (False, False),
    ]


def test_statuses_import_errors(roles, commune_a, commune_b):
    make_person(commune_a, ref="TL-01", returned_on=date(2020, 6, 1), management_start=date(2020, 6, 1))
    make_person(commune_b, ref="TT-01")
    data = csv_bytes(
        STATUS_HEADER,
        "06976,TL-01,2021-01-01,yes,yes,",
        "06976,TL-99,2021-01-01,yes,yes,",  # no such person
        "06976,TL-01,2021-02-01,maybe,yes,",  # not a boolean
        "06976,TL-01,2020-01-01,yes,yes,",  # before the return
        "06970,TT-01,2021-01-01,yes,yes,",  # another commune
        "06976,TL-01,2021-01-01,no,no,",  # the same date twice in the file
    )
    result = StatusesImporter(user=roles.officer_a).run(data, "s.csv")
    assert errors_at(result) == {(3, "ref"), (4, "employed"), (5, "as_of"), (6, "unit_code"), (7, "as_of")}
    assert not Status.objects.exists()


# --- the pages ------------------------------------------------------------------------------------


def test_import_page_shows_every_error_as_a_table(roles, client_for, commune_a):
    client = client_for(roles.officer_a)
    data = csv_bytes(HEADER, GOOD_ROW, GOOD_ROW_2.replace(",F,,", ",F,12345,"))
    response = upload(client, "reintegration_persons", data, "persons.csv")
    page = client.get(response["Location"])
    assert ["3", "id_number"] in [row[:2] for row in table_rows(page, "import-errors")]
    assert not Person.objects.exists()


def test_import_page_imports_once_confirmed_and_links_the_list(roles, client_for, commune_a):
    client = client_for(roles.officer_a)
    job = import_file(client, "reintegration_persons", csv_bytes(HEADER, GOOD_ROW), "persons.csv")
    assert job.state == ImportJob.State.DONE and job.written == 1
    page = client.get(job.get_absolute_url())
    assert texts(page, "//a[@id='import-records']/@href") == [reverse("reintegration:person_list")]
    assert "Bàn Văn Sáng" in texts(client.get(reverse("reintegration:person_list")), "//table//td")
    assert Person.objects.get().history.get().history_user == roles.officer_a


# --- export and round trip ------------------------------------------------------------------------


def fields(person):
    last = person.reoffences.order_by("-date").values_list("date", flat=True).first()
    return (
        person.unit.code,
        person.ref,
        person.full_name,
        person.date_of_birth,
        person.sex,
        person.citizen_id,
        person.category,
        person.returned_on,
        person.management_end,
        last,
    )


def status_fields(status):
    return (status.person.unit.code, status.person.ref, status.as_of, status.has_job, status.stable_life, status.note)


@pytest.mark.parametrize("fmt", ["csv", "xlsx"])
def test_export_round_trip(roles, client_for, commune_a, fmt):
    one = make_person(
        commune_a, ref="TL-01", full_name="Bàn Văn Sáng", citizen_id="022090001234", date_of_birth=date(1990, 3, 14)
    )
    two = make_person(
        commune_a,
        ref="TL-02",
        full_name="Triệu Thị Mai",
        sex="F",
        category="special_amnesty",
        management_end=date(2022, 8, 5),
        date_of_birth=date(1993, 6, 17),
    )
    make_reoffence(one, date(2021, 9, 20))
    make_status(one, date(2021, 1, 1), has_job=True, stable_life=False, note="Làm thuê, thời vụ")
    make_status(two, date(2021, 2, 1), has_job=False, stable_life=True)
    before = sorted(fields(p) for p in Person.objects.all())
    statuses_before = sorted(status_fields(s) for s in Status.objects.all())

    client = client_for(roles.officer_a)
    persons_file = client.get(reverse("export", args=["person", fmt]))
    statuses_file = client.get(reverse("export", args=["person-statuses", fmt]))
    assert persons_file["Content-Disposition"].startswith("attachment;")
    Person.objects.all().delete()  # an empty database

    result = PersonsImporter(user=roles.officer_a).run(persons_file.content, f"persons.{fmt}")
    assert result.ok, result.errors
    result = StatusesImporter(user=roles.officer_a).run(statuses_file.content, f"statuses.{fmt}")
    assert result.ok, result.errors
    assert sorted(fields(p) for p in Person.objects.all()) == before
    assert sorted(status_fields(s) for s in Status.objects.all()) == statuses_before


def test_export_columns_are_the_import_columns(roles, client_for, commune_a):
    make_person(commune_a)
    content = client_for(roles.officer_a).get(reverse("export", args=["person", "csv"]), {"layout": "import"}).content
    assert content.startswith(b"\xef\xbb\xbf")  # BOM: Excel shows Vietnamese letters
    header = next(csv.reader(io.StringIO(content.decode("utf-8-sig"))))
    assert header == HEADER.split(",")


def test_export_applies_the_list_filters(roles, client_for, commune_a):
    make_person(commune_a, ref="A", category="special_amnesty")
    make_person(commune_a, ref="B", category="completed_sentence")
    content = (
        client_for(roles.officer_a)
        .get(
            reverse("export", args=["person", "csv"]),
            {"category": "special_amnesty", "layout": "import"},
        )
        .content.decode("utf-8-sig")
    )
    refs = [row[1] for row in csv.reader(io.StringIO(content))][1:]
    assert refs == ["A"]


@pytest.mark.parametrize("fmt", ["csv", "xlsx"])
def test_formulas_are_neutralised_in_exports(roles, client_for, commune_a, fmt):
    make_person(commune_a, ref="=1+1", full_name='=HYPERLINK("http://x.invalid","bấm")')
    content = client_for(roles.officer_a).get(reverse("export", args=["person", fmt]), {"layout": "import"}).content
    if fmt == "csv":
        row = list(csv.reader(io.StringIO(content.decode("utf-8-sig"))))[1]
        ref, name = row[1], row[2]
    else:
        sheet = load_workbook(io.BytesIO(content)).worksheets[0]
        ref, name = sheet.cell(2, 2).value, sheet.cell(2, 3).value
        assert sheet.cell(2, 3).data_type == "s"
    assert ref == "'=1+1"
    assert name == '\'=HYPERLINK("http://x.invalid","bấm")'


@pytest.mark.parametrize("value", ["=SUM(A1)", "+1", "-1", "@cmd", "\tx"])
def test_neutralise_prefixes_a_quote(value):
    assert tabular.neutralise(value) == "'" + value
    assert tabular.neutralise("Bàn Văn Sáng") == "Bàn Văn Sáng"
    assert tabular.neutralise(5) == 5


def test_person_rows_is_one_query(roles, commune_a, django_assert_num_queries):
    from reintegration.records import PERSON_FILE

    for n in range(5):
        make_reoffence(make_person(commune_a, ref=f"R{n}"), date(2021, 1, 1))
    with django_assert_num_queries(1):  # persons JOIN unit, with the latest reoffence as MAX(...) GROUP BY
        rows = list(PERSON_FILE.rows(Person.objects.all(), layout="import"))
    assert len(rows) == 5 and rows[0][1] == "R0"


def test_the_import_records_command_finds_both_kinds(roles, commune_a, tmp_path):
    from django.core.management import call_command

    persons = tmp_path / "persons.csv"
    persons.write_bytes(csv_bytes(HEADER, GOOD_ROW))
    statuses = tmp_path / "statuses.csv"
    statuses.write_bytes(csv_bytes("unit_code,ref,as_of,employed,stable_life,note", "06976,TL-01,2021-01-01,yes,yes,"))
    call_command("import_records", "reintegration_persons", str(persons), "--user", "officer_a")
    call_command("import_records", "reintegration_statuses", str(statuses), "--user", "officer_a")
    status = Status.objects.get()
    assert status.person.ref == "TL-01" and status.history.get().history_user == roles.officer_a


# --- the same content twice, whatever the bytes (tabular.content_fingerprint) ----------------------


def test_the_same_rows_with_lf_line_endings_or_as_xlsx_are_refused(roles, commune_a):
    assert run_persons(roles.officer_a, csv_bytes(HEADER, GOOD_ROW)).ok
    with translation.override("en"):
        lf = run_persons(roles.officer_a, (HEADER + "\n" + GOOD_ROW + "\n").encode("utf-8"))
        cells = ["06976", "TL-01", "Bàn Văn Sáng", datetime(1990, 3, 14), "M", "022090001234"]
        cells += ["completed_sentence", datetime(2020, 4, 2), None, datetime(2021, 9, 20)]
        xlsx = run_persons(roles.officer_a, xlsx_bytes(HEADER.split(","), [cells]), "persons.xlsx")
    for again in (lf, xlsx):
        assert not again.ok and "already imported" in again.errors[0].message, again.errors
    assert Person.objects.count() == 1


def test_the_import_form_sent_twice_imports_once_and_says_saved(roles, client_for, commune_a):
    client = client_for(roles.officer_a)
    url = reverse("imports:start", args=["reintegration_persons"])
    token = form_values(client.get(url), "//form[@id='import-form']")["submission_token"][0]
    first = upload(client, "reintegration_persons", csv_bytes(HEADER, GOOD_ROW), "p.csv", submission_token=token)
    job = ImportJob.objects.get()
    confirm(client, job)
    client.get(first["Location"])
    second = client.post(
        url, {"file": SimpleUploadedFile("p.csv", csv_bytes(HEADER, GOOD_ROW)), "submission_token": token}, follow=True
    )
    assert second.redirect_chain[-1][0] == job.get_absolute_url()
    assert message_texts(second)[0].startswith("Đã lưu")
    assert Person.objects.count() == 1 and ImportJob.objects.count() == 1
