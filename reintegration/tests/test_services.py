import json
from datetime import date

import pytest
from django.core.exceptions import ValidationError
from django.core.management import CommandError, call_command

from reintegration import services
from reintegration.models import Person, ReadAction, ReadLog, SupportKind

pytestmark = pytest.mark.django_db


def register(user, unit, **fields):
    values = {
        "unit": unit,
        "ref": "TL-2021-09",
        "full_name": "Hà Văn Thử",
        "date_of_birth": date(1994, 5, 12),
        "sex": "M",
        "citizen_id": "022094001234",
        "category": "completed_sentence",
        "offence": "Đánh bạc",
        "returned_on": date(2020, 6, 20),
        "management_start": date(2020, 6, 20),
    }
    values.update(fields)
    return services.person_create(user=user, **values)


def test_writes_are_attributed_to_the_user_in_the_history(roles, commune_a):
    person = register(roles.officer_a, commune_a)
    services.person_update(person=person, user=roles.district_police, notes="Đã chuyển nơi ở.")
    action = services.support_action_add(
        person=person,
        user=roles.officer_a,
        date=date(2020, 8, 12),
        kind=SupportKind.LOAN,
        loan_amount_vnd=50_000_000,
        lender="Ngân hàng Chính sách xã hội",
    )
    history = list(person.history.order_by("history_date"))
    assert [(h.history_type, h.history_user) for h in history] == [("+", roles.officer_a), ("~", roles.district_police)]
    assert action.history.get().history_user == roles.officer_a


def test_invalid_write_writes_nothing(roles, commune_a):
    with pytest.raises(ValidationError):
        register(roles.officer_a, commune_a, returned_on=date(1990, 1, 1))
    assert not Person.objects.exists()
    assert not Person.history.exists()


def test_status_record_replaces_the_same_day(roles, commune_a):
    person = register(roles.officer_a, commune_a)
    services.status_record(person=person, user=roles.officer_a, as_of=date(2021, 1, 1), has_job=False, stable_life=True)
    services.status_record(person=person, user=roles.officer_a, as_of=date(2021, 1, 1), has_job=True, stable_life=True)
    status = person.statuses.get()
    assert status.has_job is True
    assert [h.history_type for h in status.history.order_by("history_date")] == ["+", "~"]


def test_reoffence_before_return_is_refused(roles, commune_a):
    person = register(roles.officer_a, commune_a)
    with pytest.raises(ValidationError):
        services.reoffence_record(person=person, user=roles.officer_a, date=date(2020, 6, 19))
    assert not person.reoffences.exists()


def test_read_log_records_user_time_and_what(roles, commune_a):
    person = register(roles.officer_a, commune_a)
    entry = services.log_person_read(user=roles.district_police, person=person, what="person page")
    assert (entry.user, entry.username, entry.action, entry.detail) == (
        roles.district_police,
        "district_police",
        ReadAction.VIEW,
        "person page",
    )
    assert entry.person_label == f"06976/TL-2021-09 {person.full_name}"
    assert entry.at is not None


def test_read_log_survives_deletion_of_the_person(roles, commune_a):
    person = register(roles.officer_a, commune_a)
    services.log_person_read(user=roles.officer_a, person=person, what="person page")
    person.delete()
    entry = ReadLog.objects.get()
    assert entry.person is None and "Hà Văn Thử" in entry.person_label


def test_export_logs_one_row_per_person(roles, commune_a, django_assert_num_queries):
    register(roles.officer_a, commune_a, ref="1", citizen_id=None)
    register(roles.officer_a, commune_a, ref="2", citizen_id=None)
    with django_assert_num_queries(2):  # the persons with their unit; one bulk insert
        count = services.log_persons_export(user=roles.officer_a, persons=Person.objects.all(), what="CSV export")
    assert count == 2
    assert set(ReadLog.objects.values_list("action", flat=True)) == {ReadAction.EXPORT}


def test_subject_access_report_holds_everything(roles, commune_a):
    person = register(roles.officer_a, commune_a)
    services.person_update(person=person, user=roles.officer_a, sentence="18 tháng tù")
    services.support_action_add(person=person, user=roles.officer_a, date=date(2020, 7, 1), kind=SupportKind.VISIT)
    services.status_record(person=person, user=roles.officer_a, as_of=date(2021, 1, 1), has_job=True, stable_life=True)
    services.reoffence_record(person=person, user=roles.officer_a, date=date(2021, 9, 1), description="Đánh bạc")
    services.log_person_read(user=roles.district_police, person=person, what="person page")

    report = services.person_subject_access_report(person=person)

    assert report["person"]["full_name"] == "Hà Văn Thử"
    assert report["person"]["citizen_id"] == "022094001234"  # the person sees their own full number
    assert report["person"]["unit"] == "Xã Thanh Lâm"
    assert [a["kind"] for a in report["support_actions"]] == [str(SupportKind.VISIT.label)]
    assert report["statuses"][0]["has_job"] is True
    assert report["reoffences"][0]["description"] == "Đánh bạc"
    kinds = [(h["record"], h["type"], h["by"]) for h in report["history"]]
    assert ("person", "created", "officer_a") in kinds and ("person", "changed", "officer_a") in kinds
    change = next(h for h in report["history"] if h["type"] == "changed")
    assert {"field": "sentence", "old": "", "new": "18 tháng tù"} in change["changed_fields"]
    assert {("support_action", "created"), ("status", "created"), ("reoffence", "created")} <= {
        (h["record"], h["type"]) for h in report["history"]
    }
    assert [(r["by"], r["detail"]) for r in report["read_log"]] == [("district_police", "person page")]


def test_person_data_export_command_prints_json_and_logs(roles, commune_a, capsys):
    register(roles.officer_a, commune_a)
    call_command("person_data_export", unit="06976", ref="TL-2021-09", format="json", user="admin")
    report = json.loads(capsys.readouterr().out)
    assert report["person"]["ref"] == "TL-2021-09"
    entry = ReadLog.objects.get()
    assert (entry.action, entry.user) == (ReadAction.SUBJECT_ACCESS, roles.admin)


def test_person_data_export_command_text_and_unknown_person(roles, commune_a, capsys):
    register(roles.officer_a, commune_a)
    call_command("person_data_export", unit="06976", ref="TL-2021-09")
    assert "full_name: Hà Văn Thử" in capsys.readouterr().out
    with pytest.raises(CommandError):
        call_command("person_data_export", unit="06976", ref="nope")
