"""Load Ba Chẽ district's units and steering committees; with --demo, fictional data and accounts.

Idempotent: every row is looked up by its natural key and updated, never duplicated.
"""

import importlib
import importlib.util
import secrets

from django.apps import apps
from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction
from django.utils.translation import gettext as _

from communes import seed
from communes.models import AdministrativeUnit, Assignment, CommitteeMember, CommitteeRole, Role, SteeringCommittee


class Command(BaseCommand):
    help = "Load Quảng Ninh → Ba Chẽ → its 8 communes and their villages, and the steering committees."

    def add_arguments(self, parser):
        parser.add_argument("--demo", action="store_true", help="Also add fictional records and demo accounts.")

    @transaction.atomic
    def handle(self, *args, demo=False, **options):
        if demo and not settings.DEBUG:  # demo accounts with printed passwords never reach production
            raise CommandError(
                _(
                    "--demo is refused: demo data and demo accounts are only for a development machine (DJANGO_DEBUG=true)."
                )
            )
        units = load_units()
        load_committees(units)
        self.stdout.write(self.style.SUCCESS(f"Ba Chẽ: {AdministrativeUnit.objects.count()} units loaded."))
        if demo:
            accounts = load_demo_accounts(units)
            # Each app may add fictional records through a `demo.py` module with `load(units)`;
            # discovering them keeps communes free of imports of the apps built on it.
            for config in apps.get_app_configs():
                if importlib.util.find_spec(f"{config.name}.demo") is not None:
                    importlib.import_module(f"{config.name}.demo").load(units)
            self.stdout.write(self.style.WARNING("Demo accounts (fictional, for trying the app only):"))
            for username, role, password in accounts:
                self.stdout.write(f"  {username:<22} {role:<45} {password}")


def _unit(code, **fields) -> AdministrativeUnit:
    unit = AdministrativeUnit.objects.filter(code=code).first() or AdministrativeUnit(code=code)
    for name, value in fields.items():
        setattr(unit, name, value)
    unit.full_clean()
    unit.save()
    return unit


def load_units() -> dict[str, AdministrativeUnit]:
    province = _unit(seed.PROVINCE["code"], name=seed.PROVINCE["name"], kind=seed.PROVINCE["kind"], parent=None)
    district = _unit(seed.DISTRICT["code"], name=seed.DISTRICT["name"], kind=seed.DISTRICT["kind"], parent=province)
    units = {province.code: province, district.code: district}
    for code, name, kind, remote, population, households, share in seed.COMMUNES:
        units[code] = _unit(
            code,
            name=name,
            kind=kind,
            parent=district,
            is_remote=remote,
            population=population,
            households=households,
            ethnic_minority_share=share,
        )
    for commune_code, villages, kind in (
        ("06976", seed.THANH_LAM_VILLAGES, "thon"),
        ("06970", seed.TOWN_QUARTERS, "khu_pho"),
    ):
        commune = units[commune_code]
        for number, (name, placeholder) in enumerate(villages, start=1):
            code = f"{commune_code}-{number:02d}"
            # A placeholder renamed by an admin keeps its new name (and flag) on the next seed,
            # whether or not the admin also unticked "placeholder name".
            existing = AdministrativeUnit.objects.filter(code=code).first()
            renamed = placeholder and existing and (existing.name != name or not existing.is_placeholder)
            units[code] = _unit(
                code,
                name=existing.name if renamed else name,
                kind=kind,
                parent=commune,
                is_remote=commune.is_remote,
                is_placeholder=existing.is_placeholder if renamed else placeholder,
            )
    return units


def load_committees(units) -> None:
    info = seed.DISTRICT_COMMITTEE
    committee, _ = SteeringCommittee.objects.update_or_create(
        unit=units["202"],
        name=info["name"],
        defaults={"decision_date": info["decision_date"], "notes": info["notes"]},
    )
    # The head is known by position only: the article does not name the district Party secretary.
    # Once any head is recorded (an admin may have replaced them), the seed leaves heads alone.
    if not committee.members.filter(committee_role=CommitteeRole.HEAD).exists():
        CommitteeMember.objects.create(
            committee=committee,
            committee_role=CommitteeRole.HEAD,
            full_name="(chưa cập nhật họ tên)",
            position=info["head_position"],
        )
    for code, name in seed.PILOT_COMMITTEES:
        SteeringCommittee.objects.get_or_create(unit=units[code], name=name)


DEMO_ACCOUNTS = [
    ("demo.canbo.thanhlam", "commune_officer", "06976", "Cán bộ Công an xã Thanh Lâm (demo)"),
    ("demo.canbo.thitran", "commune_officer", "06970", "Cán bộ Công an Thị trấn Ba Chẽ (demo)"),
    ("demo.bcd.thanhlam", "commune_committee", "06976", "Thành viên BCĐ xã Thanh Lâm (demo)"),
    ("demo.conganhuyen", "district_police", "202", "Công an huyện Ba Chẽ (demo)"),
    ("demo.bcd.huyen", "district_committee", "202", "Thành viên BCĐ huyện Ba Chẽ (demo)"),
    ("demo.admin", None, None, "Quản trị hệ thống (demo)"),
]


def load_demo_accounts(units) -> list[tuple[str, str, str]]:
    """Create or reset the demo accounts with fresh random passwords, returned for printing."""
    User = get_user_model()
    printed = []
    for username, role, unit_code, label in DEMO_ACCOUNTS:
        user, _ = User.objects.get_or_create(username=username, defaults={"first_name": label})
        password = secrets.token_urlsafe(9)
        user.set_password(password)
        user.is_superuser = user.is_staff = role is None
        user.save()
        if role:
            Assignment.objects.get_or_create(user=user, role=role, unit=units[unit_code])
        printed.append((username, label if role is None else str(Role(role).label), password))
    return printed
