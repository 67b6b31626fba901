"""Walk every URL of the project: other communes' objects are 404, anonymous users go to login.

A new URL with a `pk` must be added to OBJECT_OF_COMMUNE_B (the test fails until it is), so no
page can be added without proving that it keeps commune A's officer out of commune B. Each app
declares its own URLs in `<app>/tests/scope_walk.py`:

    OBJECT_OF_COMMUNE_B = {"incidents:incident_detail": lambda commune_b: make_incident(commune_b)}
    URL_KWARGS = {"export": {"kind": "incident", "fmt": "csv"}}  # other URL arguments, if any

They are discovered through the app registry, so communes imports none of the apps built on it.
"""

from urllib.parse import urlsplit

import pytest
from django.conf import settings
from django.contrib.auth import get_user_model
from django.shortcuts import resolve_url
from django.urls import URLPattern, URLResolver, get_resolver, reverse

from basecurity.lib import discovery
from communes.models import ImportJob, SelfManagementTeam, SteeringCommittee

from .factories import make_team, village_of

SKIPPED_PREFIXES = ("admin/", "i18n/", "static/", "media/")
PUBLIC = {"login", "healthz", "readyz", "set_language"}
# A view that only answers POST (logging out, adding a row to a record) refuses GET with 405
# before anything else, which reveals nothing; such URLs are then checked with a POST.


def _team_b(commune_b):
    name = "Tổ tự quản khu 1 (B)"
    return SelfManagementTeam.objects.filter(name=name).first() or make_team(village_of(commune_b), name=name)


def _committee_b(commune_b):
    return SteeringCommittee.objects.get(unit=commune_b)


def _import_job_b(commune_b):
    """An import job of commune B's officer (a job is its user's only)."""
    officer_b, _created = get_user_model().objects.get_or_create(username="officer_b")
    return ImportJob.objects.filter(user=officer_b).first() or ImportJob.objects.create(
        user=officer_b, unit=commune_b, kind="incidents", filename="b.csv", state=ImportJob.State.INVALID
    )


# URL name -> factory of the commune-B object its `pk` points to.
OBJECT_OF_COMMUNE_B = {
    "communes:unit_detail": lambda commune_b: commune_b,
    "communes:committee_detail": _committee_b,
    "communes:committee_update": _committee_b,
    "communes:team_detail": _team_b,
    "communes:team_update": _team_b,
    "imports:job": _import_job_b,
    "imports:confirm": _import_job_b,
    "imports:retry": _import_job_b,
}
# URL name -> its arguments other than `pk`.
URL_KWARGS: dict[str, dict] = {
    "imports:start": {"kind": "incidents"},
    "imports:template": {"kind": "incidents"},
    "export": {"kind": "incident", "fmt": "csv"},
}


def _load_app_declarations() -> None:
    """Merge the `tests/scope_walk.py` declarations of the project's other apps."""
    for module in discovery.app_modules("tests.scope_walk"):
        OBJECT_OF_COMMUNE_B.update(getattr(module, "OBJECT_OF_COMMUNE_B", {}))
        URL_KWARGS.update(getattr(module, "URL_KWARGS", {}))


_load_app_declarations()


def url_for(name, kwargs, commune_b) -> str:
    """The URL `name` with every argument filled; `pk` points to an object of commune B.

    An undeclared URL (test_every_pk_url_has_a_commune_b_object fails for it) gets a pk of no
    object and "x" for its other arguments: enough for the anonymous check, which runs first.
    """
    values = {key: "x" for key in kwargs} | URL_KWARGS.get(name, {})
    if "pk" in kwargs:
        values["pk"] = OBJECT_OF_COMMUNE_B[name](commune_b).pk if name in OBJECT_OF_COMMUNE_B else 999_999_999
    return reverse(name, kwargs=values or None)


def declared_pk_urls():
    """(name, keyword names) of the URLs with a `pk` whose commune-B object is declared."""
    return [(name, kwargs) for name, _, kwargs in all_urls() if "pk" in kwargs and name in OBJECT_OF_COMMUNE_B]


def walk(patterns=None, prefix="", namespace=""):
    """(full name, route, keyword names) of every named URL pattern, includes followed."""
    if patterns is None:
        patterns = get_resolver().url_patterns
    for entry in patterns:
        route = prefix + str(entry.pattern)
        if route.startswith(SKIPPED_PREFIXES):
            continue
        if isinstance(entry, URLResolver):
            inner = f"{namespace}{entry.namespace}:" if entry.namespace else namespace
            yield from walk(entry.url_patterns, route, inner)
        elif isinstance(entry, URLPattern):
            assert entry.name, f"URL {route!r} has no name: every page must be reversible"
            yield namespace + entry.name, route, set(entry.pattern.regex.groupindex)


def all_urls():
    return list(walk())


def test_the_walk_finds_the_pages():
    names = {name for name, _, _ in all_urls()}
    assert {"home", "login", "communes:team_list", "communes:team_detail", "communes:unit_detail"} <= names
    assert not any(name.startswith("admin:") or name == "set_language" for name in names)


def test_every_pk_url_has_a_commune_b_object():
    for name, route, kwargs in all_urls():
        app = name.split(":")[0] if ":" in name else "basecurity"
        others = kwargs - {"pk"}
        assert others <= set(URL_KWARGS.get(name, {})), (
            f"add {name} ({route}): {others} to URL_KWARGS in {app}/tests/scope_walk.py"
        )
        if "pk" in kwargs:
            assert name in OBJECT_OF_COMMUNE_B, (
                f"add {name} ({route}) to OBJECT_OF_COMMUNE_B in {app}/tests/scope_walk.py"
            )


def test_officer_of_commune_a_gets_404_on_every_object_of_commune_b(roles, client_for, commune_b):
    client = client_for(roles.officer_a)
    urls = declared_pk_urls()
    assert len(urls) >= 5
    for name, kwargs in urls:
        url = url_for(name, kwargs, commune_b)
        assert client.get(url).status_code in (404, 405), f"GET {url} ({name})"
        assert client.post(url, {"name": "x"}).status_code == 404, f"POST {url} ({name})"
    # Nothing of commune B was changed by the refused POSTs.
    assert not SteeringCommittee.objects.filter(name="x").exists()


def test_officer_of_commune_b_reaches_the_same_objects(roles, client_for, commune_b):
    """The control: the 404s above come from the scope, not from broken URLs."""
    client = client_for(roles.officer_b)
    for name, kwargs in declared_pk_urls():
        url = url_for(name, kwargs, commune_b)
        assert client.get(url).status_code in (200, 405), f"GET {url} ({name})"


def test_anonymous_user_is_sent_to_login_from_every_private_page(client, units, commune_b):
    login_path = resolve_url(settings.LOGIN_URL)
    for name, _route, kwargs in all_urls():
        if name in PUBLIC:
            continue
        url = url_for(name, kwargs, commune_b)
        response = client.get(url)
        if response.status_code == 405:
            response = client.post(url)
        assert response.status_code == 302, f"{name}: {response.status_code}"
        assert urlsplit(response["Location"]).path == login_path, f"{name} -> {response['Location']}"


def test_public_pages_answer_anonymous_users(client, db):
    assert client.get(reverse("login")).status_code == 200
    assert client.get(reverse("healthz")).content == b"ok"


def test_commune_committee_reads_its_commune_but_cannot_write(roles, client_for, commune_a, commune_b):
    team_a = make_team(village_of(commune_a), name="Tổ tự quản Đồng Thầm")
    team_b = make_team(village_of(commune_b), name="Tổ tự quản khu 1")
    committee_a = SteeringCommittee.objects.get(unit=commune_a)
    client = client_for(roles.committee_a)

    teams = client.get(reverse("communes:team_list"))
    assert teams.status_code == 200
    assert team_a.name in teams.text and team_b.name not in teams.text
    committees = client.get(reverse("communes:committee_list"))
    assert committee_a.name in committees.text
    assert "Thị trấn Ba Chẽ" not in committees.text
    assert client.get(team_a.get_absolute_url()).status_code == 200
    assert client.get(committee_a.get_absolute_url()).status_code == 200
    assert client.get(team_b.get_absolute_url()).status_code == 404

    for url in [
        reverse("communes:team_create"),
        reverse("communes:committee_create"),
        reverse("communes:team_update", args=[team_a.pk]),
        reverse("communes:committee_update", args=[committee_a.pk]),
    ]:
        assert client.get(url).status_code == 404, url
        assert client.post(url, {"name": "changed"}).status_code == 404, url
    team_a.refresh_from_db()
    assert team_a.name == "Tổ tự quản Đồng Thầm"
    # No "New team" or "Edit" button is offered either.
    assert reverse("communes:team_create") not in teams.text


def test_district_police_reads_the_teams_of_both_communes(roles, client_for, commune_a, commune_b):
    team_a = make_team(village_of(commune_a), name="Tổ tự quản Đồng Thầm")
    team_b = make_team(village_of(commune_b), name="Tổ tự quản khu 1")
    client = client_for(roles.district_police)
    page = client.get(reverse("communes:team_list"))
    assert team_a.name in page.text and team_b.name in page.text
    for team in (team_a, team_b):
        assert client.get(team.get_absolute_url()).status_code == 200
        assert client.get(reverse("communes:team_update", args=[team.pk])).status_code == 404


@pytest.mark.parametrize("who", ["outsider", "officer_b"])
def test_others_do_not_see_commune_a_teams(roles, client_for, commune_a, who):
    team_a = make_team(village_of(commune_a), name="Tổ tự quản Đồng Thầm")
    client = client_for(getattr(roles, who))
    assert client.get(team_a.get_absolute_url()).status_code == 404
    listing = client.get(reverse("communes:team_list"))
    assert team_a.name not in listing.text
