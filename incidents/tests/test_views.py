"""The record pages: lists (filters, search, constant queries), forms, deletion, tips, scope by role."""

from datetime import date, timedelta

import pytest
from django.conf import settings
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone, translation

from basecurity.testing.html import tree
from communes.models import Level
from communes.tests.factories import another_village
from incidents.models import (
    ConditionalBusiness,
    CrimeTip,
    CrimeTipExtension,
    ForeignerStay,
    Incident,
    IncidentStatus,
    TrafficAccident,
    WeaponSurrender,
    WeaponSurrenderItem,
)
from incidents.records import KINDS

from . import factories as f

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def english(client):
    """Pages and messages in English (the pages' language comes from the cookie)."""
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    with translation.override("en"):
        yield


def village(commune):
    return commune.children.filter(level=Level.VILLAGE).order_by("code").first()


def url(name, *args):
    return reverse(f"incidents:{name}", args=args)


# --- Building many records quickly (for the query counts) -------------------------------------


def make_many(kind: str, unit, user, count: int) -> None:
    """`count` records of `kind` in `unit`, in a village, written in bulk."""
    records = []
    for number in range(unit.conditionalbusiness_records.count(), unit.conditionalbusiness_records.count() + count):
        extra = {"village": village(unit)}
        if kind == "business":
            extra["name"] = f"Nhà nghỉ số {number}"
        record = f.BUILDERS[kind](unit, user, **extra)
        record.set_derived_fields()
        records.append(record)
    model = type(records[0])
    model._default_manager.bulk_create(records)
    if kind == "surrender":
        WeaponSurrenderItem.objects.bulk_create(
            f.surrender_item(surrender) for surrender in WeaponSurrender.objects.filter(items__isnull=True)
        )


# Queries of every list page, whatever the number of rows:
#  1. the session, 2. the user, 3. the user's assignments (communes/permissions.py),
#  4. the ids of the units in scope (permissions.scope_unit_ids, once per request),
#  5. COUNT of the filtered records, up to the cap (the running count and the paginator),
#  6. the filter's communes, 7. the filter's villages (with their commune),
#  8. the page of records joined with unit and village (and category, kind, business).
# The session is not saved again within a minute of its last renewal (basecurity.middleware).
# Kinds with a taxonomy filter read it once more (incident categories, business kinds),
# weapon surrenders prefetch the items of the page.
BASE_LIST_QUERIES = 8
EXTRA_LIST_QUERIES = {"incident": 1, "business": 1, "surrender": 1}


@pytest.mark.parametrize("kind", list(KINDS))
def test_every_list_runs_the_same_queries_for_10_and_200_records(
    kind, roles, client_for, commune_a, django_assert_num_queries
):
    client = client_for(roles.officer_a)
    expected = BASE_LIST_QUERIES + EXTRA_LIST_QUERIES.get(kind, 0)
    make_many(kind, commune_a, roles.officer_a, 10)
    with django_assert_num_queries(expected):
        client.get(url(f"{kind}_list"))
    make_many(kind, commune_a, roles.officer_a, 190)
    client = client_for(roles.officer_a)  # a new request user: assignments are read again
    with django_assert_num_queries(expected):
        response = client.get(url(f"{kind}_list"))
    assert "200 records" in response.text


def test_tips_page_runs_the_same_queries_for_10_and_200_tips(roles, client_for, commune_a):
    client = client_for(roles.officer_a)
    today = timezone.localdate()
    CrimeTip.objects.bulk_create(
        f.tip(commune_a, roles.officer_a, received_on=today - timedelta(days=18), deadline=today + timedelta(days=2))
        for _ in range(10)
    )
    with CaptureQueriesContext(connection) as few:
        client.get(url("tip_attention"))
    CrimeTip.objects.bulk_create(
        f.tip(commune_a, roles.officer_a, received_on=today - timedelta(days=18), deadline=today + timedelta(days=2))
        for _ in range(190)
    )
    client = client_for(roles.officer_a)
    with CaptureQueriesContext(connection) as many:
        response = client.get(url("tip_attention"))
    # session, user, assignments, the ids of the units in scope, the tips past their handover limit,
    # COUNT, the page of tips with unit, village and recorder (the session is not saved again
    # within a minute of its last renewal).
    assert len(few) == len(many) == 7
    assert "200 tips" in response.text


# --- Every page answers --------------------------------------------------------------------------


@pytest.mark.parametrize("kind", list(KINDS))
def test_every_page_of_every_kind_renders(kind, roles, client_for, commune_a):
    client = client_for(roles.officer_a)
    record = f.record_in(kind, commune_a)
    for name in ("list", "create"):
        assert client.get(url(f"{kind}_{name}")).status_code == 200, name
    for name in ("detail", "update", "delete"):
        assert client.get(url(f"{kind}_{name}", record.pk)).status_code == 200, name
    listing = client.get(url(f"{kind}_list"))
    assert url(f"{kind}_detail", record.pk) in listing.text
    assert "1 record" in listing.text


# --- Filters and search --------------------------------------------------------------------------


def test_incident_list_filters_by_period_village_group_status_and_search(roles, client_for, commune_a):
    village_a = village(commune_a)
    other_village = another_village(commune_a)
    rows = [
        f.incident(
            commune_a,
            roles.officer_a,
            occurred_on=date(2021, 1, 5),
            village=village_a,
            description="Trộm trâu ở Đồng Thầm",
        ),
        f.incident(
            commune_a, roles.officer_a, occurred_on=date(2021, 2, 5), village=other_village, description="Đánh bạc"
        ),
        f.incident(
            commune_a,
            roles.officer_a,
            occurred_on=date(2021, 3, 5),
            category=f.category("violation.forest"),
            status=IncidentStatus.HANDLED,
            description="Phá rừng",
        ),
    ]
    for row in rows:
        row.save()
    first, second, third = rows
    client = client_for(roles.officer_a)

    def found(**params):
        response = client.get(url("incident_list"), params)
        assert response.status_code == 200
        return {row.pk for row in response.context["page"]}

    assert found() == {first.pk, second.pk, third.pk}
    assert found(start="2021-02-01", end="2021-02-28") == {second.pk}
    assert found(start="2021-02-01") == {second.pk, third.pk}
    assert found(village=village_a.pk) == {first.pk}
    assert found(group="violation") == {third.pk}
    assert found(category=f.category("violation.forest").pk) == {third.pk}
    assert found(status="handled") == {third.pk}
    assert found(q="đồng thầm") == {first.pk}  # Vietnamese letters, any case
    # Newest first.
    response = client.get(url("incident_list"))
    assert [row.pk for row in response.context["page"]] == [third.pk, second.pk, first.pk]
    assert "3 records" in response.text


def test_a_period_ending_before_it_starts_is_an_error_at_the_field(roles, client_for, commune_a):
    response = client_for(roles.officer_a).get(url("incident_list"), {"start": "2021-03-01", "end": "2021-01-01"})
    assert "The end of the period is before its start." in response.text


def test_tip_list_filters_pending_and_decided(roles, client_for, commune_a):
    pending = f.tip(commune_a, roles.officer_a)
    pending.save()
    decided = f.tip(commune_a, roles.officer_a, decision="prosecute", decided_on=date(2021, 3, 10))
    decided.save()
    client = client_for(roles.officer_a)
    assert [t.pk for t in client.get(url("tip_list"), {"decision": "pending"}).context["page"]] == [pending.pk]
    assert [t.pk for t in client.get(url("tip_list"), {"decision": "prosecute"}).context["page"]] == [decided.pk]


def test_stay_list_filters_late_declarations(roles, client_for, commune_b):
    on_time = f.stay(commune_b, roles.officer_b, declared_at=f.local(2021, 3, 1, 19, 0))
    late = f.stay(commune_b, roles.officer_b, full_name="Late Person", declared_at=f.local(2021, 3, 2, 9, 0))
    on_time.save()
    late.save()
    client = client_for(roles.officer_b)
    assert [s.pk for s in client.get(url("stay_list"), {"declaration": "late"}).context["page"]] == [late.pk]
    assert [s.pk for s in client.get(url("stay_list"), {"declaration": "on_time"}).context["page"]] == [on_time.pk]


def test_surrender_list_filters_by_item_type_without_duplicates(roles, client_for, commune_a):
    surrender = f.record_in("surrender", commune_a)
    f.surrender_item(surrender, item_type="guns", quantity=1).save()
    f.surrender_item(surrender, item_type="guns", quantity=2, description="súng kíp").save()
    response = client_for(roles.officer_a).get(url("surrender_list"), {"item_type": "guns"})
    assert [s.pk for s in response.context["page"]] == [surrender.pk]
    assert not client_for(roles.officer_a).get(url("surrender_list"), {"item_type": "explosives"}).context["page"]


def test_the_list_shows_only_the_users_scope(roles, client_for, commune_a, commune_b):
    a = f.record_in("incident", commune_a)
    b = f.record_in("incident", commune_b)
    officer = client_for(roles.officer_a).get(url("incident_list"))
    assert [row.pk for row in officer.context["page"]] == [a.pk]
    district = client_for(roles.district_police).get(url("incident_list"))
    assert {row.pk for row in district.context["page"]} == {a.pk, b.pk}
    assert url("incident_create") not in district.text  # no "New" button for a reader


# --- Creating and editing --------------------------------------------------------------------------


def incident_post(unit, **extra):
    return {
        "unit": unit.pk,
        "village": village(unit).pk,
        "occurred_on": "2021-03-01",
        "reported_on": "2021-03-02",
        "category": f.category().pk,
        "subjects": "2",
        "description": "Trộm cắp xe máy",
        "status": "received",
        "outcome": "none",
    } | extra


def test_officer_records_an_incident_through_the_form(roles, client_for, commune_a):
    client = client_for(roles.officer_a)
    form = client.get(url("incident_create"))
    occurred_on = tree(form).xpath("//input[@name='occurred_on']")[0]
    assert (occurred_on.get("type"), occurred_on.get("placeholder")) == ("text", "dd/mm/yyyy")
    response = client.post(url("incident_create"), incident_post(commune_a))
    incident = Incident.objects.get()
    assert response.status_code == 302 and response["Location"] == url("incident_detail", incident.pk)
    assert (incident.recorded_by, incident.village, incident.subjects) == (roles.officer_a, village(commune_a), 2)
    assert incident.history.get().history_user == roles.officer_a

    response = client.post(url("incident_update", incident.pk), incident_post(commune_a, subjects="3"))
    assert response.status_code == 302
    incident.refresh_from_db()
    assert incident.subjects == 3
    detail = client.get(url("incident_detail", incident.pk))
    assert "Created" in detail.text and "Changed" in detail.text


def field_errors(response, field):
    form = response.context["form"]
    return " ".join(str(message) for message in form.errors.get(field, []))


@pytest.mark.parametrize(
    "kind, data, field, message",
    [
        ("incident", {"occurred_on": "2099-01-01"}, "occurred_on", "This date is in the future."),
        ("incident", {"subjects": "-1"}, "subjects", "greater than or equal to 0"),
        ("incident", {"reported_on": "2021-02-01"}, "reported_on", "cannot be before the date it happened"),
    ],
)
def test_bad_incident_input_is_shown_at_the_field_and_nothing_is_written(
    kind, data, field, message, roles, client_for, commune_a
):
    response = client_for(roles.officer_a).post(url("incident_create"), incident_post(commune_a, **data))
    assert response.status_code == 400
    assert message in field_errors(response, field)
    assert not Incident.objects.exists()


def test_a_village_of_another_commune_is_refused_at_the_field(roles, client_for, commune_a, commune_b):
    client = client_for(roles.officer_a)
    response = client.post(url("incident_create"), incident_post(commune_a, village=village(commune_b).pk))
    assert response.status_code == 400
    assert "choose a village of the selected commune" in field_errors(response, "village")
    assert not Incident.objects.exists()


def test_a_village_of_another_of_the_users_communes_is_refused_at_the_field(roles, client_for, commune_a, commune_b):
    """An admin may write everywhere: the model's rule names the commune the village is not in."""
    response = client_for(roles.admin).post(
        url("incident_create"), incident_post(commune_a, village=village(commune_b).pk)
    )
    assert response.status_code == 400
    assert "This village does not belong to Xã Thanh Lâm." in field_errors(response, "village")
    assert not Incident.objects.exists()


def test_an_officer_cannot_choose_another_commune(roles, client_for, commune_b):
    response = client_for(roles.officer_a).post(url("incident_create"), incident_post(commune_b))
    assert response.status_code == 400
    assert field_errors(response, "unit")
    assert not Incident.objects.exists()


@pytest.mark.todays_map  # today's work: on the map of 1/7/2025
def test_the_form_offers_only_the_officers_commune_and_villages(roles, client_for, commune_a, commune_b):
    response = client_for(roles.officer_a).get(url("incident_create"))
    form = response.context["form"]
    assert f'data-unit="{commune_a.pk}"' in response.text  # records.js narrows the villages to the commune
    assert list(form.fields["unit"].queryset) == [commune_a]
    assert {v.parent_id for v in form.fields["village"].queryset} == {commune_a.pk}
    assert form.initial["unit"] == commune_a.pk


def tip_post(unit, **extra):
    return {"unit": unit.pk, "kind": "report", "received_on": "2021-03-01", "summary": "Tin báo trộm cắp"} | extra


def test_a_decision_before_the_receipt_is_refused_in_the_tip_form(roles, client_for, commune_a):
    response = client_for(roles.officer_a).post(
        url("tip_create"), tip_post(commune_a, decision="prosecute", decided_on="2021-02-01")
    )
    assert response.status_code == 400
    assert "cannot be dated before the tip was received" in field_errors(response, "decided_on")
    assert not CrimeTip.objects.exists()


def test_a_tip_needs_a_receipt_date(roles, client_for, commune_a):
    response = client_for(roles.officer_a).post(url("tip_create"), tip_post(commune_a, received_on=""))
    assert "Give the date the tip was received." in field_errors(response, "received_on")
    assert not CrimeTip.objects.exists()


def test_a_tip_received_at_a_time_takes_its_date_from_it(roles, client_for, commune_a):
    response = client_for(roles.officer_a).post(
        url("tip_create"), tip_post(commune_a, received_on="", received_at="2021-03-01T23:30")
    )
    tip = CrimeTip.objects.get()
    assert response.status_code == 302
    assert tip.received_on == date(2021, 3, 1)
    assert timezone.localtime(tip.handover_due_at) == f.local(2021, 3, 3, 23, 30)  # Thanh Lâm is remote: 48 h


def stay_post(unit, **extra):
    return {
        "unit": unit.pk,
        "full_name": "Zhang Wei",
        "nationality": "cn",
        "passport_number": "E12345678",
        "accommodation_kind": "private_home",
        "host_address": "Nhà ông Lý, thôn Đồng Thầm",
        "arrived_at": "2021-03-01T08:00",
        "declared_at": "2021-03-01T10:00",
    } | extra


def test_a_declaration_before_the_arrival_is_refused_at_the_field(roles, client_for, commune_a):
    client = client_for(roles.officer_a)
    response = client.post(url("stay_create"), stay_post(commune_a, declared_at="2021-03-01T07:00"))
    assert response.status_code == 400
    assert "The declaration cannot be before the arrival." in field_errors(response, "declared_at")
    assert not ForeignerStay.objects.exists()
    assert client.post(url("stay_create"), stay_post(commune_a)).status_code == 302
    stay = ForeignerStay.objects.get()
    assert stay.nationality == "CN" and stay.declared_on_time
    assert "Yes" in client.get(url("stay_detail", stay.pk)).text


def test_negative_counts_of_an_accident_are_refused(roles, client_for, commune_a):
    response = client_for(roles.officer_a).post(
        url("accident_create"), {"unit": commune_a.pk, "occurred_on": "2021-03-01", "deaths": "-1", "injuries": "0"}
    )
    assert response.status_code == 400
    assert "greater than or equal to 0" in field_errors(response, "deaths")
    assert not TrafficAccident.objects.exists()


def test_a_weapon_surrender_is_recorded_with_its_items(roles, client_for, commune_a):
    client = client_for(roles.officer_a)
    data = {
        "unit": commune_a.pk,
        "surrendered_on": "2021-03-01",
        "surrendered_by": "Ông Hoàng Văn B",
        "items-TOTAL_FORMS": "2",
        "items-INITIAL_FORMS": "0",
        "items-0-item_type": "guns",
        "items-0-quantity": "1",
        "items-0-description": "súng kíp",
        "items-1-item_type": "",
        "items-1-quantity": "",
    }
    response = client.post(url("surrender_create"), data)
    surrender = WeaponSurrender.objects.get()
    assert response.status_code == 302
    assert [(i.item_type, i.quantity) for i in surrender.items.all()] == [("guns", 1)]
    assert "Guns × 1" in client.get(url("surrender_list")).text

    no_items = data | {"items-0-item_type": "", "items-0-quantity": "", "items-0-description": ""}
    response = client.post(url("surrender_create"), no_items)
    assert response.status_code == 400
    assert "List at least one surrendered item." in response.text
    assert WeaponSurrender.objects.count() == 1


# --- Deleting ------------------------------------------------------------------------------------


def test_delete_asks_for_a_reason_and_keeps_it_in_the_history(roles, client_for, commune_a):
    incident = f.record_in("incident", commune_a)
    client = client_for(roles.officer_a)
    response = client.post(url("incident_delete", incident.pk), {"reason": "  "})
    assert response.status_code == 400
    assert Incident.objects.filter(pk=incident.pk).exists()

    response = client.post(url("incident_delete", incident.pk), {"reason": "Nhập trùng"})
    assert response.status_code == 302 and response["Location"] == url("incident_list")
    assert not Incident.objects.filter(pk=incident.pk).exists()
    deleted = Incident.history.filter(id=incident.pk, history_type="-").get()
    assert (deleted.history_user, deleted.history_change_reason) == (roles.officer_a, "Nhập trùng")


def test_a_business_with_inspections_cannot_be_deleted(roles, client_for, commune_a):
    inspection = f.inspection_in(commune_a)
    response = client_for(roles.officer_a).post(url("business_delete", inspection.business_id), {"reason": "Đóng cửa"})
    assert response.status_code == 400
    assert "cannot be deleted while other records refer to it" in response.text
    assert ConditionalBusiness.objects.filter(pk=inspection.business_id).exists()


def test_inspections_are_recorded_edited_and_deleted_from_the_business_page(roles, client_for, commune_a):
    business = f.record_in("business", commune_a)
    client = client_for(roles.officer_a)
    assert 'id="inspection-form"' in client.get(url("business_detail", business.pk)).text
    data = {
        "inspected_on": "2021-04-01",
        "kind": "fire_safety",
        "result": "violations",
        "violations": "Thiếu bình chữa cháy",
        "fine_vnd": "1500000",
    }
    assert client.post(url("inspection_create", business.pk), data).status_code == 302
    inspection = business.inspections.get()
    assert (inspection.fine_vnd, inspection.recorded_by) == (1_500_000, roles.officer_a)
    response = client.post(url("inspection_create", business.pk), data | {"result": "compliant"})
    assert response.status_code == 400 and "A fine goes only with" in response.text
    assert client.post(url("inspection_update", inspection.pk), data | {"fine_vnd": "2000000"}).status_code == 302
    inspection.refresh_from_db()
    assert inspection.fine_vnd == 2_000_000
    assert client.post(url("inspection_delete", inspection.pk), {"reason": "Nhập sai"}).status_code == 302
    assert not business.inspections.exists()


# --- Crime tips: the due-soon page and the actions ------------------------------------------------


def test_tips_page_lists_overdue_and_due_soon_most_urgent_first(roles, client_for, commune_a, commune_b):
    today = timezone.localdate()

    def tip_due_in(days, unit=commune_a, **extra):
        # received so that the 20-day deadline falls `days` from today
        tip = f.tip(unit, roles.officer_a, received_on=today - timedelta(days=20 - days), **extra)
        tip.save()
        return tip

    due_in_5 = tip_due_in(5)
    overdue_3 = tip_due_in(-3)
    due_today = tip_due_in(0)
    tip_due_in(6)  # not yet due soon
    tip_due_in(-10, decision="prosecute", decided_on=today)  # decided
    tip_due_in(-1, unit=commune_b)  # another commune
    response = client_for(roles.officer_a).get(url("tip_attention"))
    assert [t.pk for t in response.context["page"]] == [overdue_3.pk, due_today.pk, due_in_5.pk]
    assert "overdue" in response.text and "due soon" in response.text
    district = client_for(roles.district_police).get(url("tip_attention"))
    assert len(district.context["page"]) == 4


def extend(client, tip, new_deadline, today):
    """Post the tip page's extension form: to `new_deadline`, extended on `today`."""
    return client.post(
        url("tip_extend", tip.pk),
        {
            "extend-new_deadline": new_deadline.isoformat(),
            "extend-extended_on": today.isoformat(),
            "extend-reason": "Phức tạp",
        },
    )


@pytest.mark.todays_map  # today's work: on the map of 1/7/2025
def test_hand_over_extend_and_decide_from_the_tip_page(roles, client_for, commune_a):
    today = timezone.localdate()
    tip = f.tip(commune_a, roles.officer_a, received_on=today - timedelta(days=10), received_at=None)
    tip.save()
    client = client_for(roles.officer_a)
    page = client.get(url("tip_detail", tip.pk))
    assert 'id="decide-form"' in page.text and 'id="extend-form"' in page.text

    handed = timezone.localtime() - timedelta(hours=1)
    response = client.post(url("tip_hand_over", tip.pk), {"handover-handed_over_at": handed.strftime("%Y-%m-%dT%H:%M")})
    assert response.status_code == 302
    tip.refresh_from_db()
    assert tip.handed_over_at is not None

    beyond = today - timedelta(days=10) + timedelta(days=70)
    response = extend(client, tip, beyond, today)
    assert response.status_code == 400
    assert "at most 2 months after receipt" in " ".join(response.context["extend_form"].errors["new_deadline"])
    assert not CrimeTipExtension.objects.exists()

    lawful = today + timedelta(days=30)
    response = extend(client, tip, lawful, today)
    assert response.status_code == 302
    tip.refresh_from_db()
    assert tip.deadline == lawful
    assert "Phức tạp" in client.get(url("tip_detail", tip.pk)).text  # in the extensions and the history

    too_early = (today - timedelta(days=11)).isoformat()
    response = client.post(url("tip_decide", tip.pk), {"decide-decision": "prosecute", "decide-decided_on": too_early})
    assert response.status_code == 400
    assert "cannot be dated before the tip was received" in " ".join(
        response.context["decide_form"].errors["decided_on"]
    )
    tip.refresh_from_db()
    assert tip.decision == ""

    response = client.post(
        url("tip_decide", tip.pk), {"decide-decision": "prosecute", "decide-decided_on": today.isoformat()}
    )
    assert response.status_code == 302
    tip.refresh_from_db()
    assert (tip.decision, tip.decided_on) == ("prosecute", today)


@pytest.mark.todays_map  # today's work: on the map of 1/7/2025
def test_an_extension_entered_by_mistake_is_deleted_with_a_reason(roles, client_for, commune_a):
    today = timezone.localdate()
    tip = f.tip(commune_a, roles.officer_a, received_on=today - timedelta(days=5))
    tip.save()
    client = client_for(roles.officer_a)
    extend(client, tip, today + timedelta(days=40), today)
    extension = tip.extensions.get()
    assert client.post(url("tip_extension_delete", extension.pk), {"reason": "Nhầm"}).status_code == 302
    tip.refresh_from_db()
    assert tip.deadline == today - timedelta(days=5) + timedelta(days=20)


# --- Access by role --------------------------------------------------------------------------------


@pytest.mark.parametrize("who", ["committee_a", "district_committee", "outsider"])
@pytest.mark.parametrize("kind", list(KINDS))
def test_roles_without_record_reading_get_404_on_every_record_page(who, kind, roles, client_for, commune_a):
    record = f.record_in(kind, commune_a)
    client = client_for(getattr(roles, who))
    for name in ("list", "create"):
        assert client.get(url(f"{kind}_{name}")).status_code == 404
    for name in ("detail", "update", "delete"):
        assert client.get(url(f"{kind}_{name}", record.pk)).status_code == 404
        assert client.post(url(f"{kind}_{name}", record.pk), {"reason": "x"}).status_code == 404
    assert client.get(url("tip_attention")).status_code == 404
    assert type(record).objects.filter(pk=record.pk).exists()


@pytest.mark.parametrize("kind", list(KINDS))
def test_district_police_read_every_commune_and_write_none(kind, roles, client_for, commune_a, commune_b):
    client = client_for(roles.district_police)
    for commune in (commune_a, commune_b):
        record = f.record_in(kind, commune)
        page = client.get(url(f"{kind}_detail", record.pk))
        assert page.status_code == 200
        assert url(f"{kind}_update", record.pk) not in page.text
        assert client.get(url(f"{kind}_update", record.pk)).status_code == 404
        assert client.post(url(f"{kind}_delete", record.pk), {"reason": "x"}).status_code == 404
    assert client.get(url(f"{kind}_create")).status_code == 404


def test_officer_of_another_commune_cannot_act_on_a_tip(roles, client_for, commune_a):
    tip = f.record_in("tip", commune_a)
    client = client_for(roles.officer_b)
    today = timezone.localdate().isoformat()
    assert (
        client.post(url("tip_decide", tip.pk), {"decide-decision": "prosecute", "decide-decided_on": today}).status_code
        == 404
    )
    tip.refresh_from_db()
    assert tip.decision == ""


def test_menu_offers_records_to_police_only(roles, client_for, commune_a):
    assert url("incident_list") in client_for(roles.officer_a).get(url("tip_list")).text
    committee_page = client_for(roles.committee_a).get(reverse("communes:unit_detail", args=[commune_a.pk]))
    assert url("incident_list") not in committee_page.text
