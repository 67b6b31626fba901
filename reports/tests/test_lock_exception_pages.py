"""The superior level grants, lists and revokes lock exceptions on a page (not only in admin)."""

from datetime import timedelta

import pytest
import time_machine
from django.urls import reverse
from django.utils import timezone

from basecurity.testing.html import texts
from communes.locks import LockChecker
from communes.models import LockException

from .helpers import IN_NOVEMBER, NOV_END, NOV_START, TODAY, lock_november

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("november_28")]


def _grant(client, unit, **extra):
    data = {"unit": unit.pk, "start": NOV_START, "end": NOV_END, "hours": 24, "reason": "Sửa số liệu tháng 11"}
    return client.post(reverse("reports:lock_exceptions"), data | extra)


def test_the_district_grants_lists_and_revokes_an_exception(roles, client_for, commune_a):
    lock_november(commune_a)
    assert LockChecker().reason(commune_a, IN_NOVEMBER)  # locked
    district = client_for(roles.district_police)
    assert "lock-exceptions-link" in district.get(reverse("reports:report_list")).text
    response = _grant(district, commune_a)
    assert response.status_code == 302
    exception = LockException.objects.get()
    assert exception.granted_by == roles.district_police
    assert exception.valid_until == timezone.now() + timedelta(hours=24)
    assert not LockChecker().reason(commune_a, IN_NOVEMBER)  # the commune can correct its records
    page = district.get(reverse("reports:lock_exceptions"))
    assert texts(page, f"//tr[@data-pk='{exception.pk}']/td[1]") == ["Xã Kỳ Thượng"]
    district.post(reverse("reports:lock_exception_revoke", args=[exception.pk]))
    exception.refresh_from_db()
    assert exception.valid_until == timezone.now()  # closed at once
    with time_machine.travel(TODAY + timedelta(seconds=1), tick=False):
        assert LockChecker().reason(commune_a, IN_NOVEMBER)  # locked again
    assert exception.history.first().history_user == roles.district_police


def test_a_commune_officer_cannot_open_its_own_locks(roles, client_for, commune_a):
    officer = client_for(roles.officer_a)
    assert officer.get(reverse("reports:lock_exceptions")).status_code == 404
    assert _grant(officer, commune_a).status_code == 404
    assert not LockException.objects.exists()


def test_an_exception_outside_the_users_scope_is_404(roles, client_for, commune_a):

    exception = LockException.objects.create(
        unit=commune_a, start=NOV_START, end=NOV_END, valid_until=timezone.now() + timedelta(hours=1), reason="x"
    )
    assert (
        client_for(roles.officer_a).post(reverse("reports:lock_exception_revoke", args=[exception.pk])).status_code
        == 404
    )
    assert (
        client_for(roles.outsider).post(reverse("reports:lock_exception_revoke", args=[exception.pk])).status_code
        == 404
    )
