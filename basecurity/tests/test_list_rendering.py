"""The list page's filters and rows are built in Python (basecurity/lib/form_html.py and the
`record_rows` tag), for speed (docs/benchmarks.md, "Lists that scale"): they must say what Django's
widgets and the `cell` tag say, escape what users typed, and keep Bootstrap's error markup."""

from datetime import date

import pytest
from django import forms
from django.db import connection
from django.http import QueryDict
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import translation
from django.utils.html import conditional_escape
from lxml import html as lxml_html

from basecurity.lib.form_html import field_html
from basecurity.testing.drugcases.models import DrugCase
from basecurity.testing.html import texts
from basecurity.widgets import DateInput
from communes.record_kinds import KINDS, filtered
from communes.templatetags.records import cell, record_rows
from communes.tests.factories import make_committee, make_team, village_of
from incidents.tests import factories as f
from reintegration.tests.factories import make_person
from reports.services import report_create

pytestmark = pytest.mark.django_db


def _elements(markup: str):
    """Every element of `markup` as (tag, attributes without class, text): what a browser reads."""
    root = lxml_html.fragment_fromstring(str(markup), create_parent="div")
    return [
        (node.tag, {k: v for k, v in node.attrib.items() if k != "class"}, (node.text or "").strip())
        for node in root.iter()
        if node is not root
    ]


@pytest.mark.parametrize("key", sorted(KINDS))
def test_every_filter_is_the_widget_django_would_render(key, roles, commune_a):
    """For every kind's filters, bound to odd values: the same elements, attributes, options and
    selection as Django's own template rendering, with Bootstrap's classes."""
    kind = KINDS[key]
    data = {"q": '<b>"x"</b> & y', "start": "01/02/2021", "end": "not a date", "unit": str(commune_a.pk)}
    filterset, _records = filtered(kind, roles.district_police, _query(data))
    assert filterset.form.fields, key
    for field in filterset.form:
        ours = field_html(field)
        widget = lxml_html.fragment_fromstring(str(ours), create_parent="div").xpath(".//select|.//input|.//textarea")[
            0
        ]
        is_select = isinstance(field.field.widget, forms.Select)
        assert ("form-select" if is_select else "form-control") in widget.get("class"), (key, field.name)
        django = field.as_widget(attrs={"class": widget.get("class")})
        assert _elements(lxml_html.tostring(widget, encoding="unicode")) == _elements(django), (key, field.name)
        if field.errors:
            assert "is-invalid" in widget.get("class")
            assert texts(str(ours), f"//*[@id='{field.auto_id}_error']/strong") == [str(e) for e in field.errors]


def _query(data):
    query = QueryDict(mutable=True)
    query.update(data)
    return query


def test_a_field_says_its_label_help_and_errors_and_escapes_what_was_typed():
    class Form(forms.Form):
        name = forms.CharField(label="Tên <đối tượng>", help_text="Họ & tên", max_length=3)
        day = forms.DateField(widget=DateInput())
        kind = forms.ChoiceField(choices=[("", "Tất cả"), ("Nhóm", [("a", "A <1>"), ("b", "B")])], required=False)

    form = Form({"name": '"><script>alert(1)</script>', "day": "31/02/2026", "kind": "b"})
    assert not form.is_valid()
    name, day, kind = (field_html(form[name]) for name in ("name", "day", "kind"))
    assert "<script>" not in name and "&lt;script&gt;" in name and "Tên &lt;đối tượng&gt;" in name
    assert 'class="form-label requiredField"' in name and '<span class="asteriskField">*</span>' in name
    assert '<div id="id_name_helptext" class="form-text">Họ &amp; tên</div>' in name
    assert 'aria-invalid="true"' in name and "aria-describedby" in name
    assert 'class="invalid-feedback"' in name and "is-invalid" in name
    assert 'data-picker="date"' in day and 'value="31/02/2026"' in day and "is-invalid" in day
    assert '<optgroup label="Nhóm">' in kind and '<option value="b" selected>B</option>' in kind
    assert "A &lt;1&gt;" in kind and "is-invalid" not in kind


def make_one(key, commune, officer):
    """A record of kind `key` in `commune`, with a blank optional field or two."""
    if key == "person":
        make_person(commune, full_name="Lò Văn <Thử>", village=None)
    elif key == "drugcase":
        DrugCase.objects.create(unit=commune, detected_on=date(2021, 3, 15), substance="heroin", summary="x & y")
    elif key == "team":
        make_team(village_of(commune), name="Tổ <số 1>")
    elif key == "committee":
        make_committee(commune)
    elif key == "report":
        report_create(user=officer, unit=commune, period_kind="month", year=2021, number=3)
    else:
        f.record_in(key, commune)


@pytest.mark.parametrize("key", sorted(KINDS))
def test_the_rows_say_what_the_cell_tag_says(key, roles, commune_a, client_for):
    """`record_rows` gives each column the text of `cell` (choices by their label, dates
    dd/mm/yyyy, "—" for nothing), under the column's heading, the linked column to the record's
    page; a choice reads as the model's own display of it, in Vietnamese."""
    kind = KINDS[key]
    make_one(key, commune_a, roles.officer_a)
    records = list(kind.for_list(kind.ordered(kind.records(roles.officer_a)))[:5])
    assert records, key
    columns = kind.list_columns
    with translation.override("vi"):
        rows = lxml_html.fragment_fromstring(
            f"<table><tbody>{record_rows(kind, columns, records)}</tbody></table>"
        ).xpath("//tr")
        for record, row in zip(records, rows, strict=True):
            cells = row.xpath("./td")
            expected = [
                lxml_html.fragment_fromstring(f"<i>{conditional_escape(cell(record, c))}</i>").text_content()
                for c in columns
            ]
            assert [td.text_content() for td in cells] == expected
            assert all(td.get("data-label") for td in cells)
            for column, td in zip(columns, cells, strict=True):
                field = next((f for f in record._meta.fields if f.name == column.name), None)
                if field is not None and field.choices and not column.template:
                    assert td.text_content() == (getattr(record, f"get_{field.name}_display")() or "—")
                if column.link and kind.pages:
                    assert td.xpath("./a/@href") == [reverse(kind.detail_url, args=[record.pk])]


def test_the_incident_list_joins_only_what_its_table_shows(roles, client_for, commune_a):
    f.incident(commune_a, roles.officer_a).save()
    client = client_for(roles.officer_a)
    with CaptureQueriesContext(connection) as queries:
        response = client.get("/records/incidents/")
    assert response.status_code == 200
    [page] = [q["sql"] for q in queries if q["sql"].startswith('SELECT "incidents_incident"."id"')]
    assert '"auth_user"' not in page and '"incidents_incidentcategory"' in page
    if connection.vendor == "postgresql":  # the filters' choices: plain queries, no server-side cursor
        assert not [q for q in queries if q["sql"].startswith("DECLARE")]


MENU = "//ul[contains(@class,'navbar-nav')]//a"


def test_the_menu_is_the_users_and_in_their_language(roles, client, django_user_model):
    """The menu's HTML is kept per language and set of capabilities: each user still gets their own."""

    def menu(user, language="vi"):
        client.force_login(user)
        client.cookies["django_language"] = language
        return texts(client.get("/", follow=True), MENU)

    officer = menu(roles.officer_a)
    assert "Trang chủ" in officer and "Vụ việc" in officer
    assert menu(roles.district_committee) != officer
    assert menu(roles.officer_a, "en") != officer and "Home" in menu(roles.officer_a, "en")
    assert menu(roles.officer_a) == officer
    assert menu(django_user_model.objects.create_user("seatless", password="x")) == ["Trang chủ"]


def test_choices_added_since_the_last_page_are_offered(roles, client_for, commune_a):
    """The filters' form class is built once per process; their choices are read on each page: a
    category or a village added by an administrator shows on the next page."""
    from communes.tests.factories import another_village
    from incidents.models import IncidentCategory

    client = client_for(roles.officer_a)
    options = "//select[@id='{}']/descendant::option"
    before = texts(client.get("/records/incidents/"), options.format("id_category"))
    IncidentCategory.objects.create(code="crime.newly_added", name="Loại mới thêm", group="crime")
    village = another_village(commune_a, "Thôn Mới Lập")
    response = client.get("/records/incidents/")
    assert set(texts(response, options.format("id_category"))) - set(before) == {"Loại mới thêm"}
    assert any(village.name in label for label in texts(response, options.format("id_village")))
    groups = texts(response, "//select[@id='id_category']/optgroup/@label")
    assert groups and groups[0] == "Tội phạm"
