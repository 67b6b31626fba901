"""Steering committees and self-management teams (with their members, saved on the same page): a
create form posted twice makes one, a save from a stale edit form is refused and can be reapplied,
a database failure keeps what was typed (communes/submissions.py)."""

import pytest
from django.urls import reverse

from basecurity.testing.submissions import (
    Pages,
    assert_created_once,
    assert_database_failure_keeps_the_text,
    assert_stale_edit_refused,
    new_record_data,
)
from communes.models import SelfManagementTeam, SteeringCommittee

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
