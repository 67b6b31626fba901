"""seed_ba_che: the real Ba Chẽ facts, loaded idempotently; --demo accounts that really log in."""

import re
from datetime import date
from io import StringIO

import pytest
from django.contrib.auth import authenticate, get_user_model
from django.core.management import CommandError, call_command
from django.test import RequestFactory, override_settings

from communes.models import AdministrativeUnit, CommitteeMember, CommitteeRole, SteeringCommittee

COMMUNE_CODES = {"06970", "06973", "06976", "06979", "06982", "06985", "06988", "06991"}


def _counts():
    return {
        "units": AdministrativeUnit.objects.count(),
        "committees": SteeringCommittee.objects.count(),
        "members": CommitteeMember.objects.count(),
        "users": get_user_model().objects.count(),
    }


def _seed(*args) -> str:
    out = StringIO()
    with override_settings(DEBUG="--demo" in args):  # --demo runs on a development machine only
        call_command("seed_ba_che", *args, stdout=out)
    return out.getvalue()


@pytest.mark.django_db
def test_demo_is_refused_when_debug_is_off(settings):
    settings.DEBUG = False
    before = _counts()
    out, err = StringIO(), StringIO()
    with pytest.raises(CommandError, match="DJANGO_DEBUG") as raised:
        call_command("seed_ba_che", "--demo", stdout=out, stderr=err)
    assert raised.value.returncode != 0
    assert _counts() == before  # nothing created (the map the tests start from aside)
    assert "demo.admin" not in out.getvalue()


@pytest.mark.django_db
def test_seed_loads_ba_che_and_is_idempotent():
    _seed()
    first = _counts()
    _seed()
    assert _counts() == first

    units = AdministrativeUnit.objects
    district = units.get(level="district", code="202")
    assert (district.name, district.valid_until) == ("Huyện Ba Chẽ", date(2025, 6, 30))
    # 2021: eight communes under the district, covered from the first reporting year.
    communes_2021 = units.valid_on(date(2021, 6, 1)).filter(parent=district)
    assert set(communes_2021.values_list("code", flat=True)) == COMMUNE_CODES
    assert all(c.path == f"/22/202/{c.code}/" for c in communes_2021)
    assert {c.covered_from for c in communes_2021} == {date(2020, 12, 15)}
    assert set(communes_2021.filter(is_remote=True).values_list("code", flat=True)) == COMMUNE_CODES - {"06970"}
    town = communes_2021.get(code="06970")
    assert town.kind == "thi_tran" and not town.is_remote
    # 1/11/2024: Lương Mông and Minh Cầm became Lương Minh (06985 kept, 06991 out of use).
    luong_minh = units.get(code="06985", valid_from=date(2024, 11, 1))
    assert luong_minh.path == "/22/202/06985@20241101/"
    assert set(luong_minh.formations.values_list("predecessor__name", flat=True)) == {"Xã Lương Mông", "Xã Minh Cầm"}
    # 1/7/2025: three communes directly under the province, covered from their first day.
    communes_2025 = units.valid_on(date(2026, 1, 1)).filter(code__in=["06970", "06979", "06985"], level="commune")
    assert {(c.name, c.parent.code, c.covered_from) for c in communes_2025} == {
        ("Xã Ba Chẽ", "22", date(2025, 7, 1)),
        ("Xã Kỳ Thượng", "22", date(2025, 7, 1)),
        ("Xã Lương Minh", "22", date(2025, 7, 1)),
    }
    # The out-of-area predecessors are known, not covered.
    outside = units.filter(code__in=["07033", "07036", "06886"], valid_until=date(2025, 6, 30))
    assert {(c.name, c.covered_from) for c in outside} == {
        ("Xã Kỳ Thượng", None),
        ("Xã Đồng Sơn", None),
        ("Xã Hải Lạng", None),
    }
    # No placeholder villages: villages come from a file (load_villages, admin).
    assert not units.filter(level="village").exists() or not units.filter(is_placeholder=True).exists()

    district_committee = SteeringCommittee.objects.get(unit__code="202")
    assert "BCĐ 05 BC" in district_committee.name
    assert district_committee.members.filter(committee_role=CommitteeRole.HEAD).count() == 1
    pilots = SteeringCommittee.objects.filter(unit__level="commune")
    assert set(pilots.values_list("unit__code", flat=True)) == {"06970", "06976"}
    assert first["committees"] == 3


@pytest.mark.django_db
def test_demo_prints_passwords_that_log_in():
    out = _seed("--demo")
    request = RequestFactory().post("/accounts/login/")
    printed = {}
    for line in out.splitlines():
        match = re.match(r"\s+(demo\.\S+)\s.*\s(\S+)$", line)
        if match:
            printed[match[1]] = match[2]
    assert set(printed) == {
        "demo.canbo.kythuong",
        "demo.canbo.bache",
        "demo.bcd.kythuong",
        "demo.congantinh",
        "demo.bcd.tinh",
        "demo.canbo.thanhlam",
        "demo.canbo.thitran",
        "demo.bcd.thanhlam",
        "demo.conganhuyen",
        "demo.bcd.huyen",
        "demo.admin",
    }
    for number, (username, password) in enumerate(printed.items()):
        # One address per account: the lockout also counts failures per address (5 in all).
        request = RequestFactory().post("/accounts/login/", REMOTE_ADDR=f"10.0.0.{number + 1}")
        assert authenticate(request, username=username, password=password) is not None, username
        assert authenticate(request, username=username, password=password + "x") is None

    # A second run resets the passwords, duplicates nothing, and the old password stops working.
    counts = _counts()
    out_again = _seed("--demo")
    assert _counts() == counts
    assert authenticate(request, username="demo.canbo.thanhlam", password=printed["demo.canbo.thanhlam"]) is None
    new_password = re.search(r"demo\.canbo\.thanhlam\s.*\s(\S+)\n", out_again)[1]
    assert authenticate(request, username="demo.canbo.thanhlam", password=new_password) is not None


@pytest.mark.django_db
def test_the_demo_puts_each_record_on_the_unit_of_its_day():
    from incidents.models import Incident
    from reintegration.models import Person

    _seed("--demo")
    records = Incident.objects.select_related("unit")
    assert records.exists()
    assert all(record.unit.is_valid_on(record.occurred_on) for record in records)
    assert records.filter(unit__valid_from=date(2025, 7, 1)).exists()  # this year's work on the 2025 units
    assert records.filter(unit__valid_until=date(2025, 6, 30)).exists()  # past years on the old ones
    # Persons' files moved with their communes, with a transfer event, never duplicated.
    assert not Person.objects.filter(unit__valid_until__isnull=False).exists()
    assert Person.objects.filter(transfers__isnull=False).exists()
    count = Person.objects.count()
    _seed("--demo")
    assert Person.objects.count() == count


@pytest.mark.django_db
def test_reseeding_after_the_head_was_replaced():
    """The head left and a new one was recorded: the seed must neither fail nor add a third head."""
    _seed("--demo")
    committee = SteeringCommittee.objects.get(unit__code="202")
    committee.members.update(left_on="2023-01-01", joined_on=None)
    CommitteeMember.objects.create(committee=committee, full_name="Người mới", committee_role=CommitteeRole.HEAD)
    another = SteeringCommittee.objects.create(unit=committee.unit.children.get(code="06976"), name="Ban chỉ đạo khác")
    _seed("--demo")
    assert committee.members.filter(committee_role=CommitteeRole.HEAD).count() == 2
    assert not another.members.exists(), "demo members go to the pilot committee only"
