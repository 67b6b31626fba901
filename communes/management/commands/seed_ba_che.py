"""Load Ba Chẽ district's units and steering committees; with --demo, fictional data and accounts.

Idempotent: every row is looked up by its natural key and updated, never duplicated.
"""

import secrets
from datetime import timedelta
from pathlib import Path

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction
from django.utils.translation import gettext as _

from basecurity.lib import discovery
from communes import register, seed, services, villages
from communes.models import (
    AdministrativeUnit,
    Assignment,
    CommitteeMember,
    CommitteeRole,
    Level,
    SteeringCommittee,
    Transfer,
    UnitKind,
    UnitLineage,
)

DEMO_VILLAGES = Path(__file__).resolve().parents[2] / "demo_villages.csv"


class Command(BaseCommand):
    help = (
        "Load Quảng Ninh from the official register with Ba Chẽ's real history (2021's communes under "
        "district 202, the 2024 merger, the three communes of 2025) and the steering committees."
    )

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
            load_demo_villages(units)
            accounts = load_demo_accounts(units)
            # Each app may add fictional records through a `demo.py` module with `load(units)`;
            # discovering them keeps communes free of imports of the apps built on it.
            for module in discovery.app_modules("demo"):
                module.load(units)
            # The communes merged in 2024 and 2025 hand their persons' files over to their successors.
            for unit in AdministrativeUnit.objects.filter(
                pk__in=[units[code].pk for code, *_ in seed.COMMUNES] + [units["06985@2024"].pk]
            ).order_by("valid_until"):
                if unit.successions.filter(transfer=Transfer.WHOLE).exists():
                    services.unit_hand_over(unit=unit, seats=False)
            self.stdout.write(self.style.WARNING("Demo accounts (fictional, for trying the app only):"))
            for username, role, password in accounts:
                self.stdout.write(f"  {username:<22} {role:<60} {password}")


def _update(unit: AdministrativeUnit, **fields) -> AdministrativeUnit:
    changed = False
    for name, value in fields.items():
        if getattr(unit, name) != value:
            setattr(unit, name, value)
            changed = True
    if changed:
        services.unit_save(unit=unit)
    return unit


class SeedUnits(dict):
    """Ba Chẽ's units by key: a code names the unit of 2021 ("06976": Thanh Lâm, "202": the district),
    "06985@2024" Lương Minh of 1/11/2024, "06970@2025" … the communes of 1/7/2025, villages by their
    code; `on(key, day)` follows the lineage to the unit in force on `day`."""

    def on(self, key: str, day) -> AdministrativeUnit:
        unit = self[key]
        seen = set()
        while not unit.is_valid_on(day) and unit.pk not in seen:
            seen.add(unit.pk)
            successor = self._successor(unit)
            if successor is None:
                break
            unit = successor
        return unit

    def _successor(self, unit: AdministrativeUnit) -> AdministrativeUnit | None:
        cache = self.__dict__.setdefault("_successors", {})
        if unit.pk not in cache:
            row = unit.successions.select_related("successor").order_by("-transfer").first()  # whole first
            cache[unit.pk] = row.successor if row else None
        return cache[unit.pk]


def load_units() -> SeedUnits:
    """The register of province 22 (load_units --province 22), then what it does not know: the 2024
    merger (Lương Mông, Minh Cầm → Lương Minh), coverage and the article's facts. Idempotent."""
    # The province's 54 communes of 2025; of the map before, what passed into Ba Chẽ's three communes
    # (its 7 communes and the parts of TP Hạ Long and huyện Tiên Yên): `load_units --province 22`
    # adds the rest of the old map.
    register.register_load([seed.PROVINCE_CODE], history_of=seed.COMMUNES_2025)
    province = AdministrativeUnit.objects.get(code=seed.PROVINCE_CODE, level=Level.PROVINCE, valid_until__isnull=True)
    district = AdministrativeUnit.objects.get(
        code=seed.DISTRICT_CODE, level=Level.DISTRICT, valid_until=register.LAST_OLD_DAY
    )
    units = SeedUnits({province.code: province, district.code: district})
    old = {unit.code: unit for unit in district.children.filter(level=Level.COMMUNE)}

    merger = seed.MERGER_2024
    luong_minh = old[merger["successor"]]
    units[f"{merger['successor']}@2024"] = _update(luong_minh, valid_from=merger["date"], covered_from=merger["date"])
    last_day = merger["date"] - timedelta(days=1)
    for code, name in merger["predecessors"]:
        predecessor = AdministrativeUnit.objects.filter(
            code=code, level=Level.COMMUNE, valid_until=last_day
        ).first() or AdministrativeUnit(code=code, kind=UnitKind.COMMUNE, parent=district, valid_until=last_day)
        predecessor.name = name
        services.unit_save(unit=predecessor)
        UnitLineage.objects.get_or_create(
            predecessor=predecessor,
            successor=luong_minh,
            defaults={"date": merger["date"], "transfer": Transfer.WHOLE, "legal_basis": merger["legal_basis"]},
        )
        old.setdefault(code, predecessor)
        if code == merger["successor"]:
            old[code] = predecessor  # "06985" in 2021 is Lương Mông
    for code, remote, population, households, share in seed.COMMUNES:
        units[code] = _update(
            old[code],
            covered_from=seed.COVERED_FROM,
            is_remote=remote,
            population=population,
            households=households,
            ethnic_minority_share=share,
        )
    _update(luong_minh, is_remote=True)
    for code in seed.COMMUNES_2025:
        unit = AdministrativeUnit.objects.get(code=code, level=Level.COMMUNE, valid_from=register.REFORM_DAY)
        # Remote when every predecessor of Ba Chẽ was (the out-of-area parts aside): Kỳ Thượng, Lương Minh.
        sources = [
            row.predecessor for row in unit.formations.select_related("predecessor") if row.predecessor.covered_from
        ]
        remote = bool(sources) and all(source.is_remote for source in sources)
        units[f"{code}@2025"] = _update(unit, covered_from=seed.COVERED_FROM_2025, is_remote=remote)
    services.history_paths_rebuild()
    for village in AdministrativeUnit.objects.filter(level=Level.VILLAGE, path__startswith=province.path):
        units[village.code if village.valid_from is None else f"{village.code}@{village.valid_from:%Y}"] = village
    return units


def seeded_units() -> SeedUnits:
    """The keys of load_units() read back from a database where it ran (four queries, no writes)."""
    province = AdministrativeUnit.objects.get(code=seed.PROVINCE_CODE, level=Level.PROVINCE, valid_until__isnull=True)
    district = AdministrativeUnit.objects.get(
        code=seed.DISTRICT_CODE, level=Level.DISTRICT, valid_until=register.LAST_OLD_DAY
    )
    units = SeedUnits({province.code: province, district.code: district})
    merger_day = seed.MERGER_2024["date"]
    for unit in AdministrativeUnit.objects.filter(parent=district, level=Level.COMMUNE):
        if unit.valid_from == merger_day:
            units[f"{unit.code}@2024"] = unit
        elif unit.valid_until == merger_day - timedelta(days=1) or unit.code not in units:
            units[unit.code] = unit  # 06985 in 2021 is Lương Mông
    for unit in AdministrativeUnit.objects.filter(
        code__in=seed.COMMUNES_2025, level=Level.COMMUNE, valid_from=register.REFORM_DAY
    ):
        units[f"{unit.code}@2025"] = unit
    for village in AdministrativeUnit.objects.filter(level=Level.VILLAGE, path__startswith=province.path):
        units[village.code if village.valid_from is None else f"{village.code}@{village.valid_from:%Y}"] = village
    return units


def load_demo_villages(units: SeedUnits) -> None:
    """The villages named by the article (Thanh Lâm's Đồng Thầm, the town's khu 2 and khu 6), before and
    after 1/7/2025, from the demo file an administrator would load (communes/demo_villages.csv)."""
    result = villages.villages_load(DEMO_VILLAGES.read_bytes(), DEMO_VILLAGES.name)
    if not result.ok:
        raise CommandError("; ".join(f"{error.row}/{error.column}: {error.message}" for error in result.errors))
    for village in AdministrativeUnit.objects.filter(
        level=Level.VILLAGE, path__startswith=units[seed.PROVINCE_CODE].path
    ):
        units[village.code if village.valid_from is None else f"{village.code}@{village.valid_from:%Y}"] = village


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
    # Seats on today's map (since 1/7/2025: communes under the province).
    ("demo.canbo.kythuong", "commune_officer", "06979@2025", "Cán bộ Công an xã Kỳ Thượng (demo)"),
    ("demo.canbo.bache", "commune_officer", "06970@2025", "Cán bộ Công an xã Ba Chẽ (demo)"),
    ("demo.bcd.kythuong", "commune_committee", "06979@2025", "Thành viên BCĐ xã Kỳ Thượng (demo)"),
    ("demo.congantinh", "district_police", "22", "Công an tỉnh Quảng Ninh (demo)"),
    ("demo.bcd.tinh", "district_committee", "22", "Thành viên BCĐ tỉnh Quảng Ninh (demo)"),
    # Seats of the map of 2021–2025, kept to read its history (the units ended on 30/06/2025).
    ("demo.canbo.thanhlam", "commune_officer", "06976", "Cán bộ Công an xã Thanh Lâm (demo, đến 30/6/2025)"),
    ("demo.canbo.thitran", "commune_officer", "06970", "Cán bộ Công an Thị trấn Ba Chẽ (demo, đến 30/6/2025)"),
    ("demo.bcd.thanhlam", "commune_committee", "06976", "Thành viên BCĐ xã Thanh Lâm (demo, đến 30/6/2025)"),
    ("demo.conganhuyen", "district_police", "202", "Công an huyện Ba Chẽ (demo, đến 28/2/2025)"),
    ("demo.bcd.huyen", "district_committee", "202", "Thành viên BCĐ huyện Ba Chẽ (demo, đến 30/6/2025)"),
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
        printed.append((username, label, password))
    return printed
