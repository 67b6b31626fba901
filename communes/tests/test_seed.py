"""seed_ba_che: the real Ba Chẽ facts, loaded idempotently; --demo accounts that really log in."""

import re
from io import StringIO

import pytest
from django.contrib.auth import authenticate, get_user_model
from django.core.management import CommandError, call_command
from django.test import RequestFactory, override_settings

from communes.models import AdministrativeUnit, CommitteeMember, CommitteeRole, SteeringCommittee
from communes.services import unit_save

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
    out, err = StringIO(), StringIO()
    with pytest.raises(CommandError, match="DJANGO_DEBUG") as raised:
        call_command("seed_ba_che", "--demo", stdout=out, stderr=err)
    assert raised.value.returncode != 0
    assert _counts() == {"units": 0, "committees": 0, "members": 0, "users": 0}
    assert "demo.admin" not in out.getvalue()


@pytest.mark.django_db
def test_seed_loads_ba_che_and_is_idempotent():
    _seed()
    first = _counts()
    _seed()
    assert _counts() == first

    units = AdministrativeUnit.objects
    assert units.filter(level="province").get().code == "22"
    assert units.filter(level="district").get().code == "202"
    communes = units.filter(level="commune")
    assert set(communes.values_list("code", flat=True)) == COMMUNE_CODES
    assert all(c.path == f"/22/202/{c.code}/" for c in communes)
    assert set(communes.filter(is_remote=True).values_list("code", flat=True)) == COMMUNE_CODES - {"06970"}
    town = units.get(code="06970")
    assert town.kind == "thi_tran" and not town.is_remote

    thanh_lam = units.get(code="06976")
    assert thanh_lam.children.filter(level="village", kind="thon").count() == 9
    assert thanh_lam.children.filter(name="Thôn Đồng Thầm", is_placeholder=False).exists()
    assert all(village.is_remote for village in thanh_lam.children.all())
    assert town.children.filter(kind="khu_pho").count() == 8
    assert set(town.children.filter(is_placeholder=False).values_list("name", flat=True)) == {"Khu 2", "Khu 6"}

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
@pytest.mark.parametrize("untick_placeholder", [True, False])
def test_a_renamed_placeholder_village_keeps_its_name(untick_placeholder):
    _seed()
    village = AdministrativeUnit.objects.get(code="06976-02")
    assert village.is_placeholder
    village.name = "Thôn Khe Tâm"
    if untick_placeholder:
        village.is_placeholder = False
    unit_save(unit=village)
    _seed()
    village.refresh_from_db()
    assert village.name == "Thôn Khe Tâm"
    assert village.is_placeholder is not untick_placeholder
    # Untouched placeholders keep their placeholder name and flag.
    assert AdministrativeUnit.objects.get(code="06976-03").is_placeholder


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
