"""Citizen IDs (CCCD) (issue 12): a duplicate is refused without telling an officer of another
commune whose ID it is (nor in English naming the database constraint); every lookup by ID —
form, import, search — is in the read log with who asked; an import that hits many known IDs is
refused whole, without saying which, and flagged for the district."""

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import translation

from reintegration import services
from reintegration.importers import PersonsImporter
from reintegration.models import Person, ReadAction, ReadLog

from .factories import make_person

pytestmark = pytest.mark.django_db

KNOWN = "022090001234"
HEADER = "unit_code,ref,full_name,birth_date,sex,id_number,category,returned_on,management_ended_on,reoffended_on"


@pytest.fixture(autouse=True)
def english():
    with translation.override("en"):
        yield


@pytest.fixture
def known(commune_a):
    return make_person(commune_a, ref="TL-09", full_name="Bàn Văn Sáng", citizen_id=KNOWN)


def person_post(unit, citizen_id, ref="TT-01"):
    return {
        "unit": unit.pk,
        "ref": ref,
        "full_name": "Lý Văn Tài",
        "date_of_birth": "1990-03-14",
        "sex": "M",
        "citizen_id": citizen_id,
        "category": "completed_sentence",
        "offence": "Trộm cắp",
        "returned_on": "2021-01-01",
        "management_start": "2021-01-01",
    }


def discloses(message: str, person: Person) -> bool:
    return any(
        part in message for part in (person.full_name, person.unit.name, person.ref, "person_unique", "Constraint")
    )


def test_an_officer_of_another_commune_learns_nothing_of_the_other_record(roles, client_for, commune_b, known):
    client = client_for(roles.officer_b)
    response = client.post(reverse("reintegration:person_create"), person_post(commune_b, KNOWN))
    assert response.status_code in (200, 400)
    errors = response.context["form"].errors
    assert list(errors) == ["citizen_id"]
    assert not discloses(" ".join(errors["citizen_id"]), known)
    assert Person.objects.count() == 1
    lookup = ReadLog.objects.get(action=ReadAction.LOOKUP)
    assert (lookup.user, lookup.person) == (roles.officer_b, known)
    assert "person form" in lookup.detail and KNOWN not in lookup.detail


def test_a_user_who_may_read_the_other_record_is_told_whose_it_is(roles, client_for, commune_b, known):
    client = client_for(roles.admin)  # may read every commune's persons
    response = client.post(reverse("reintegration:person_create"), person_post(commune_b, KNOWN))
    message = " ".join(response.context["form"].errors["citizen_id"])
    assert "Bàn Văn Sáng" in message and "TL-09" in message


def test_the_service_refuses_a_duplicate_without_naming_the_constraint(roles, commune_b, known):
    with pytest.raises(ValidationError) as raised:
        services.person_create(
            user=roles.officer_b,
            **{
                **person_post(commune_b, KNOWN),
                "unit": commune_b,
                "date_of_birth": known.date_of_birth,
                "returned_on": known.returned_on,
                "management_start": known.returned_on,
            },
        )
    assert not discloses(" ".join(raised.value.messages), known)


def test_an_unchanged_id_is_not_looked_up_again(roles, client_for, commune_a, known):
    client = client_for(roles.officer_a)
    data = person_post(commune_a, KNOWN, ref="TL-09") | {"full_name": "Bàn Văn Sáng", "date_of_birth": "1990-01-01"}
    response = client.post(reverse("reintegration:person_update", args=[known.pk]), data)
    assert response.status_code == 302
    assert not ReadLog.objects.filter(action=ReadAction.LOOKUP).exists()


def rows(count, *, start=1, unit="06970"):
    return [
        f"{unit},TT-{n:02d},Người {n},1990-01-01,M,0220900{n + start:05d},completed_sentence,2021-01-01,,"
        for n in range(count)
    ]


def run(user, lines):
    return PersonsImporter(user=user).run(("\r\n".join([HEADER, *lines]) + "\r\n").encode(), "persons.csv")


def test_an_import_hitting_one_known_id_is_told_without_disclosure_and_every_id_is_logged(roles, commune_a, commune_b):
    known = make_person(commune_a, citizen_id="022090000001", full_name="Bàn Văn Sáng")
    result = run(roles.officer_b, rows(10))  # IDs 022090000001 .. 022090000010: one is known
    [error] = [e for e in result.errors if e.column == "id_number"]
    assert error.row == 2 and not discloses(error.message, known)
    lookups = ReadLog.objects.filter(action=ReadAction.LOOKUP, user=roles.officer_b)
    assert lookups.count() == 10
    assert lookups.filter(person=known).count() == 1


def test_an_import_hitting_many_known_ids_is_refused_whole_and_flagged(roles, commune_a, commune_b):
    for n in range(6):
        make_person(commune_a, citizen_id=f"0220900{n + 1:05d}")
    result = run(roles.officer_b, rows(20))
    assert [e.row for e in result.errors if e.column == "id_number"] == []
    [refusal] = [e for e in result.errors if e.row == 0]
    assert "6 of the file's 20" in refusal.message
    flag = ReadLog.objects.get(action=ReadAction.PROBE)
    assert flag.user == roles.officer_b and "persons.csv" in flag.detail
    assert Person.objects.filter(unit=commune_b).count() == 0


def test_a_small_share_of_known_ids_in_a_short_file_is_also_a_probe():
    assert services.is_citizen_id_probe(2, 5)
    assert not services.is_citizen_id_probe(1, 5)
    assert not services.is_citizen_id_probe(2, 20)
    assert services.is_citizen_id_probe(6, 1000)


def test_a_search_by_citizen_id_is_logged_and_scoped(roles, client_for, commune_a, known):
    response = client_for(roles.officer_a).get(reverse("reintegration:person_list"), {"q": KNOWN})
    assert [p.pk for p in response.context["page"]] == [known.pk]
    response = client_for(roles.officer_b).get(reverse("reintegration:person_list"), {"q": KNOWN})
    assert list(response.context["page"]) == []
    assert set(ReadLog.objects.filter(action=ReadAction.LOOKUP).values_list("user__username", flat=True)) == {
        "officer_a",
        "officer_b",
    }


def test_the_admin_person_form_logs_the_lookup(roles, client_for, commune_b, known):
    client = client_for(roles.admin)
    url = reverse("admin:reintegration_person_add")
    data = person_post(commune_b, KNOWN) | {
        "support_actions-TOTAL_FORMS": "0",
        "support_actions-INITIAL_FORMS": "0",
        "statuses-TOTAL_FORMS": "0",
        "statuses-INITIAL_FORMS": "0",
        "reoffences-TOTAL_FORMS": "0",
        "reoffences-INITIAL_FORMS": "0",
    }
    response = client.post(url, data)
    assert response.status_code == 200
    form = response.context["adminform"].form
    assert "Bàn Văn Sáng" in " ".join(form.errors["citizen_id"])  # an administrator may read it
    lookup = ReadLog.objects.get(action=ReadAction.LOOKUP)
    assert lookup.user == roles.admin and "admin person form" in lookup.detail
