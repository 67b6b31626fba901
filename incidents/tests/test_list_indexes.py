"""Lists that scale (docs/benchmarks.md): each record list's sort, newest first, is served by an
index, within one commune and across a district's communes, and the scope is a list of unit ids
(no join on the unit paths) so that PostgreSQL can walk that index and stop at the page."""

import re
from typing import Any, cast

import pytest
from django.db import connection
from django.http import QueryDict

from communes.models import AdministrativeUnit
from communes.permissions import Capability, scope
from communes.record_kinds import filtered
from incidents.records import KINDS

from . import factories as f

pytestmark = pytest.mark.django_db


def list_order(kind) -> list[str]:
    """The fields the list sorts on (record_kinds.filtered, as the list page), e.g. ["-occurred_on", "-id"]."""
    return [str(name) for name in filtered(kind, cast(Any, _Superuser()), QueryDict())[1].query.order_by]


class _Superuser:
    is_authenticated = is_superuser = True


@pytest.mark.parametrize("kind", list(KINDS))
def test_every_list_sort_has_an_index_within_a_commune_and_across_communes(kind):
    model = KINDS[kind].model
    indexed = [list(index.fields) for index in model._meta.indexes]
    order = list_order(KINDS[kind])
    assert ["unit", *order] in indexed
    assert order in indexed


def test_the_scope_is_a_list_of_unit_ids_without_a_join_on_the_paths(roles):
    sql = str(scope(KINDS["incident"].model.objects.all(), roles.district_police, Capability.RECORDS_READ).query)
    assert '"unit_id" IN (' in sql
    assert "communes_administrativeunit" not in sql


def test_the_scope_lists_the_communes_only_as_the_kinds_declare(roles):
    """A record's unit is a commune (`levels` of its Placement, incidents/records.py): a district's
    scope names its communes, not itself nor its villages."""
    records = KINDS["incident"].model.objects.all()
    assert records.unit_levels == ("commune",)
    scoped = scope(records, roles.district_police, Capability.RECORDS_READ)
    [ids] = [child.rhs for child in scoped.query.where.children if child.lookup_name == "in"]
    levels = set(AdministrativeUnit.objects.filter(pk__in=ids).values_list("level", flat=True))
    assert ids and levels == {"commune"}
    # Without the declaration (a unit at any level), the district and its villages would be listed too.
    every_level = AdministrativeUnit.objects.reached_from([roles.district_police.assignments.get().unit])
    assert set(every_level.values_list("level", flat=True)) > {"commune"}


def _explain(queryset) -> str:
    """The plan of the list's first page, with sequential scans, bitmap scans and sorts disabled:
    an index that serves the sort is the only plan left, so the plan proves it can be used."""
    sql, params = queryset[:25].query.sql_with_params()
    with connection.cursor() as cursor:
        cursor.execute(f"ANALYZE {queryset.model._meta.db_table}")  # the row counts, as in production
        for setting in ("enable_seqscan", "enable_bitmapscan", "enable_sort"):
            cursor.execute(f"SET LOCAL {setting} = off")
        cursor.execute(f"EXPLAIN {sql}", params)
        return "\n".join(row[0] for row in cursor.fetchall())


@pytest.mark.skipif(connection.vendor != "postgresql", reason="the plans are PostgreSQL's")
@pytest.mark.parametrize("kind", ["incident", "tip", "accident", "stay", "patrol"])
def test_postgresql_serves_the_list_from_the_index(kind, roles, commune_a, commune_b):
    # A commune's rows are a small part of the table, as in a district (the planner weighs that).
    for commune, count in ((commune_a, 40), (commune_b, 1500)):
        records = [f.BUILDERS[kind](commune, f.recorder()) for _ in range(count)]
        for record in records:
            record.set_derived_fields()
        KINDS[kind].model.objects.bulk_create(records)
    prefix = {"door_check": "door_check"}.get(kind, kind)
    district = _explain(filtered(KINDS[kind], roles.district_police, {})[1])
    commune = _explain(filtered(KINDS[kind], roles.officer_a, {})[1])
    for plan in (district, commune):
        assert not re.search(r"\bSort\b", plan), plan
        assert re.search(rf"Index Scan using {prefix}_(unit_)?newest on", plan), plan
    assert f"{prefix}_unit_newest" in commune, commune  # one commune: its own stretch of the index
