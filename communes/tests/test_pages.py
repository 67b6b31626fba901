"""The committee and team pages as a commune officer uses them: create, edit, validate, list."""

from datetime import date

import pytest
from django.urls import reverse

from communes.models import CommitteeMember, CommitteeRole, SelfManagementTeam, SteeringCommittee, TeamMember

from .factories import another_village, make_team, village_of


def management(prefix="members", total=1, initial=0):
    return {
        f"{prefix}-TOTAL_FORMS": str(total),
        f"{prefix}-INITIAL_FORMS": str(initial),
        f"{prefix}-MIN_NUM_FORMS": "0",
        f"{prefix}-MAX_NUM_FORMS": "1000",
    }


def team_post(village, **overrides):
    data = {
        "village": village.pk,
        "kind": "to_nhan_dan",
        "name": "Tổ nhân dân tự quản về ANTT Thôn Đồng Thầm",
        "leader_name": "Hoàng Văn An",
        "founded_on": "2021-08-01",
        "dissolved_on": "",
        "activity_notes": "Họp định kỳ hằng tháng.",
        **management(total=2),
        "members-0-full_name": "Lý Thị Bình",
        "members-0-role": "Tổ phó",
        "members-0-joined_on": "2021-08-01",
        "members-1-full_name": "",
    }
    data.update(overrides)
    return data


@pytest.fixture
def officer(roles, client_for):
    return client_for(roles.officer_a)


@pytest.fixture
def dong_tham(commune_a):
    return commune_a.children.get(name="Thôn Đồng Thầm")


def test_officer_creates_a_team_with_its_members(officer, roles, dong_tham):
    response = officer.post(reverse("communes:team_create"), team_post(dong_tham))
    team = SelfManagementTeam.objects.get()
    assert response.status_code == 302 and response["Location"] == team.get_absolute_url()
    assert (team.village, team.kind, team.leader_name, team.founded_on) == (
        dong_tham,
        "to_nhan_dan",
        "Hoàng Văn An",
        date(2021, 8, 1),
    )
    member = TeamMember.objects.get()  # the empty extra row was not saved
    assert (member.team, member.full_name, member.role) == (team, "Lý Thị Bình", "Tổ phó")
    assert team.history.get().history_user == roles.officer_a
    detail = officer.get(team.get_absolute_url())
    assert "Lý Thị Bình" in detail.text and "01/08/2021" in detail.text


def test_officer_edits_a_team_and_removes_a_member(officer, dong_tham):
    team = make_team(dong_tham, name="Tổ cũ")
    member = team.members.get()
    data = team_post(
        dong_tham,
        name="Tổ mới",
        **management(total=2, initial=1),
        **{
            "members-0-id": member.pk,
            "members-0-team": team.pk,
            "members-0-full_name": member.full_name,
            "members-0-DELETE": "on",
            "members-1-full_name": "Đặng Văn Cường",
        },
    )
    response = officer.post(reverse("communes:team_update", args=[team.pk]), data)
    assert response.status_code == 302
    team.refresh_from_db()
    assert team.name == "Tổ mới"
    assert list(team.members.values_list("full_name", flat=True)) == ["Đặng Văn Cường"]


def test_village_choices_are_limited_to_the_officers_commune(officer, commune_a, commune_b):
    form = officer.get(reverse("communes:team_create")).context["form"]
    choices = set(form.fields["village"].queryset.values_list("code", flat=True))
    assert choices == {"06976-01"}  # Thôn Đồng Thầm: the seeded villages are the article's

    response = officer.post(reverse("communes:team_create"), team_post(village_of(commune_b)))
    assert response.status_code == 200
    assert "village" in response.context["form"].errors
    assert not SelfManagementTeam.objects.exists()
    assert not TeamMember.objects.exists()


def test_committee_unit_choice_is_the_officers_commune_only(officer, commune_b):
    form = officer.get(reverse("communes:committee_create")).context["form"]
    assert set(form.fields["unit"].queryset.values_list("code", flat=True)) == {"06976"}
    response = officer.post(
        reverse("communes:committee_create"),
        {"unit": commune_b.pk, "name": "BCĐ lạ", **management(total=0)},
    )
    assert "unit" in response.context["form"].errors
    assert not SteeringCommittee.objects.filter(name="BCĐ lạ").exists()


def test_dissolved_before_founded_shows_on_the_form(officer, dong_tham):
    response = officer.post(reverse("communes:team_create"), team_post(dong_tham, dissolved_on="2021-07-31"))
    assert response.status_code == 200
    assert "dissolved_on" in response.context["form"].errors
    assert "is-invalid" in response.text
    assert not SelfManagementTeam.objects.exists()
    assert not TeamMember.objects.exists(), "no member row without its team"


def test_a_member_leaving_before_joining_shows_on_the_form(officer, dong_tham):
    response = officer.post(
        reverse("communes:team_create"), team_post(dong_tham, **{"members-0-left_on": "2021-07-01"})
    )
    assert response.status_code == 200
    assert "left_on" in response.context["members"].forms[0].errors
    assert not SelfManagementTeam.objects.exists()


def test_officer_creates_and_edits_a_committee(officer, roles, commune_a):
    data = {
        "unit": commune_a.pk,
        "name": "Tổ công tác An ninh cơ sở xã Thanh Lâm",
        "decision_number": "15/QĐ-UBND",
        "decision_date": "2021-08-02",
        "launched_on": "2021-09-10",
        "notes": "",
        **management(total=2),
        "members-0-full_name": "Hoàng Văn An",
        "members-0-position": "Bí thư Đảng ủy xã",
        "members-0-committee_role": CommitteeRole.HEAD,
        "members-1-full_name": "",
        "members-1-committee_role": CommitteeRole.MEMBER,
    }
    response = officer.post(reverse("communes:committee_create"), data)
    committee = SteeringCommittee.objects.get(name=data["name"])
    assert response["Location"] == committee.get_absolute_url()
    assert (committee.unit, committee.decision_number, committee.launched_on) == (
        commune_a,
        "15/QĐ-UBND",
        date(2021, 9, 10),
    )
    head = committee.members.get()
    assert (head.full_name, head.committee_role) == ("Hoàng Văn An", CommitteeRole.HEAD)

    data.update(
        {
            "decision_number": "16/QĐ-UBND",
            **management(total=1, initial=1),
            "members-0-id": head.pk,
            "members-0-committee": committee.pk,
            "members-0-left_on": "2023-01-01",
        }
    )
    response = officer.post(reverse("communes:committee_update", args=[committee.pk]), data)
    assert response.status_code == 302
    committee.refresh_from_db()
    assert committee.decision_number == "16/QĐ-UBND"
    assert CommitteeMember.objects.get(pk=head.pk).left_on == date(2023, 1, 1)
    assert committee.history.count() == 2


def test_team_list_filter_and_search(roles, client_for, commune_a, commune_b):
    make_team(commune_a.children.get(name="Thôn Đồng Thầm"), name="Tổ Đồng Thầm", leader_name="Bàn Văn Em")
    make_team(village_of(commune_b), name="Tổ khu 1")
    client = client_for(roles.district_police)

    def names(**params):
        page = client.get(reverse("communes:team_list"), params).context["page"]
        return {team.name for team in page}

    assert names() == {"Tổ Đồng Thầm", "Tổ khu 1"}
    assert names(unit=commune_a.pk) == {"Tổ Đồng Thầm"}
    assert names(unit=commune_b.pk) == {"Tổ khu 1"}
    assert names(q="bàn văn") == {"Tổ Đồng Thầm"}  # leader, case-insensitive
    assert names(q="Đồng Thầm") == {"Tổ Đồng Thầm"}  # village name
    assert names(q="không có") == set()


@pytest.mark.parametrize("term", ["Đồng Thầm", "đồng thầm", "ĐỒNG THẦM", "tổ đồng"])
def test_search_ignores_case_of_vietnamese_letters(officer, commune_a, term):
    """Phones type lower case: "đồng thầm" finds "Thôn Đồng Thầm" on SQLite as on PostgreSQL."""
    make_team(commune_a.children.get(name="Thôn Đồng Thầm"), name="Tổ Đồng Thầm")
    make_team(another_village(commune_a), name="Tổ khác")
    page = officer.get(reverse("communes:team_list"), {"q": term}).context["page"]
    assert [team.name for team in page] == ["Tổ Đồng Thầm"]


def test_committee_list_filter_and_search(roles, client_for, commune_a):
    client = client_for(roles.district_committee)

    def names(**params):
        return {c.unit.code for c in client.get(reverse("communes:committee_list"), params).context["page"]}

    assert names() == {"202", "06970", "06976"}
    assert names(unit=commune_a.pk) == {"06976"}
    assert names(q="05 BC") == {"202"}


def test_list_filter_cannot_reach_outside_the_scope(officer, commune_b):
    response = officer.get(reverse("communes:team_list"), {"unit": commune_b.pk})
    assert response.status_code == 200
    assert "unit" in response.context["filter_form"].errors


def _make_teams(commune, count):
    villages = list(commune.children.order_by("code"))
    for n in range(count):
        make_team(villages[n % len(villages)], name=f"Tổ liên gia số {n:02d}")


# The queries of a list page for a logged-in officer, the same for 2 rows and for 30.
LIST_QUERIES = 7
#  1. the session
#  2. the user
#  3. the user's assignments with their units (read once, then cached on the user object)
#  4. the ids of the units in scope (permissions.scope_unit_ids, once per request)
#  5. COUNT(*) of the scoped rows, up to the cap, for the paginator
#  6. the units offered by the filter's <select> (the user's subtree, villages excluded)
#  7. the page of rows JOIN unit (JOIN parent unit) with the member count, in one query
# (the session is not saved again within a minute of its last renewal: basecurity.middleware)


@pytest.mark.parametrize("count", [2, 30])
def test_team_list_query_count_does_not_grow(officer, commune_a, django_assert_num_queries, count):
    _make_teams(commune_a, count)
    with django_assert_num_queries(LIST_QUERIES):
        response = officer.get(reverse("communes:team_list"))
    assert len(response.context["page"]) == min(count, 25)
    assert all(team.name in response.text for team in response.context["page"])


@pytest.mark.parametrize("count", [2, 30])
def test_committee_list_query_count_does_not_grow(roles, client_for, units, django_assert_num_queries, count):
    communes = list(units["202"].children.order_by("code"))
    for n in range(count):
        unit = communes[n % len(communes)]
        committee = SteeringCommittee.objects.create(unit=unit, name=f"Tổ công tác số {n:02d}")
        CommitteeMember.objects.create(committee=committee, full_name="Thành viên", committee_role="member")
    client = client_for(roles.district_police)
    with django_assert_num_queries(LIST_QUERIES):
        response = client.get(reverse("communes:committee_list"))
    assert response.context["page"].paginator.count == count + 3  # + the three seeded committees
