"""Fictional security-work records for the demo (`manage.py seed_ba_che --demo`).

Every number and text here is invented, except the shape taken from the article (18/01/2022):
compared with reporting year 2020, in 2021 xã Thanh Lâm had 2 cases and 3 subjects fewer and the
town 1 case and 2 subjects fewer (all three groups together); Thanh Lâm's crime cases go from 12
to 10. The reporting years 2020 and 2021, the previous year and the current year (to today) get
records in all 8 communes, so that the dashboards have figures and comparisons.

Rows are written with `bulk_create_with_history` (one "+" history row each, by the demo user).
Idempotent: nothing is written when the demo user already has incidents.
"""

import random
from datetime import date, datetime, time, timedelta

from django.contrib.auth import get_user_model
from django.utils import timezone
from simple_history.utils import bulk_create_with_history

from basecurity.lib import periods
from communes import seed

from . import models
from .models import (
    AccommodationKind,
    CategoryGroup,
    IncidentOutcome,
    IncidentStatus,
    InspectionKind,
    InspectionResult,
    MediationOutcome,
    PatrolArea,
    TipDecision,
    TipKind,
    TipSource,
    WeaponItemType,
)

DEMO_USERNAME = "demo.dulieu"
REASON = "Dữ liệu mẫu (demo)"
NOTE = " (dữ liệu mẫu)"

# (commune, reporting year) -> {group: (cases, subjects)}: the article's comparisons.
FIXED_INCIDENTS = {
    ("06976", 2020): {"crime": (12, 17), "social_evil": (3, 4), "violation": (5, 6)},
    ("06976", 2021): {"crime": (10, 14), "social_evil": (3, 4), "violation": (5, 6)},
    ("06970", 2020): {"crime": (8, 11), "social_evil": (4, 5), "violation": (6, 7)},
    ("06970", 2021): {"crime": (7, 10), "social_evil": (4, 5), "violation": (6, 6)},
}
# (commune, reporting year) -> (cases, deaths, injuries)
FIXED_ACCIDENTS = {
    ("06976", 2020): (2, 1, 2),
    ("06976", 2021): (1, 0, 2),
    ("06970", 2020): (3, 1, 3),
    ("06970", 2021): (2, 1, 2),
}
CATEGORY_CYCLE = {
    "crime": [
        "crime.theft",
        "crime.theft",
        "crime.gambling",
        "crime.drugs",
        "crime.assault",
        "crime.forest",
        "crime.fraud",
        "crime.environment",
    ],
    "social_evil": ["social_evil.gambling", "social_evil.drug_use", "social_evil.other"],
    "violation": [
        "violation.minerals",
        "violation.forest",
        "violation.traffic",
        "violation.residence",
        "violation.weapons",
        "violation.fire_safety",
        "violation.urban_order",
    ],
}
DESCRIPTIONS = {
    "crime.theft": "Trộm cắp xe máy, tài sản của người dân",
    "crime.gambling": "Đánh bạc dưới hình thức ghi lô đề",
    "crime.drugs": "Tàng trữ trái phép chất ma túy",
    "crime.assault": "Xô xát dẫn đến cố ý gây thương tích",
    "crime.forest": "Chặt phá rừng sản xuất trái phép",
    "crime.fraud": "Lừa đảo qua mạng xã hội",
    "crime.environment": "Khai thác cát trái phép quy mô lớn",
    "social_evil.gambling": "Đánh bạc được thua bằng tiền (xử lý hành chính)",
    "social_evil.drug_use": "Sử dụng trái phép chất ma túy",
    "social_evil.other": "Tụ tập gây mất trật tự",
    "violation.minerals": "Khai thác cát, sỏi trái phép trên sông Ba Chẽ",
    "violation.forest": "Lấn chiếm đất rừng",
    "violation.traffic": "Điều khiển xe mô tô không đội mũ bảo hiểm",
    "violation.residence": "Không khai báo tạm trú",
    "violation.weapons": "Tàng trữ pháo nổ",
    "violation.fire_safety": "Vi phạm quy định phòng cháy, chữa cháy",
    "violation.urban_order": "Lấn chiếm vỉa hè",
}


def _demo_user():
    user, created = get_user_model().objects.get_or_create(
        username=DEMO_USERNAME, defaults={"first_name": "Dữ liệu mẫu (demo)", "is_active": False}
    )
    if created:
        user.set_unusable_password()
        user.save(update_fields=["password"])
    return user


def _spread(start: date, end: date, count: int) -> list[date]:
    """`count` dates spread evenly over start..end."""
    span = (end - start).days
    return [start + timedelta(days=span * (index + 1) // (count + 1)) for index in range(count)]


def _split(total: int, count: int) -> list[int]:
    base, extra = divmod(total, count)
    return [base + (1 if index < extra else 0) for index in range(count)]


def _at(day: date, hour: int, minute: int = 0) -> datetime:
    return timezone.make_aware(datetime.combine(day, time(hour, minute)))


class _Demo:
    def __init__(self, units, user, today: date):
        self.units = units
        self.user = user
        self.today = today
        self.rng = random.Random(2022)
        self.communes = [units[code] for code, *_ in seed.COMMUNES]
        self.villages = {
            commune.code: sorted((u for u in units.values() if u.parent_id == commune.pk), key=lambda u: u.code)
            for commune in self.communes
        }
        self.categories = {c.code: c for c in models.IncidentCategory.objects.all()}
        current = periods.period_of(today).year
        # The article's years, the year before the current one (its comparison) and the current one.
        self.years = sorted({2020, 2021, current - 1, current})

    def period(self, year: int) -> tuple[date, date]:
        period = periods.reporting_year(year)
        return period.start, min(period.end, self.today)

    def village(self, commune, index: int):
        villages = self.villages[commune.code]
        return villages[index % len(villages)] if villages and index % 3 else None

    def common(self, commune, index: int) -> dict:
        return {"unit": commune, "village": self.village(commune, index), "recorded_by": self.user}

    def incidents(self) -> list[models.Incident]:
        rows: list[models.Incident] = []
        for commune in self.communes:
            for year in self.years:
                start, end = self.period(year)
                if end < start:
                    continue
                figures = FIXED_INCIDENTS.get((commune.code, year)) or {
                    group: (cases, cases + self.rng.randint(0, cases))
                    for group, cases in (
                        ("crime", self.rng.randint(2, 7)),
                        ("social_evil", self.rng.randint(1, 4)),
                        ("violation", self.rng.randint(2, 6)),
                    )
                }
                finished = end < self.today - timedelta(days=60)
                for group, (cases, subjects) in figures.items():
                    days = _spread(start, end, cases)
                    for index, (day, count) in enumerate(zip(days, _split(subjects, cases), strict=True)):
                        code = CATEGORY_CYCLE[group][(index + len(rows)) % len(CATEGORY_CYCLE[group])]
                        status, outcome, fine = self.handling(group, finished, index)
                        rows.append(
                            models.Incident(
                                **self.common(commune, index),
                                occurred_on=day,
                                reported_on=min(day + timedelta(days=index % 3), end),
                                category=self.categories[code],
                                subjects=count,
                                description=DESCRIPTIONS[code] + NOTE,
                                status=status,
                                outcome=outcome,
                                fine_amount_vnd=fine,
                            )
                        )
        return rows

    @staticmethod
    def handling(group: str, finished: bool, index: int):
        if not finished and index % 2:
            return IncidentStatus.BEING_HANDLED, IncidentOutcome.NONE, None
        if group == CategoryGroup.CRIME:
            return IncidentStatus.TRANSFERRED, IncidentOutcome.PROSECUTION, None
        if index % 3 == 2:
            return IncidentStatus.HANDLED, IncidentOutcome.WARNING, None
        return IncidentStatus.HANDLED, IncidentOutcome.ADMINISTRATIVE_FINE, 750_000 * (index % 4 + 1)

    def accidents(self) -> list[models.TrafficAccident]:
        rows = []
        for commune in self.communes:
            for year in self.years:
                start, end = self.period(year)
                cases, deaths, injuries = FIXED_ACCIDENTS.get((commune.code, year)) or (
                    self.rng.randint(0, 2),
                    None,
                    None,
                )
                if cases == 0 or end < start:
                    continue
                death_split = _split(deaths if deaths is not None else self.rng.randint(0, 1), cases)
                injury_split = _split(injuries if injuries is not None else cases, cases)
                for index, day in enumerate(_spread(start, end, cases)):
                    rows.append(
                        models.TrafficAccident(
                            **self.common(commune, index),
                            occurred_on=day,
                            occurred_at_time=time(17 + index % 4, 30),
                            place="Quốc lộ 4B" if index % 2 == 0 else "Đường tỉnh 330",
                            vehicles=2,
                            deaths=death_split[index],
                            injuries=injury_split[index],
                            damage_vnd=15_000_000 * (index + 1),
                            description="Va chạm giữa hai xe mô tô" + NOTE,
                        )
                    )
        return rows

    def tips(self) -> tuple[list[models.CrimeTip], list[int]]:
        """Tips, and the indexes of those that get an extension (to their current deadline)."""
        rows: list[models.CrimeTip] = []
        extended: list[int] = []
        kinds = [TipKind.DENUNCIATION, TipKind.REPORT, TipKind.REPORT, TipKind.PROSECUTION_REQUEST]
        sources = [TipSource.CITIZEN, TipSource.CITIZEN, TipSource.AGENCY, TipSource.MEDIA]
        decisions = [TipDecision.PROSECUTE, TipDecision.NOT_PROSECUTE, TipDecision.PROSECUTE, TipDecision.SUSPEND]
        for commune in self.communes:
            for year in self.years:
                start, end = self.period(year)
                if end <= start:
                    continue
                count = self.rng.randint(3, 5)
                for index, day in enumerate(
                    _spread(start, end - timedelta(days=40), count) if (end - start).days > 80 else []
                ):
                    received_at = _at(day, 8 + index)
                    # Most are decided within 5-18 days; one in four is complex and extended.
                    complex_case = index % 4 == 3
                    decided_on = day + timedelta(days=35 if complex_case else 5 + (index * 4) % 14)
                    if year == 2020 and index == 1 and commune.code == "06979":
                        decided_on = day + timedelta(days=24)  # one late decision in the history
                    tip = models.CrimeTip(
                        **self.common(commune, index),
                        kind=kinds[index % 4],
                        received_at=received_at,
                        source=sources[index % 4],
                        summary=f"Tin báo về vụ việc số {index + 1}/{year}" + NOTE,
                        handed_over_at=received_at + timedelta(hours=6 + 10 * index),
                        decision=decisions[index % 4],
                        decided_on=decided_on if decided_on <= self.today else None,
                    )
                    if tip.decided_on is None:
                        tip.decision = ""
                    if complex_case:
                        tip.deadline = day + timedelta(days=45)
                        extended.append(len(rows))
                    rows.append(tip)
            # Open tips today: one overdue, one due within the week, one just received.
            for index, age in enumerate((26, 17, 2)):
                day = self.today - timedelta(days=age)
                rows.append(
                    models.CrimeTip(
                        **self.common(commune, index),
                        kind=TipKind.REPORT,
                        received_at=_at(day, 9),
                        source=TipSource.CITIZEN,
                        summary="Tin báo chưa giải quyết xong" + NOTE,
                        handed_over_at=_at(day, 15) if age > 2 else None,
                    )
                )
        for tip in rows:
            tip.set_derived_fields()
        return rows, extended

    def businesses(self) -> list[models.ConditionalBusiness]:
        kinds = {kind.code: kind for kind in models.BusinessKind.objects.all()}
        plan = [
            ("06970", "karaoke", "Karaoke Hương Rừng"),
            ("06970", "karaoke", "Karaoke Ánh Trăng"),
            ("06970", "lodging", "Nhà nghỉ Ba Chẽ Xanh"),
            ("06970", "lodging", "Nhà nghỉ Bến Sông"),
            ("06970", "lodging", "Khách sạn Trung Tâm"),
            ("06970", "pawn", "Cầm đồ Minh Phát"),
            ("06976", "lodging", "Homestay Đồng Thầm"),
            ("06979", "lodging", "Nhà nghỉ Đạp Thanh"),
            ("06985", "gas", "Cửa hàng gas Lương Mông"),
        ]
        rows = []
        for index, (code, kind, name) in enumerate(plan):
            certified = index % 4 != 3
            rows.append(
                models.ConditionalBusiness(
                    **self.common(self.units[code], index),
                    kind=kinds[kind],
                    name=name + NOTE,
                    owner_name=f"Chủ cơ sở {index + 1}" + NOTE,
                    address=f"Số {10 + index}, {self.units[code].name}",
                    security_certificate_number=f"{index + 1:02d}/GCN-ANTT" if certified else "",
                    security_certificate_date=date(2019, 3 + index, 10) if certified else None,
                )
            )
        return rows

    def inspections(self, businesses) -> list[models.BusinessInspection]:
        rows = []
        for index, business in enumerate(businesses):
            for year in self.years[:2]:
                violations = (index + year) % 3 == 0
                rows.append(
                    models.BusinessInspection(
                        business=business,
                        recorded_by=self.user,
                        inspected_on=date(year, 4 + index % 6, 12),
                        kind=InspectionKind.FIRE_SAFETY if year % 2 else InspectionKind.SECURITY_ORDER,
                        result=InspectionResult.VIOLATIONS if violations else InspectionResult.COMPLIANT,
                        violations="Thiếu bình chữa cháy, lối thoát nạn bị che chắn" if violations else "",
                        fine_vnd=2_500_000 if violations and index % 2 else None,
                    )
                )
        return rows

    def stays(self, businesses) -> list[models.ForeignerStay]:
        lodgings = [b for b in businesses if b.kind.code == "lodging"]
        people = [
            ("Wang Fang", "CN"),
            ("Li Jun", "CN"),
            ("Kim Min-jun", "KR"),
            ("John Miller", "US"),
            ("Sophie Martin", "FR"),
            ("Zhang Wei", "CN"),
            ("Park Ji-hoon", "KR"),
        ]
        rows = []
        for year in self.years:
            start, end = self.period(year)
            if (end - start).days < 30:
                continue
            for index, (day, (name, country)) in enumerate(
                zip(_spread(start, end - timedelta(days=2), len(people)), people, strict=True)
            ):
                lodging = lodgings[index % len(lodgings)]
                arrived = _at(day, 14 + index % 6)
                # Most declared within a few hours; one late, one never declared.
                delay = {4: timedelta(hours=30), 6: None}.get(index, timedelta(hours=2 + index))
                rows.append(
                    models.ForeignerStay(
                        unit=lodging.unit,
                        village=lodging.village,
                        recorded_by=self.user,
                        full_name=name + NOTE,
                        nationality=country,
                        passport_number=f"DEMO{year}{index:03d}",
                        accommodation_kind=AccommodationKind.BUSINESS,
                        business=lodging,
                        arrived_at=arrived,
                        declared_at=arrived + delay if delay is not None else None,
                        departed_on=min(day + timedelta(days=2), self.today),
                    )
                )
        for stay in rows:
            stay.set_derived_fields()
        return rows

    def activities(self):
        patrols, outreach, mediations, checks = [], [], [], []
        areas = [
            (PatrolArea.MINERAL_SITE, "Bãi cát ven sông Ba Chẽ"),
            (PatrolArea.FOREST, "Rừng sản xuất giáp Đình Lập"),
            (PatrolArea.RESIDENTIAL, "Khu dân cư trung tâm"),
            (PatrolArea.ROAD, "Quốc lộ 4B"),
        ]
        topics = [
            "Luật Cư trú 2020",
            "Phòng, chống ma túy",
            "Phòng cháy, chữa cháy trong khu dân cư",
            "Luật An ninh mạng",
        ]
        for commune in self.communes:
            for year in self.years:
                start, end = self.period(year)
                if (end - start).days < 10:
                    continue
                for index, day in enumerate(_spread(start, end, 4)):
                    kind, area = areas[index]
                    patrols.append(
                        models.Patrol(
                            **self.common(commune, index),
                            patrolled_on=day,
                            forces="Công an xã, dân quân, tổ tự quản",
                            participants=6 + index,
                            area_kind=kind,
                            area=area,
                            results="Không phát hiện vi phạm" if index % 2 else "Lập biên bản 01 trường hợp" + NOTE,
                        )
                    )
                for index, day in enumerate(_spread(start, end, 2)):
                    outreach.append(
                        models.OutreachSession(
                            **self.common(commune, index + 1),
                            held_on=day,
                            topic=topics[(index + year) % len(topics)],
                            attendees=45 + 10 * index,
                        )
                    )
                    checks.append(
                        models.DoorToDoorCheck(
                            **self.common(commune, index + 1),
                            checked_on=day,
                            households_checked=40 + 5 * index,
                            violations_found=index,
                            findings="Nhắc nhở khai báo tạm trú" + NOTE if index else "",
                        )
                    )
                mediations.append(
                    models.Mediation(
                        **self.common(commune, 1),
                        mediated_on=_spread(start, end, 1)[0],
                        parties="Hai hộ gia đình" + NOTE,
                        subject="Tranh chấp ranh giới đất nương",
                        outcome=MediationOutcome.RECONCILED if year % 2 else MediationOutcome.ONGOING,
                    )
                )
        return patrols, outreach, mediations, checks


def on_the_map_of_its_day(units, record):
    """The demo writes each year's work for the 8 communes of 2021; a record dated after a commune
    passed into another goes to the unit in force on its date (its village when that unit has one of
    the same name), as an officer would have recorded it."""
    day = record.map_day() if hasattr(record, "map_day") else None
    unit = getattr(record, "unit", None)
    if day is None or unit is None or unit.is_valid_on(day):
        return record
    key = next((key for key, value in units.items() if value.pk == unit.pk), None)
    record.unit = units.on(key, day) if key else unit
    if record.village is not None:
        record.village = record.unit.children.filter(name=record.village.name).first()
    business = getattr(record, "business", None)
    if business is not None and business.unit_id != record.unit.pk:
        record.business = _registered_again(business, record.unit)
    return record


def _registered_again(business, unit):
    """The lodging business as the successor commune registered it again (one copy per commune)."""
    found = models.ConditionalBusiness.objects.filter(unit=unit, name=business.name).first()
    if found is None:
        found = models.ConditionalBusiness.objects.get(pk=business.pk)
        found.pk = found.id = None
        found.unit, found.village = unit, None
        found._history_user, found._change_reason = business.recorded_by, REASON
        found.save()
    return found


def load(units) -> None:
    user = _demo_user()
    if models.Incident.objects.filter(recorded_by=user).exists():
        return
    demo = _Demo(units, user, timezone.localdate())

    def create(objs, model):
        return bulk_create_with_history(
            [on_the_map_of_its_day(units, obj) for obj in objs], model, default_user=user, default_change_reason=REASON
        )

    create(demo.incidents(), models.Incident)
    create(demo.accidents(), models.TrafficAccident)

    tips, extended = demo.tips()
    tips = create(tips, models.CrimeTip)
    create(
        [
            models.CrimeTipExtension(
                tip=tips[index],
                extended_on=tips[index].received_on + timedelta(days=15),
                new_deadline=tips[index].deadline,
                reason="Vụ việc phức tạp, phải xác minh tại nhiều địa điểm" + NOTE,
                recorded_by=user,
            )
            for index in extended
        ],
        models.CrimeTipExtension,
    )

    businesses = create(demo.businesses(), models.ConditionalBusiness)
    create(demo.inspections(businesses), models.BusinessInspection)
    create(demo.stays(businesses), models.ForeignerStay)

    surrenders = create(
        [
            models.WeaponSurrender(
                **demo.common(units["06976"], 1), surrendered_on=date(2021, 9, 20), surrendered_by="Ông B.V.T" + NOTE
            ),
            models.WeaponSurrender(
                **demo.common(units["06970"], 0), surrendered_on=date(2021, 11, 5), notes="Đợt vận động giao nộp" + NOTE
            ),
        ],
        models.WeaponSurrender,
    )
    create(
        [
            models.WeaponSurrenderItem(
                surrender=surrenders[0], item_type=WeaponItemType.GUNS, quantity=2, description="Súng kíp tự chế"
            ),
            models.WeaponSurrenderItem(
                surrender=surrenders[0], item_type=WeaponItemType.AMMUNITION, quantity=15, description="Viên"
            ),
            models.WeaponSurrenderItem(
                surrender=surrenders[1], item_type=WeaponItemType.SUPPORT_TOOLS, quantity=1, description="Dùi cui điện"
            ),
            models.WeaponSurrenderItem(
                surrender=surrenders[1], item_type=WeaponItemType.FIRECRACKERS, quantity=3, description="kg pháo nổ"
            ),
        ],
        models.WeaponSurrenderItem,
    )

    patrols, outreach, mediations, checks = demo.activities()
    create(patrols, models.Patrol)
    create(outreach, models.OutreachSession)
    create(mediations, models.Mediation)
    create(checks, models.DoorToDoorCheck)
