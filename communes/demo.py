"""Fictional organisation data for the demo (names are invented)."""

from datetime import date

from . import seed
from .models import CommitteeMember, CommitteeRole, SelfManagementTeam, SteeringCommittee, TeamKind, TeamMember

DEMO_NAMES = ["Hoàng Văn An", "Lý Thị Bình", "Đặng Văn Cường", "Triệu Thị Dung", "Bàn Văn Em", "Chíu Thị Giang"]


def load(units) -> None:
    thanh_lam = units["06976"]
    committee = SteeringCommittee.objects.get(unit=thanh_lam, name=dict(seed.PILOT_COMMITTEES)["06976"])
    for role, name, position in (
        (CommitteeRole.HEAD, DEMO_NAMES[0], "Bí thư Đảng ủy xã (demo)"),
        (CommitteeRole.DEPUTY, DEMO_NAMES[1], "Chủ tịch UBND xã (demo)"),
        (CommitteeRole.STANDING, DEMO_NAMES[2], "Trưởng Công an xã (demo)"),
    ):
        CommitteeMember.objects.get_or_create(
            committee=committee, full_name=name, defaults={"committee_role": role, "position": position}
        )
    # Thanh Lâm re-formed one people's self-management team per village (the article); the
    # leaders here are invented.
    for index, village in enumerate(thanh_lam.children.order_by("code")):
        team, _ = SelfManagementTeam.objects.get_or_create(
            village=village,
            name=f"Tổ nhân dân tự quản về ANTT {village.name}",
            defaults={
                "kind": TeamKind.PEOPLES_SELF_MANAGEMENT,
                "leader_name": DEMO_NAMES[index % len(DEMO_NAMES)],
                "founded_on": date(2021, 8, 1),
            },
        )
        TeamMember.objects.get_or_create(team=team, full_name=DEMO_NAMES[(index + 1) % len(DEMO_NAMES)])
