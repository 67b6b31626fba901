"""Exports stay inert in Excel whatever its list separator ("," or ";", Vietnamese Windows uses
";") and in LibreOffice (which may also split at tabs) (issue 12): no field a spreadsheet could
cut out of a line starts with a formula character."""

import csv
import io
import re

import pytest
from django.urls import reverse

from basecurity.lib import tabular
from incidents import services
from incidents.tests.factories import category
from reintegration.tests.factories import make_person

HOSTILE = [
    "ghi chu;=10+20",
    'ghi chu; =HYPERLINK("http://x";"bấm")',
    "a,=1+1",
    "x\t@SUM(A1)",
    "dòng 1\n=cmd|' /C calc'!A0",
    "dòng 1\r\n+84 nạn nhân",
    'trích "a";"=1+1"',
    " =1+1",
    "=1+1",
    "\t=1",
]
TRIGGER = re.compile(r'^[\s"]*[=+\-@]')


def fields_a_spreadsheet_could_see(content: str) -> list[str]:
    """Every field of every line, cut at each separator a spreadsheet may use, with or without
    honouring quotes (a quote in the middle of a ;-separated field is plain text to Excel)."""
    fields = []
    for delimiter in [",", ";", "\t"]:
        for row in csv.reader(io.StringIO(content, newline=""), delimiter=delimiter):
            fields.extend(row)
        for line in re.split(r"\r\n|\n|\r", content):
            fields.extend(line.split(delimiter))
    return fields


def test_no_field_starts_a_formula_with_either_separator():
    content = tabular.write_csv(["description"], [[value] for value in HOSTILE]).decode("utf-8-sig")
    dangerous = [field for field in fields_a_spreadsheet_could_see(content) if TRIGGER.match(field)]
    assert dangerous == []


@pytest.mark.parametrize("value", HOSTILE + ["Bàn Văn Sáng", "1992-1995", "a - b", "x;y"])
def test_an_export_imports_as_the_same_text(value):
    assert tabular.restore(tabular.neutralise(value)) == value


def test_plain_text_is_unchanged():
    for value in ["Bàn Văn Sáng", "1992-1995", "a - b", "Hà Nội; thôn 2", "email@x.vn"]:
        assert tabular.neutralise(value) == value


@pytest.mark.django_db
def test_the_incident_export_is_inert_with_a_semicolon_separator(roles, client_for, commune_a):
    from datetime import date

    services.incident_create(
        user=roles.officer_a,
        unit=commune_a,
        occurred_on=date(2021, 3, 1),
        category=category(),
        subjects=1,
        description="ghi chu;=10+20",
    )
    response = client_for(roles.officer_a).get(reverse("export", args=["incident", "csv"]))
    content = b"".join(response.streaming_content if response.streaming else [response.content])
    text = content.decode("utf-8-sig")
    rows = list(csv.reader(io.StringIO(text, newline=""), delimiter=";"))
    assert not [field for row in rows for field in row if TRIGGER.match(field)]
    assert "ghi chu;'=10+20" in text


@pytest.mark.django_db
def test_the_persons_export_is_inert_with_a_semicolon_separator(roles, client_for, commune_a):
    make_person(commune_a, ref="HS;=1+1", full_name="Lò Văn A")
    content = client_for(roles.officer_a).get(reverse("export", args=["person", "csv"]))
    text = content.content.decode("utf-8-sig")
    assert not [f for f in fields_a_spreadsheet_could_see(text) if TRIGGER.match(f)]
