"""The reintegration app's URLs for communes/tests/test_scope_walk.py: the commune-B person of each pk."""

from reintegration.models import Person

from .factories import make_person

REF_B = "SCOPE-WALK-B"


def person_in(commune_b):
    return Person.objects.filter(unit=commune_b, ref=REF_B).first() or make_person(commune_b, ref=REF_B)


OBJECT_OF_COMMUNE_B = {
    f"reintegration:{name}": person_in
    for name in ("person_detail", "person_update", "support_add", "status_add", "reoffence_add")
}
