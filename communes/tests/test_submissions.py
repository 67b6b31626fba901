"""Steering committees and self-management teams (with their members, saved on the same page): a
create form posted twice makes one, a save from a stale edit form is refused and can be reapplied,
a database failure keeps what was typed (communes/submissions.py)."""

import uuid
from datetime import timedelta

import pytest
from django.contrib.contenttypes.models import ContentType
from django.test import override_settings
from django.urls import reverse
from django.utils import timezone

from basecurity.testing.submissions import (
    Pages,
    assert_created_once,
    assert_database_failure_keeps_the_text,
    assert_stale_edit_refused,
    new_record_data,
)
from communes import submissions, tasks
from communes.models import SelfManagementTeam, SteeringCommittee, SubmissionToken

from .factories import make_committee, make_team, village_of

pytestmark = pytest.mark.django_db


def _without_members(values: dict) -> dict:
    """The edit form's fields for a new one: a new name, the member rows left to the create form."""
    return {name: value for name, value in values.items() if not name.startswith("members-")} | {"name": ["Mới lập"]}


def organisation_pages(kind: str) -> Pages:
    model, text_field = {"committee": (SteeringCommittee, "notes"), "team": (SelfManagementTeam, "activity_notes")}[
        kind
    ]
    return Pages(
        create_url=reverse(f"communes:{kind}_create"),
        edit_url=lambda organisation: reverse(f"communes:{kind}_update", args=[organisation.pk]),
        detail_url=lambda organisation: organisation.get_absolute_url(),
        records=model._default_manager.all,
        text_field=text_field,
        create_data=_without_members,
    )


def organisation(kind, commune):
    return make_committee(commune) if kind == "committee" else make_team(village_of(commune))


@pytest.mark.parametrize("kind", ["committee", "team"])
def test_a_create_form_posted_twice_makes_one(kind, roles, client_for, commune_a):
    assert_created_once(client_for(roles.officer_a), organisation_pages(kind), organisation(kind, commune_a))


@pytest.mark.parametrize("kind", ["committee", "team"])
def test_a_save_from_a_stale_edit_form_is_refused_and_can_be_reapplied(kind, roles, commune_a):
    assert_stale_edit_refused(roles.officer_a, organisation_pages(kind), organisation(kind, commune_a))


@pytest.mark.parametrize("kind", ["committee", "team"])
def test_a_database_failure_keeps_what_was_typed(kind, roles, commune_a):
    assert_database_failure_keeps_the_text(
        roles.officer_a, organisation_pages(kind), organisation(kind, commune_a), "communes.services.organisation_save"
    )


def test_a_post_without_a_token_is_keyed_by_its_content(roles, client_for, commune_a):
    """A script posting the same data twice (no token): one committee."""
    pages = organisation_pages("committee")
    client = client_for(roles.officer_a)
    data = new_record_data(client, pages, organisation("committee", commune_a))
    del data["submission_token"]
    assert client.post(pages.create_url, data).status_code == 302
    assert client.post(pages.create_url, data).status_code == 302
    assert SteeringCommittee.objects.filter(name="Mới lập").count() == 1


# --- The nightly purge of old tokens ---------------------------------------------------------------


def _token(user, record, age: timedelta) -> SubmissionToken:
    token = SubmissionToken.objects.create(
        token=uuid.uuid4(), user=user, content_type=ContentType.objects.get_for_model(record), object_id=record.pk
    )
    SubmissionToken.objects.filter(pk=token.pk).update(created_at=timezone.now() - age)  # auto_now_add
    return token


@override_settings(SUBMISSION_TOKEN_DAYS=7)
def test_the_nightly_task_deletes_the_tokens_older_than_the_setting(roles, commune_a):
    record = make_committee(commune_a)
    old = _token(roles.officer_a, record, timedelta(days=7, minutes=1))
    recent = _token(roles.officer_a, record, timedelta(days=6, hours=23))
    assert tasks.purge_submission_tokens.delay().get() == 1
    assert list(SubmissionToken.objects.values_list("pk", flat=True)) == [recent.pk]
    assert not SubmissionToken.objects.filter(pk=old.pk).exists()
    assert SteeringCommittee.objects.filter(pk=record.pk).exists()  # what the token named stays


@override_settings(SUBMISSION_TOKEN_DAYS=1)
def test_the_age_comes_from_the_setting(roles, commune_a):
    record = make_committee(commune_a)
    _token(roles.officer_a, record, timedelta(days=2))
    assert submissions.tokens_purge() == 1
    assert not SubmissionToken.objects.exists()


def test_the_purge_is_scheduled_every_night():
    from django_celery_beat.models import PeriodicTask

    task = PeriodicTask.objects.get(task="communes.purge_submission_tokens")
    assert task.enabled and task.crontab is not None
    assert (task.crontab.minute, task.crontab.hour, task.crontab.day_of_week) == ("45", "2", "*")
