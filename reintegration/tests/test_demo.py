from datetime import date

import pytest

from reintegration import demo
from reintegration.models import Person, Reoffence, Status, SupportAction, SupportKind

pytestmark = pytest.mark.django_db


def test_demo_loads_once_and_again_without_duplicates_or_new_history(units):
    demo.load(units)
    counts = (Person.objects.count(), Status.objects.count(), SupportAction.objects.count(), Reoffence.objects.count())
    history = Person.history.count() + Status.history.count() + SupportAction.history.count()
    demo.load(units)
    assert (
        Person.objects.count(),
        Status.objects.count(),
        SupportAction.objects.count(),
        Reoffence.objects.count(),
    ) == counts
    assert Person.history.count() + Status.history.count() + SupportAction.history.count() == history
    assert counts[0] == 12 and counts[3] == 1
    assert set(Person.objects.values_list("unit__code", flat=True)) == {"06970", "06976"}
    assert not Person.objects.filter(citizen_id__isnull=False).exists()


def test_demo_has_the_articles_example(units):
    demo.load(units)
    person = Person.objects.get(unit__code="06970", ref="TT-2020-03")
    assert person.village.name == "Khu 6" and person.date_of_birth.year == 1994
    loan = person.support_actions.get(kind=SupportKind.LOAN)
    assert loan.lender.startswith("Ngân hàng Chính sách xã hội") and loan.loan_amount_vnd > 0
    assert Person.objects.employed_on(date(2021, 12, 14)).filter(pk=person.pk).exists()
