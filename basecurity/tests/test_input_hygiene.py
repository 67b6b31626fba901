"""Input hygiene (issue 12): every text a form or an import takes is NFC without invisible or
bidirectional-control characters; dates outside 1900–2100 are a field error everywhere (forms,
list filters, imports) — a year-1 date used to reach the lock check and answer 500."""

from datetime import date

import pytest
from django import forms
from django.urls import reverse

from basecurity.lib import tabular
from basecurity.lib.text import clean_text
from basecurity.testing.html import texts, tree
from communes import submissions
from incidents.records import KINDS
from incidents.tests.factories import record_in
from reintegration.tests.factories import make_person

YEAR_ONE = {"date": "01/01/0001", "datetime": "01/01/0001 08:00", "time": "08:00"}  # by data-picker
RANGE = "1900"  # in the message of either language: "between 1900 and 2100" / "từ năm 1900 đến 2100"


pytestmark = pytest.mark.usefixtures("english")


def form_data(page, url: str = "") -> dict:
    """What a browser would post from the page's POST form to `url`, with every date set to year 1."""
    forms_ = [
        form
        for form in tree(page).xpath("//form[translate(@method, 'POST', 'post')='post']")
        if form.get("action") in (None, "", url)
    ]
    form = max(forms_, key=lambda f: len(f.xpath(".//input[@data-picker='date' or @data-picker='datetime']")))
    data: dict[str, list[str]] = {}
    for element in form.xpath(".//input[@name] | .//select[@name] | .//textarea[@name]"):
        name, kind = element.get("name"), (element.get("type") or "").lower()
        if element.get("data-picker") in YEAR_ONE:
            value = YEAR_ONE[element.get("data-picker")]
        elif element.tag == "select":
            options = element.xpath("./option[@selected]") or element.xpath("./option[@value!='']")
            if not options:
                continue
            value = options[0].get("value")
        elif element.tag == "textarea":
            value = element.text or "x"
        elif kind in ("checkbox", "radio"):
            if element.get("checked") is None:
                continue
            value = element.get("value", "on")
        elif kind in ("submit", "file", "button"):
            continue
        else:
            value = element.get("value") or ("1" if kind == "number" else "x")
        data.setdefault(name, []).append(value)
    return data


def create_pages(commune_a) -> list[tuple[str, str]]:
    """(page showing the form, URL it posts to) for every form that creates a dated record."""
    person = make_person(commune_a)
    tip = record_in("tip", commune_a)
    business = record_in("business", commune_a)
    person_page = reverse("reintegration:person_detail", args=[person.pk])
    tip_page = reverse("incidents:tip_detail", args=[tip.pk])
    pages = [(url, url) for url in (reverse(f"incidents:{kind}_create") for kind in KINDS)]
    pages += [
        (tip_page, reverse("incidents:tip_extend", args=[tip.pk])),
        (tip_page, reverse("incidents:tip_decide", args=[tip.pk])),
        (reverse("incidents:inspection_create", args=[business.pk]),) * 2,
        (reverse("communes:committee_create"),) * 2,
        (reverse("communes:team_create"),) * 2,
        (reverse("reintegration:person_create"),) * 2,
        (person_page, reverse("reintegration:support_add", args=[person.pk])),
        (person_page, reverse("reintegration:status_add", args=[person.pk])),
        (person_page, reverse("reintegration:reoffence_add", args=[person.pk])),
        (reverse("reports:report_create"),) * 2,
    ]
    return pages


@pytest.mark.django_db
def test_year_one_dates_are_field_errors_on_every_create_form(roles, client_for, commune_a):
    client = client_for(roles.admin)
    checked = []
    for page_url, url in create_pages(commune_a):
        page = client.get(page_url)
        assert page.status_code == 200, page_url
        data = form_data(page, url)
        if not any(value in ([YEAR_ONE["date"]], [YEAR_ONE["datetime"]]) for value in data.values()):
            continue  # no date on this form
        response = client.post(url, data)  # a 500 raises here
        assert response.status_code in (200, 400), url
        errors = " ".join(texts(response, "//*[contains(@class, 'invalid-feedback')]"))
        assert RANGE in errors, (url, errors)
        checked.append(url)
    assert len(checked) >= len(KINDS) + 6, checked


@pytest.mark.django_db
@pytest.mark.parametrize("value", ["0001-01-01", "9999-12-31"])
def test_year_one_in_a_list_filter_is_a_field_error(value, roles, client_for, commune_a):
    client = client_for(roles.admin)
    for kind in KINDS:
        response = client.get(reverse(f"incidents:{kind}_list"), {"start": value, "end": value})
        assert response.status_code in (200, 400)
    assert client.get(reverse("dashboards:index"), {"as_of": value}, follow=True).status_code in (200, 400)
    assert client.get(reverse("reintegration:person_list"), {"q": value}).status_code == 200
    response = client.get(reverse("incidents:incident_list"), {"start": value})
    assert RANGE in " ".join(texts(response, "//*[contains(@class, 'invalid-feedback')]"))


def test_dates_outside_the_range_are_refused_by_the_import_parsers():
    # Text dates of 10 characters take parse_date's fast path, real dates and others the general one.
    for value in ("0001-01-01", "01/01/0001", "1899-12-31", "2101-01-01", date(1899, 12, 31), " 2101-01-01"):
        with pytest.raises(tabular.CellError, match="between 1900 and 2100"):
            tabular.parse_date(value, allow_future=True)
    with pytest.raises(tabular.CellError, match="between 1900 and 2100"):
        tabular.parse_datetime("0001-01-01 08:00")
    assert tabular.parse_date("1900-01-01").year == 1900


# --- text -------------------------------------------------------------------------------------------


def test_clean_text_is_nfc_without_invisible_characters():
    nfd = "Nguye\u0302\u0303n"  # Nguyễn with combining marks
    assert clean_text(nfd) == "Nguyễn"
    assert clean_text("Lò\u200b Văn\u200c\u200d\u2060\ufeff A") == "Lò Văn A"
    assert clean_text("\u202eabc\u202c \u2066x\u2069 \u200e\u200f") == "abc x "
    assert clean_text("dòng 1\ndòng 2\tcột") == "dòng 1\ndòng 2\tcột"


def test_every_form_text_field_is_cleaned_but_not_passwords():
    class Any(forms.Form):
        name = forms.CharField()
        note = forms.CharField(widget=forms.Textarea)
        secret = forms.CharField(widget=forms.PasswordInput)

    form = Any({"name": " \u200bNguye\u0302\u0303n\u202e ", "note": "a\u200bb", "secret": "p\u200bw"})
    assert form.is_valid()
    assert form.cleaned_data == {"name": "Nguyễn", "note": "ab", "secret": "p\u200bw"}


@pytest.mark.django_db
def test_an_nfd_name_is_found_by_an_nfc_search_and_zero_width_does_not_dodge_uniqueness(roles, client_for, commune_a):
    from reintegration.models import Person

    client = client_for(roles.admin)
    url = reverse("reintegration:person_create")
    data = form_data(client.get(url), url)
    data.update(
        {
            "unit": [str(commune_a.pk)],
            "ref": ["HS-01"],
            "full_name": ["Nguye\u0302\u0303n Va\u0306n \u200bA"],
            "sex": ["M"],
            "category": ["completed_sentence"],
            "citizen_id": [""],
            "date_of_birth": ["1990-01-01"],
            "returned_on": ["2021-01-01"],
            "management_start": ["2021-01-01"],
            "management_end": [""],
        }
    )
    response = client.post(url, data)
    assert response.status_code == 302, response.context["form"].errors
    person = Person.objects.get(unit=commune_a)
    assert person.full_name == "Nguyễn Văn A"
    assert Person.objects.filter(full_name__contains="Nguyễn").exists()

    data["ref"] = ["HS-01\u200b"]
    fresh = form_data(client.get(url), url)  # a new form: a new one-time token (the first was used)
    data.update({name: value for name, value in fresh.items() if name == submissions.TOKEN_FIELD})
    response = client.post(url, data)
    assert response.status_code in (200, 400) and response.context["form"].errors
    assert Person.objects.count() == 1


def test_import_cells_are_cleaned():
    data = "unit_code,description\r\n06976,\u200bTro\u0302\u0301m \u202ecắp\r\n".encode()
    table = tabular.read_table(data, "x.csv", ["unit_code", "description"])
    assert table.rows == [(2, {"unit_code": "06976", "description": "Trốm cắp"})]


@pytest.mark.django_db
def test_the_lock_check_answers_a_year_one_date_instead_of_overflowing(commune_a, settings):
    from datetime import UTC, date, datetime

    from django.core.exceptions import ValidationError

    from communes.locks import LockChecker, ensure_unlocked

    settings.REPORT_AUTO_LOCK_DAYS = 30
    for day in (date(1, 1, 1), datetime(1, 1, 1, tzinfo=UTC), date(9999, 12, 31)):
        assert "1900" in LockChecker().reason(commune_a, day)
        with pytest.raises(ValidationError):
            ensure_unlocked(commune_a, day, field="occurred_on")


@pytest.mark.django_db
def test_year_one_in_the_admin_is_a_field_error_or_an_ignored_filter(roles, client_for, commune_a):
    client = client_for(roles.admin)
    url = reverse("admin:incidents_incident_add")
    data = form_data(client.get(url), "")
    data["occurred_on"] = ["01/01/0001"]
    response = client.post(url, data)
    assert response.status_code == 200
    assert "occurred_on" in response.context["adminform"].form.errors
    changelist = reverse("admin:incidents_incident_changelist")
    for params in [
        {"occurred_on__year": "1"},
        {"occurred_on__year": "9999", "occurred_on__month": "12"},
        {"occurred_on__gte": "0001-01-01"},
    ]:
        assert client.get(changelist, params).status_code in (200, 302), params
