"""The persons' exports are for people by default (Vietnamese titles, sex, category and yes/no in words,
dd/mm/yyyy, title rows) and import back; the import layout stays available with layout=import."""

import io
from datetime import date, datetime

import pytest
import time_machine
from django.conf import settings
from django.urls import reverse
from django.utils import translation
from openpyxl import load_workbook

from incidents.tests.factories import HCM
from reintegration.importers import PersonsImporter, StatusesImporter
from reintegration.models import Person, Status
from reintegration.tests.factories import make_person, make_status

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def vietnamese(client):
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "vi"
    with translation.override("vi"), time_machine.travel(datetime(2026, 11, 28, 9, 5, tzinfo=HCM), tick=False):
        yield


EXPORT_KEYS = {"reintegration_persons": "person", "reintegration_statuses": "person-statuses"}


def _rows(client, kind, **params):
    response = client.get(reverse("export", args=[EXPORT_KEYS[kind], "xlsx"]), params)
    assert response.status_code == 200
    rows = [list(row) for row in load_workbook(io.BytesIO(response.content)).worksheets[0].iter_rows(values_only=True)]
    return response.content, rows


def test_the_persons_export_is_for_people_and_imports_back(roles, client_for, commune_a):
    person = make_person(commune_a, ref="HS-01", sex="F", category="special_amnesty")
    make_status(person, date(2021, 2, 1), has_job=True, stable_life=False)
    client = client_for(roles.officer_a)
    persons_file, rows = _rows(client, "reintegration_persons")
    assert rows[0][0] == "Người được quản lý, giúp đỡ tại cộng đồng"
    assert rows[1][0] == "Đơn vị: Xã Thanh Lâm"
    values = dict(zip(rows[5], rows[6], strict=True))
    assert (values["Giới tính"], values["Loại"]) == ("Nữ", "Đặc xá")  # words, not F and special_amnesty
    assert values["Số hồ sơ"] == "HS-01" and values["Ngày sinh"] == datetime(1990, 1, 1)
    statuses_file, status_rows = _rows(client, "reintegration_statuses")
    status = dict(zip(status_rows[5], status_rows[6], strict=True))
    assert (status["Có việc làm"], status["Cuộc sống ổn định"]) == ("Có", "Không")

    Person.objects.all().delete()
    assert PersonsImporter(user=roles.officer_a).run(persons_file, "nguoi.xlsx").ok
    assert StatusesImporter(user=roles.officer_a).run(statuses_file, "tinh-trang.xlsx").ok
    person = Person.objects.get()
    assert (person.ref, person.sex, person.category) == ("HS-01", "F", "special_amnesty")
    assert Status.objects.filter(person=person, has_job=True, stable_life=False).exists()


def test_the_import_layout_stays_available(roles, client_for, commune_a):
    make_person(commune_a, ref="HS-01", sex="F")
    _content, rows = _rows(client_for(roles.officer_a), "reintegration_persons", layout="import")
    assert rows[0][:5] == ["unit_code", "ref", "full_name", "birth_date", "sex"] and rows[1][4] == "F"


def test_the_list_links_the_import_pages_with_their_guide_and_template(roles, client_for):
    from basecurity.testing.html import texts

    client = client_for(roles.officer_a)
    listing = client.get(reverse("reintegration:person_list"))
    persons_url = reverse("imports:start", args=["reintegration_persons"])
    assert texts(listing, f"//div[@id='import-links']/a[@href='{persons_url}']")
    page = client.get(persons_url)
    assert texts(page, "//table[@data-kind='reintegration_persons']//tr[@data-column='sex']/td[3]/div") == [
        "M: Nam",
        "F: Nữ",
    ]
    assert "special_amnesty: Đặc xá" in texts(page, "//tr[@data-column='category']/td[3]/div")
    statuses = client.get(reverse("imports:start", args=["reintegration_statuses"]))
    url = reverse("imports:template", args=["reintegration_statuses"])
    assert texts(statuses, f"//a[@href='{url}']")
    template = client.get(url)
    rows = [list(row) for row in load_workbook(io.BytesIO(template.content)).worksheets[0].iter_rows(values_only=True)]
    assert rows == [["unit_code", "ref", "as_of", "employed", "stable_life", "note"]]
