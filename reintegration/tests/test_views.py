"""Pages of the reintegration app: the role matrix over every URL, the read log, masking, forms,
the needs-attention list, the counts page (no names) and query counts on the list."""

from datetime import date, timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from communes.tests.factories import another_village
from incidents.tests import factories as incident_factories
from reintegration.models import Person, ReadAction, ReadLog, Reoffence, Status, SupportAction, SupportKind
from reintegration.tests.factories import make_person, make_status, make_support

pytestmark = pytest.mark.django_db

NAME_A = "Bàn Văn Thử Nghiệm"
NAME_B = "Phạm Thị Thị Trấn"
ID_A = "022090001234"


@pytest.fixture
def person_a(commune_a):
    village = commune_a.children.order_by("code").first()
    return make_person(commune_a, ref="TL-01", full_name=NAME_A, citizen_id=ID_A, village=village)


@pytest.fixture
def person_b(commune_b):
    return make_person(commune_b, ref="TT-01", full_name=NAME_B, sex="F", date_of_birth=date(1992, 3, 3))


def person_urls(person):
    """Every URL that shows or changes a person's data, with its method."""
    return [
        ("get", reverse("reintegration:person_detail", args=[person.pk])),
        ("get", reverse("reintegration:person_update", args=[person.pk])),
        ("post", reverse("reintegration:support_add", args=[person.pk])),
        ("post", reverse("reintegration:status_add", args=[person.pk])),
        ("post", reverse("reintegration:reoffence_add", args=[person.pk])),
    ]


LIST_URLS = [
    ("get", "reintegration:person_list"),
    ("get", "reintegration:person_create"),
    ("get", "reintegration:needs_attention"),
]


def export_urls():
    return [reverse("export", args=[kind, fmt]) for kind in ("person", "person-statuses") for fmt in ("csv", "xlsx")]


def call(client, method, url):
    return client.post(url, {}) if method == "post" else client.get(url)


# --- the role matrix ----------------------------------------------------------------------------


@pytest.mark.parametrize("role", ["committee_a", "district_committee", "outsider"])
def test_committee_roles_and_outsiders_get_404_on_every_person_url(role, roles, client_for, person_a, person_b):
    client = client_for(getattr(roles, role))
    for person in (person_a, person_b):
        for method, url in person_urls(person):
            assert call(client, method, url).status_code == 404, url
    for method, name in LIST_URLS:
        assert call(client, method, reverse(name)).status_code == 404, name
    assert client.post(reverse("imports:start", args=["reintegration_persons"]), {}).status_code == 404
    for url in export_urls():
        response = client.get(url)
        assert response.status_code == 404, url
        assert NAME_A.encode() not in response.content
    assert not ReadLog.objects.exists()
    assert not SupportAction.objects.exists() and not Status.objects.exists() and not Reoffence.objects.exists()


def test_officer_a_sees_own_commune_and_gets_404_for_the_other(roles, client_for, person_a, person_b):
    client = client_for(roles.officer_a)
    listing = client.get(reverse("reintegration:person_list"))
    assert listing.status_code == 200
    assert NAME_A in listing.text and NAME_B not in listing.text
    for method, url in person_urls(person_a):
        assert call(client, method, url).status_code in (200, 400), url  # 400: the empty POSTed form
    for method, url in person_urls(person_b):
        assert call(client, method, url).status_code == 404, url
    for method, name in LIST_URLS:
        assert call(client, method, reverse(name)).status_code == 200, name
    for url in export_urls():
        response = client.get(url)
        assert response.status_code == 200
    csv = client.get(reverse("export", args=["person", "csv"])).content.decode("utf-8-sig")
    assert NAME_A in csv and NAME_B not in csv


def test_officer_b_gets_404_for_commune_a(roles, client_for, person_a):
    client = client_for(roles.officer_b)
    for method, url in person_urls(person_a):
        assert call(client, method, url).status_code == 404, url
    assert NAME_A not in client.get(reverse("reintegration:person_list")).text
    assert NAME_A not in client.get(reverse("export", args=["person", "csv"])).content.decode("utf-8-sig")


def test_district_police_read_every_commune_but_do_not_write(roles, client_for, person_a, person_b):
    client = client_for(roles.district_police)
    listing = client.get(reverse("reintegration:person_list"))
    assert NAME_A in listing.text and NAME_B in listing.text
    assert client.get(reverse("reintegration:person_detail", args=[person_b.pk])).status_code == 200
    assert client.get(reverse("reintegration:person_update", args=[person_a.pk])).status_code == 404
    assert client.get(reverse("reintegration:person_create")).status_code == 404
    assert client.post(reverse("reintegration:status_add", args=[person_a.pk]), {}).status_code == 404
    assert client.get(reverse("imports:start", args=["reintegration_persons"])).status_code == 404
    assert client.get(reverse("export", args=["person", "xlsx"])).status_code == 200
    assert 'id="new-record"' not in listing.text and 'id="import-links"' not in listing.text


def test_admin_sees_everything(roles, client_for, person_a, person_b):
    client = client_for(roles.admin)
    assert NAME_B in client.get(reverse("reintegration:person_list")).text
    assert client.get(reverse("reintegration:person_update", args=[person_b.pk])).status_code == 200


def test_anonymous_is_sent_to_log_in(client, person_a):
    response = client.get(reverse("reintegration:person_detail", args=[person_a.pk]))
    assert response.status_code == 302 and "/accounts/login/" in response["Location"]


@pytest.mark.parametrize("role", ["committee_a", "district_committee"])
def test_counts_page_shows_numbers_without_names(role, roles, client_for, person_a, person_b):
    today = timezone.localdate()
    make_status(person_a, today - timedelta(days=1), has_job=True, stable_life=True)
    make_status(person_b, today - timedelta(days=1), has_job=False, stable_life=True)
    response = client_for(getattr(roles, role)).get(reverse("reintegration:counts"))
    assert response.status_code == 200
    html = response.text
    for secret in (NAME_A, NAME_B, "TL-01", "TT-01", ID_A, ID_A[-4:]):
        assert secret not in html
    rows = {row["unit"].code: row for row in response.context["rows"]}
    assert rows["06976"]["population"] == 1 and rows["06976"]["employed"] == 1
    assert rows["06976"]["employment_rate"] == 100.0
    if role == "committee_a":
        assert set(rows) == {"06976"}  # the commune committee sees its own commune only
    else:
        assert rows["06970"]["employment_rate"] == 0.0
        assert len(rows) == 8  # every commune of the district


def test_counts_page_counts_reoffending_this_year(roles, client_for, commune_a):
    today = timezone.localdate()
    returned = today - timedelta(days=400)
    cohort = [make_person(commune_a, returned_on=returned, management_start=returned) for _ in range(4)]
    make_person(commune_a, category="suspended_sentence", returned_on=returned, management_start=returned)
    Reoffence.objects.create(person=cohort[0], date=today)
    response = client_for(roles.committee_a).get(reverse("reintegration:counts"))
    row = response.context["rows"][0]
    assert (row["cohort"], row["reoffended"], row["reoffending_rate"]) == (4, 1, 25.0)
    assert row["population"] == 5


def test_outsider_gets_404_on_counts(roles, client_for):
    assert client_for(roles.outsider).get(reverse("reintegration:counts")).status_code == 404


def test_menu_offers_the_list_to_police_and_the_counts_to_committees(roles, client_for, units):
    officer = client_for(roles.officer_a).get(reverse("home"), follow=True).text
    assert reverse("reintegration:person_list") in officer
    committee = client_for(roles.committee_a).get(reverse("home"), follow=True).text
    assert reverse("reintegration:counts") in committee
    assert f'href="{reverse("reintegration:person_list")}"' not in committee


# --- read log, masking ---------------------------------------------------------------------------


def test_detail_view_is_logged_with_user_and_what(roles, client_for, person_a):
    response = client_for(roles.district_police).get(reverse("reintegration:person_detail", args=[person_a.pk]))
    assert response.status_code == 200
    assert ID_A in response.text  # the full number on the person's own page
    log = ReadLog.objects.get()
    assert (log.person, log.user, log.action) == (person_a, roles.district_police, ReadAction.VIEW)
    assert "person page" in log.detail


def test_export_is_logged_once_per_person(roles, client_for, person_a, commune_a):
    other = make_person(commune_a, ref="TL-02")
    client_for(roles.officer_a).get(reverse("export", args=["person", "xlsx"]))
    logs = ReadLog.objects.filter(action=ReadAction.EXPORT)
    assert {log.person for log in logs} == {person_a, other}
    assert all(log.user == roles.officer_a and "reintegration_persons (xlsx)" in log.detail for log in logs)


def test_list_masks_the_citizen_id(roles, client_for, person_a):
    html = client_for(roles.officer_a).get(reverse("reintegration:person_list")).text
    assert ID_A not in html
    assert "••••••••1234" in html
    # The list shows no identity in full, but names the persons: one read-log entry per page view.
    [log] = ReadLog.objects.all()
    assert (log.user, log.action) == (roles.officer_a, ReadAction.VIEW)
    assert log.detail.startswith("person list page 1:") and person_a.full_name in log.detail


# --- list filters and search --------------------------------------------------------------------


def test_list_filters_and_search(roles, client_for, commune_a):
    today = timezone.localdate()
    villages = [*commune_a.children.order_by("code"), another_village(commune_a)]
    working = make_person(commune_a, ref="A-1", full_name="Đặng Văn Làm", village=villages[0])
    idle = make_person(commune_a, ref="A-2", full_name="Lý Văn Chờ", category="special_amnesty", village=villages[1])
    make_status(working, today - timedelta(days=3), has_job=True, stable_life=True)
    make_status(idle, today - timedelta(days=3), has_job=False, stable_life=True)
    client = client_for(roles.officer_a)

    def names(**params):
        response = client.get(reverse("reintegration:person_list"), params)
        return {person.full_name for person in response.context["page"]}

    assert names() == {"Đặng Văn Làm", "Lý Văn Chờ"}
    assert names(status="employed") == {"Đặng Văn Làm"}
    assert names(status="stable") == {"Đặng Văn Làm", "Lý Văn Chờ"}
    assert names(category="special_amnesty") == {"Lý Văn Chờ"}
    assert names(village=villages[0].pk) == {"Đặng Văn Làm"}
    assert names(unit=commune_a.pk) == {"Đặng Văn Làm", "Lý Văn Chờ"}
    assert names(q="đặng") == {"Đặng Văn Làm"}
    assert names(q="a-2") == {"Lý Văn Chờ"}
    assert names(status="none") == set()


def test_list_is_newest_first(roles, client_for, commune_a):
    make_person(commune_a, ref="OLD", returned_on=date(2019, 1, 1), management_start=date(2019, 1, 1))
    make_person(commune_a, ref="NEW", returned_on=date(2021, 1, 1), management_start=date(2021, 1, 1))
    page = client_for(roles.officer_a).get(reverse("reintegration:person_list")).context["page"]
    assert [p.ref for p in page] == ["NEW", "OLD"]


# The queries of the person list for a logged-in officer, the same for 3 persons and for 30.
LIST_QUERIES = 9
#  1. the session
#  2. the user
#  3. the user's assignments with their units (read once, then cached on the user object)
#  4. the ids of the units in scope (permissions.scope_unit_ids, once per request)
#  5. COUNT(*) of the scoped persons, up to the cap, for the paginator
#  6. the page of persons JOIN unit JOIN village, with the latest status as subqueries, in one query
#  7. the communes offered by the filter's unit <select>
#  8. the villages (JOIN their commune) offered by the filter's village <select>
#  9. INSERT of the read-log entry naming the persons shown (issue 12)
# (the session is not saved again within a minute of its last renewal: basecurity.middleware)


@pytest.mark.parametrize("count", [3, 30])
def test_list_query_count_does_not_grow(roles, client_for, commune_a, django_assert_num_queries, count):
    today = timezone.localdate()
    for n in range(count):
        person = make_person(commune_a, ref=f"Q-{n:03d}")
        make_status(person, today - timedelta(days=1))
    client = client_for(roles.officer_a)
    with django_assert_num_queries(LIST_QUERIES):
        response = client.get(reverse("reintegration:person_list"))
    assert len(response.context["page"]) == min(count, 25)
    assert response.context["page"].paginator.count == count


# --- forms ----------------------------------------------------------------------------------------


def person_post(unit, village=None, **overrides):
    data = {
        "unit": unit.pk,
        "village": village.pk if village else "",
        "ref": "TL-2021-09",
        "full_name": "Hà Văn Mới",
        "date_of_birth": "1994-05-12",
        "sex": "M",
        "ethnicity": "Dao",
        "citizen_id": "022094001234",
        "category": "completed_sentence",
        "offence": "Đánh bạc",
        "sentence": "18 tháng tù",
        "returned_on": "2020-06-20",
        "management_start": "2020-06-20",
        "management_end": "",
        "mentor_name": "",
        "notes": "",
    }
    data.update(overrides)
    return data


def test_officer_registers_and_edits_a_person(roles, client_for, commune_a):
    client = client_for(roles.officer_a)
    village = commune_a.children.order_by("code").first()
    response = client.post(reverse("reintegration:person_create"), person_post(commune_a, village))
    person = Person.objects.get()
    assert response.status_code == 302 and response["Location"] == reverse(
        "reintegration:person_detail", args=[person.pk]
    )
    assert person.history.get().history_user == roles.officer_a
    response = client.post(
        reverse("reintegration:person_update", args=[person.pk]),
        person_post(commune_a, village, notes="Đã gặp gia đình."),
    )
    assert response.status_code == 302
    person.refresh_from_db()
    assert person.notes == "Đã gặp gia đình."


def test_unit_choices_are_the_officers_communes_and_the_village_must_belong(roles, client_for, commune_a, commune_b):
    client = client_for(roles.officer_a)
    form = client.get(reverse("reintegration:person_create")).context["form"]
    assert list(form.fields["unit"].queryset) == [commune_a]
    assert commune_b.pk not in {v.parent_id for v in form.fields["village"].queryset}
    response = client.post(reverse("reintegration:person_create"), person_post(commune_b))
    assert response.status_code == 200 and "unit" in response.context["form"].errors
    other_village = commune_b.children.first()
    response = client.post(reverse("reintegration:person_create"), person_post(commune_a, other_village))
    assert "village" in response.context["form"].errors
    assert not Person.objects.exists()


@pytest.mark.parametrize(
    "overrides, field",
    [
        ({"citizen_id": "02209400123"}, "citizen_id"),  # 11 digits
        ({"citizen_id": "022194001234"}, "citizen_id"),  # century digit says a woman
        ({"returned_on": "1990-01-01", "management_start": "1990-01-01"}, "returned_on"),
        ({"management_end": "2020-01-01"}, "management_end"),
    ],
)
def test_person_form_refuses_bad_input(roles, client_for, commune_a, overrides, field):
    response = client_for(roles.officer_a).post(
        reverse("reintegration:person_create"), person_post(commune_a, **overrides)
    )
    assert response.status_code == 200
    assert field in response.context["form"].errors
    assert not Person.objects.exists()


def test_duplicate_ref_is_refused_on_the_form(roles, client_for, commune_a):
    make_person(commune_a, ref="TL-2021-09")
    response = client_for(roles.officer_a).post(reverse("reintegration:person_create"), person_post(commune_a))
    assert response.status_code == 200 and response.context["form"].errors
    assert Person.objects.count() == 1


def test_support_status_and_reoffence_forms_and_the_timeline(roles, client_for, person_a, person_b, commune_a):
    client = client_for(roles.officer_a)
    support = {
        "support-date": "2020-08-12",
        "support-kind": SupportKind.LOAN,
        "support-description": "Vay vốn chăn nuôi",
        "support-result": "",
        "support-loan_amount_vnd": "50000000",
        "support-lender": "Ngân hàng Chính sách xã hội",
    }
    assert client.post(reverse("reintegration:support_add", args=[person_a.pk]), support).status_code == 302
    status = {
        "status-as_of": "2021-06-30",
        "status-has_job": "on",
        "status-stable_life": "on",
        "status-occupation": "Cửa hàng xe máy",
    }
    assert client.post(reverse("reintegration:status_add", args=[person_a.pk]), status).status_code == 302
    incident = incident_factories.incident(commune_a, roles.officer_a, occurred_on=date(2021, 9, 20))
    incident.full_clean()
    incident.save()
    reoffence = {"reoffence-date": "2021-09-20", "reoffence-incident": incident.pk, "reoffence-description": "Trộm cắp"}
    assert client.post(reverse("reintegration:reoffence_add", args=[person_a.pk]), reoffence).status_code == 302
    assert SupportAction.objects.get().history.get().history_user == roles.officer_a
    assert Status.objects.get(person=person_a).has_job is True
    assert Reoffence.objects.get().incident == incident

    response = client.get(reverse("reintegration:person_detail", args=[person_a.pk]))
    kinds = [entry["kind"] for entry in response.context["timeline"]]
    assert kinds == ["reoffence", "status", "support"]  # newest first
    assert "50.000.000" in response.text or "50,000,000" in response.text
    assert "20/09/2021" in response.text


def test_reoffence_incident_choices_are_the_persons_commune(roles, client_for, person_a, commune_b):
    other = incident_factories.incident(commune_b, roles.officer_b)
    other.full_clean()
    other.save()
    client = client_for(roles.officer_a)
    form = client.get(reverse("reintegration:person_detail", args=[person_a.pk])).context["reoffence_form"]
    assert other not in form.fields["incident"].queryset
    response = client.post(
        reverse("reintegration:reoffence_add", args=[person_a.pk]),
        {"reoffence-date": "2021-09-20", "reoffence-incident": other.pk},
    )
    assert response.status_code == 400 and "incident" in response.context["reoffence_form"].errors
    assert not Reoffence.objects.exists()


def test_a_loan_without_amount_and_a_reoffence_before_return_are_refused(roles, client_for, person_a):
    client = client_for(roles.officer_a)
    response = client.post(
        reverse("reintegration:support_add", args=[person_a.pk]), {"support-date": "2021-01-01", "support-kind": "loan"}
    )
    assert response.status_code == 400 and "loan_amount_vnd" in response.context["support_form"].errors
    response = client.post(reverse("reintegration:reoffence_add", args=[person_a.pk]), {"reoffence-date": "2019-01-01"})
    assert response.status_code == 400 and "date" in response.context["reoffence_form"].errors
    assert not SupportAction.objects.exists() and not Reoffence.objects.exists()


# --- needs attention -----------------------------------------------------------------------------


def test_needs_attention_shows_the_reason(roles, client_for, commune_a, commune_b):
    today = timezone.localdate()
    long_ago = today - timedelta(days=400)
    silent = make_person(
        commune_a, ref="SILENT", full_name="Người Cần Thăm", returned_on=long_ago, management_start=long_ago
    )
    fine = make_person(
        commune_a, ref="FINE", full_name="Người Ổn Định", returned_on=long_ago, management_start=long_ago
    )
    make_status(fine, today - timedelta(days=10))
    make_support(fine, today - timedelta(days=10))
    make_person(commune_b, ref="OTHER", full_name="Người Xã Khác", returned_on=long_ago, management_start=long_ago)
    response = client_for(roles.officer_a).get(reverse("reintegration:needs_attention"))
    assert [p.ref for p in response.context["page"]] == ["SILENT"]
    assert silent.full_name in response.text and "Người Xã Khác" not in response.text
    flagged = response.context["page"][0]
    assert (flagged.status_overdue, flagged.support_overdue, flagged.management_ending) == (True, True, False)
    assert response.text.count("badge text-bg-warning") == 2  # both reasons are shown
