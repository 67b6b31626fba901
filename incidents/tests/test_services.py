"""Writes: attribution in the audit history, deletion with a reason, the legal limits of tips."""

from datetime import date

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from incidents import services
from incidents.models import (
    BusinessKind,
    CrimeTip,
    CrimeTipExtension,
    Incident,
    InspectionKind,
    InspectionResult,
    WeaponSurrender,
    WeaponSurrenderItem,
)

from . import factories as f

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("english")]


def incident_fields(unit, **extra):
    return {"unit": unit, "occurred_on": date(2021, 3, 1), "category": f.category(), "subjects": 2} | extra


def tip_fields(unit, **extra):
    return {"unit": unit, "kind": "report", "received_on": date(2021, 1, 31), "summary": "Tin báo"} | extra


def test_create_sets_recorded_by_and_history_user(roles, commune_a):
    incident = services.incident_create(user=roles.officer_a, **incident_fields(commune_a))
    assert incident.recorded_by == roles.officer_a
    [created] = incident.history.all()
    assert created.history_type == "+"
    assert created.history_user == roles.officer_a


def test_update_is_attributed_to_the_editor_and_keeps_the_recorder(roles, commune_a):
    incident = services.incident_create(user=roles.officer_a, **incident_fields(commune_a))
    services.incident_update(incident=incident, user=roles.admin, subjects=3)
    incident.refresh_from_db()
    assert incident.subjects == 3
    assert incident.recorded_by == roles.officer_a
    latest = incident.history.first()
    assert (latest.history_type, latest.history_user, latest.subjects) == ("~", roles.admin, 3)


def test_update_of_an_instance_changed_in_place(roles, commune_a):
    """A bound ModelForm changes form.instance; the service validates and saves it."""
    incident = services.incident_create(user=roles.officer_a, **incident_fields(commune_a))
    incident.description = "Đã xác minh"
    services.incident_update(incident=incident, user=roles.officer_a)
    assert Incident.objects.get(pk=incident.pk).description == "Đã xác minh"


@pytest.mark.parametrize("name", ["officer_b", "district_police", "committee_a", "outsider"])
def test_only_officers_of_the_unit_write(roles, commune_a, name):
    with pytest.raises(PermissionDenied):
        services.incident_create(user=getattr(roles, name), **incident_fields(commune_a))
    assert not Incident.objects.exists()


def test_a_record_cannot_be_moved_out_of_another_commune(roles, commune_a, commune_b):
    incident = services.incident_create(user=roles.officer_a, **incident_fields(commune_a))
    with pytest.raises(PermissionDenied):
        services.incident_update(incident=incident, user=roles.officer_b, unit=commune_b)
    assert Incident.objects.get(pk=incident.pk).unit == commune_a


def test_invalid_data_writes_nothing(roles, commune_a, units):
    with pytest.raises(ValidationError) as error:
        services.incident_create(user=roles.officer_a, **incident_fields(commune_a, village=units["06970-02"]))
    assert "village" in error.value.message_dict
    assert not Incident.objects.exists()
    assert not Incident.history.exists()


def test_delete_keeps_the_history_with_user_and_reason(roles, commune_a):
    incident = services.incident_create(user=roles.officer_a, **incident_fields(commune_a))
    pk = incident.pk
    services.incident_delete(incident=incident, user=roles.officer_a, reason="Nhập trùng với vụ số 12")
    assert not Incident.objects.filter(pk=pk).exists()
    deleted = Incident.history.filter(id=pk).latest("history_date")
    assert deleted.history_type == "-"
    assert deleted.history_user == roles.officer_a
    assert deleted.history_change_reason == "Nhập trùng với vụ số 12"
    assert deleted.subjects == 2  # the last state of the row is kept


def test_delete_needs_a_reason_and_the_right(roles, commune_a):
    incident = services.incident_create(user=roles.officer_a, **incident_fields(commune_a))
    with pytest.raises(ValidationError) as error:
        services.incident_delete(incident=incident, user=roles.officer_a, reason="   ")
    assert error.value.message_dict == {"reason": ["Give the reason for deleting this record."]}
    with pytest.raises(PermissionDenied):
        services.incident_delete(incident=incident, user=roles.officer_b, reason="Sai")
    assert Incident.objects.filter(pk=incident.pk).exists()


def test_long_deletion_reason_is_kept_whole(roles, commune_a):
    incident = services.incident_create(user=roles.officer_a, **incident_fields(commune_a))
    reason = "Lý do dài " * 40
    services.incident_delete(incident=incident, user=roles.officer_a, reason=reason)
    assert Incident.history.get(history_type="-").history_change_reason == reason.strip()


# --- Crime tips -------------------------------------------------------------------------------


def extend(tip, user, new_deadline, extended_on, reason="Phức tạp"):
    return services.tip_extend(tip=tip, user=user, new_deadline=new_deadline, reason=reason, extended_on=extended_on)


def test_tip_gets_the_20_day_deadline(roles, commune_a):
    tip = services.tip_create(user=roles.officer_a, **tip_fields(commune_a))
    assert tip.deadline == date(2021, 2, 20)


def test_tip_extensions_up_to_the_legal_limits(roles, commune_a):
    tip = services.tip_create(user=roles.officer_a, **tip_fields(commune_a))
    with pytest.raises(ValidationError) as error:
        extend(tip, roles.officer_a, date(2021, 4, 1), date(2021, 2, 15))
    assert "new_deadline" in error.value.message_dict
    assert "31/03/2021" in error.value.message_dict["new_deadline"][0]
    assert not CrimeTipExtension.objects.exists()

    first = extend(tip, roles.officer_a, date(2021, 3, 31), date(2021, 2, 15))
    tip.refresh_from_db()
    assert tip.deadline == date(2021, 3, 31)
    assert first.recorded_by == roles.officer_a
    assert tip.history.first().history_change_reason == "Extended to 31/03/2021: Phức tạp"

    with pytest.raises(ValidationError):
        extend(tip, roles.officer_a, date(2021, 6, 1), date(2021, 3, 25), reason="VKS gia hạn")
    extend(tip, roles.officer_a, date(2021, 5, 31), date(2021, 3, 25), reason="VKS gia hạn")
    tip.refresh_from_db()
    assert tip.deadline == date(2021, 5, 31)

    with pytest.raises(ValidationError) as error:
        extend(tip, roles.officer_a, date(2021, 5, 31), date(2021, 5, 1), reason="Lần ba")
    assert "no further extension" in error.value.message_dict["new_deadline"][0]
    assert tip.extensions.count() == 2


def test_extension_needs_a_reason_and_an_undecided_tip(roles, commune_a):
    tip = services.tip_create(user=roles.officer_a, **tip_fields(commune_a))
    with pytest.raises(ValidationError) as error:
        services.tip_extend(tip=tip, user=roles.officer_a, new_deadline=date(2021, 3, 10), reason="")
    assert "reason" in error.value.message_dict
    services.tip_decide(tip=tip, user=roles.officer_a, decision="not_prosecute", decided_on=date(2021, 2, 10))
    with pytest.raises(ValidationError):
        services.tip_extend(tip=tip, user=roles.officer_a, new_deadline=date(2021, 3, 10), reason="Phức tạp")


def test_decision_before_receipt_is_refused(roles, commune_a):
    tip = services.tip_create(user=roles.officer_a, **tip_fields(commune_a))
    with pytest.raises(ValidationError) as error:
        services.tip_decide(tip=tip, user=roles.officer_a, decision="prosecute", decided_on=date(2021, 1, 30))
    assert error.value.message_dict["decided_on"] == ["The decision cannot be dated before the tip was received."]
    assert CrimeTip.objects.get(pk=tip.pk).decision == ""
    services.tip_decide(tip=tip, user=roles.officer_a, decision="prosecute", decided_on=date(2021, 1, 31))
    decided = CrimeTip.objects.get(pk=tip.pk)
    assert (decided.decision, decided.decided_on) == ("prosecute", date(2021, 1, 31))
    assert decided.history.first().history_user == roles.officer_a


def test_changing_the_receipt_date_moves_the_deadline_and_keeps_extensions_lawful(roles, commune_a):
    tip = services.tip_create(user=roles.officer_a, **tip_fields(commune_a))
    services.tip_update(tip=tip, user=roles.officer_a, received_on=date(2021, 2, 1))
    assert CrimeTip.objects.get(pk=tip.pk).deadline == date(2021, 2, 21)
    extend(tip, roles.officer_a, date(2021, 4, 1), date(2021, 2, 15))
    # 01/04 is 2 months after 01/02 but more than 2 months after 31/01.
    tip = CrimeTip.objects.get(pk=tip.pk)
    with pytest.raises(ValidationError) as error:
        services.tip_update(tip=tip, user=roles.officer_a, received_on=date(2021, 1, 31))
    assert "received_on" in error.value.message_dict
    assert CrimeTip.objects.get(pk=tip.pk).received_on == date(2021, 2, 1)


def test_removing_an_extension_restores_the_deadline(roles, commune_a):
    tip = services.tip_create(user=roles.officer_a, **tip_fields(commune_a))
    extension = extend(tip, roles.officer_a, date(2021, 3, 20), date(2021, 2, 10))
    tip = services.tip_extension_delete(extension=extension, user=roles.officer_a, reason="Nhập nhầm")
    assert CrimeTip.objects.get(pk=tip.pk).deadline == date(2021, 2, 20)
    assert CrimeTipExtension.history.get(history_type="-").history_change_reason == "Nhập nhầm"


def test_tip_delete_keeps_the_extensions_history(roles, commune_a):
    tip = services.tip_create(user=roles.officer_a, **tip_fields(commune_a))
    extend(tip, roles.officer_a, date(2021, 3, 20), date(2021, 2, 10))
    services.tip_delete(tip=tip, user=roles.officer_a, reason="Không thuộc thẩm quyền, nhập sai")
    assert not CrimeTip.objects.exists() and not CrimeTipExtension.objects.exists()
    for model in (CrimeTip, CrimeTipExtension):
        deleted = model.history.get(history_type="-")
        assert deleted.history_user == roles.officer_a
        assert deleted.history_change_reason == "Không thuộc thẩm quyền, nhập sai"


def test_hand_over_is_recorded(roles, commune_a):
    tip = services.tip_create(user=roles.officer_a, **tip_fields(commune_a, received_at=f.local(2021, 1, 31, 10, 0)))
    services.tip_hand_over(tip=tip, user=roles.officer_a, handed_over_at=f.local(2021, 2, 2, 10, 0))
    tip.refresh_from_db()
    assert tip.handed_over_on_time  # exactly 48 h in remote Thanh Lâm


# --- Other kinds ------------------------------------------------------------------------------


def test_business_with_inspections_cannot_be_deleted(roles, commune_a):
    business = services.business_create(
        user=roles.officer_a, unit=commune_a, kind=BusinessKind.objects.get(code="karaoke"), name="Karaoke Suối Reo"
    )
    services.inspection_create(
        user=roles.officer_a,
        business=business,
        inspected_on=date(2021, 5, 1),
        kind=InspectionKind.FIRE_SAFETY,
        result=InspectionResult.VIOLATIONS,
        violations="Thiếu bình chữa cháy",
        fine_vnd=2_500_000,
    )
    with pytest.raises(ValidationError) as error:
        services.business_delete(business=business, user=roles.officer_a, reason="Đã đóng cửa")
    assert error.value.code == "protected"
    assert business.__class__.objects.filter(pk=business.pk).exists()


def test_inspection_is_scoped_by_its_business(roles, commune_a):
    business = services.business_create(
        user=roles.officer_a, unit=commune_a, kind=BusinessKind.objects.get(code="pawn"), name="Cầm đồ Thành Lâm"
    )
    with pytest.raises(PermissionDenied):
        services.inspection_create(
            user=roles.officer_b,
            business=business,
            inspected_on=date(2021, 5, 1),
            kind="security_order",
            result="compliant",
        )


def test_surrender_with_items(roles, commune_a):
    surrender = services.surrender_create(
        user=roles.officer_a,
        unit=commune_a,
        surrendered_on=date(2021, 9, 1),
        items=[
            {"item_type": "guns", "quantity": 1, "description": "Súng kíp"},
            {"item_type": "firecrackers", "quantity": 5},
        ],
    )
    assert surrender.items.count() == 2
    assert WeaponSurrenderItem.history.filter(history_user=roles.officer_a).count() == 2


@pytest.mark.parametrize("items", [[], [{"item_type": "guns", "quantity": 0}], [{"item_type": "tanks", "quantity": 1}]])
def test_surrender_with_bad_items_writes_nothing(roles, commune_a, items):
    with pytest.raises(ValidationError) as error:
        services.surrender_create(user=roles.officer_a, unit=commune_a, surrendered_on=date(2021, 9, 1), items=items)
    assert "items" in error.value.message_dict
    assert not WeaponSurrender.objects.exists()
    assert not WeaponSurrenderItem.objects.exists()


def test_surrender_update_replaces_items_and_delete_keeps_their_history(roles, commune_a):
    surrender = services.surrender_create(
        user=roles.officer_a,
        unit=commune_a,
        surrendered_on=date(2021, 9, 1),
        items=[{"item_type": "guns", "quantity": 1}],
    )
    services.surrender_update(
        surrender=surrender, user=roles.officer_a, items=[{"item_type": "ammunition", "quantity": 20}]
    )
    assert list(surrender.items.values_list("item_type", "quantity")) == [("ammunition", 20)]
    services.surrender_delete(surrender=surrender, user=roles.officer_a, reason="Nhập nhầm xã")
    assert WeaponSurrenderItem.history.filter(history_type="-", history_change_reason="Nhập nhầm xã").count() == 1
    assert WeaponSurrender.history.get(history_type="-").history_change_reason == "Nhập nhầm xã"


@pytest.mark.parametrize(
    "create, fields",
    [
        (services.accident_create, {"occurred_on": date(2021, 3, 1), "deaths": 1, "injuries": 2}),
        (services.patrol_create, {"patrolled_on": date(2021, 3, 1), "forces": "CA xã", "area_kind": "forest"}),
        (services.outreach_create, {"held_on": date(2021, 3, 1), "topic": "Phòng chống ma túy", "attendees": 60}),
        (
            services.mediation_create,
            {"mediated_on": date(2021, 3, 1), "parties": "A, B", "subject": "Đất", "outcome": "reconciled"},
        ),
        (services.door_check_create, {"checked_on": date(2021, 3, 1), "households_checked": 30}),
        (
            services.stay_create,
            {
                "full_name": "Li Wei",
                "nationality": "CN",
                "passport_number": "E1",
                "arrived_at": f.local(2021, 3, 1, 8, 0),
            },
        ),
    ],
)
def test_every_kind_is_created_with_attribution(roles, commune_a, create, fields):
    record = create(user=roles.officer_a, unit=commune_a, **fields)
    assert record.recorded_by == roles.officer_a
    assert record.history.get().history_user == roles.officer_a


def test_an_extension_may_reach_the_next_working_day_of_art_134(roles, commune_a):
    # Received 1/3/2021: 2 months end on Saturday 1/5 (a holiday); 3/5 is the day in lieu of 1/5.
    tip = services.tip_create(user=roles.officer_a, **tip_fields(commune_a, received_on=date(2021, 3, 1)))
    with pytest.raises(ValidationError) as error:
        extend(tip, roles.officer_a, date(2021, 5, 5), date(2021, 3, 15))
    assert "04/05/2021" in error.value.message_dict["new_deadline"][0]
    extend(tip, roles.officer_a, date(2021, 5, 4), date(2021, 3, 15))
    tip.refresh_from_db()
    assert tip.deadline == date(2021, 5, 4)  # the stored deadline is the legal one: pages and targets read it
