"""The paginator of every list page: a count that stops at a cap, pages up to the cap.

An exact COUNT(*) of a district's or province's records reads every row in scope (a million
incidents in a province), and an OFFSET deep into the list reads every row before it; both grow
with the data, not with the page. So a list counts at most `COUNT_CAP` rows (`SELECT COUNT(*) FROM
(SELECT ... LIMIT cap + 1)`), says "more than 5,000" beyond, and offers the pages of the first
`COUNT_CAP` rows only: a page number beyond them shows the last of those pages and the list says
to narrow the filters (a period, a commune) to reach older rows. docs/benchmarks.md, "Lists that
scale".

A page after the first is read in two steps: the ids of its rows (the list's order and filters,
no joins for the columns shown), then those rows with their related objects. Otherwise the
database joins every row it skips (2,500 for page 100) to the units, villages and users before
dropping them (16 ms for page 100 of a district's incidents, under 2 ms in two steps).

Views call `paginate(request, queryset, per_page)`; templates include "pagination.html" and read
`page.paginator.capped` / `page.paginator.cap` to word the count.
"""

from typing import TYPE_CHECKING, Any

from django.core.paginator import Page, Paginator
from django.db import models
from django.db.models import QuerySet
from django.http import HttpRequest
from django.utils.functional import cached_property

COUNT_CAP = 5000

if TYPE_CHECKING:
    _Paginator = Paginator[Any]  # generic for the type checker only: Django's class takes no subscript
else:
    _Paginator = Paginator


class CappedPaginator(_Paginator):
    """A Paginator whose `count` stops at `cap` (`capped` says whether there are more rows)."""

    def __init__(self, object_list: Any, per_page: int, *, cap: int | None = None, **kwargs: Any) -> None:
        super().__init__(object_list, per_page, **kwargs)
        self.cap = COUNT_CAP if cap is None else cap

    @cached_property
    def _counted(self) -> int:
        """The rows, counted up to cap + 1 (one query; a list is measured in memory)."""
        if isinstance(self.object_list, QuerySet):
            return self.object_list.order_by().values("pk")[: self.cap + 1].count()
        return min(len(self.object_list), self.cap + 1)

    @cached_property
    def count(self) -> int:
        return min(self._counted, self.cap)

    @property
    def capped(self) -> bool:
        """More rows than `cap`: only the first `cap` are paged."""
        return self._counted > self.cap

    def page(self, number: Any) -> Page[Any]:
        number = self.validate_number(number)
        rows = self.object_list
        if number == 1 or not isinstance(rows, QuerySet):
            return super().page(number)
        bottom = (number - 1) * self.per_page
        top = min(bottom + self.per_page, self.count)
        ids = list(rows.values_list("pk", flat=True)[bottom:top])
        return Page(rows.filter(pk__in=ids), number, self)


def paginate(request: HttpRequest, queryset: Any, per_page: int, *, cap: int | None = None) -> Page[Any]:
    """The page asked for in `?page=` (the first when missing or not a number, the last one within
    the cap when beyond it)."""
    return CappedPaginator(queryset, per_page, cap=cap).get_page(request.GET.get("page"))


def list_indexes(prefix: str, date_field: str, include: tuple[str, ...] = ()) -> list[models.Index]:
    """The two indexes that serve a record list's sort, newest first (`-date_field`, `-id`), in Meta:

    - (unit, date, id): the list of one commune walks its unit's entries in order;
    - (date, id) carrying the unit: the list of a district or province (`unit_id IN (its
      communes)`, communes/permissions.scope) walks the newest records and keeps those in scope
      until the page is full, from the index alone (no visit of the table for each row it skips:
      page 100 of a district read 12,000 rows of the table, 16 ms, docs/benchmarks.md).
    `include`: columns the list's common filters read (an incident's category for the group), so
    that counting a filtered list stays in the index too. The first also serves the figures'
    `unit = … AND date BETWEEN …` (it replaces the (unit, date) indexes they had). The included
    columns are PostgreSQL's (other databases build the indexes without them)."""
    return [
        models.Index(fields=["unit", f"-{date_field}", "-id"], name=f"{prefix}_unit_newest", include=list(include)),
        models.Index(fields=[f"-{date_field}", "-id"], name=f"{prefix}_newest", include=["unit", *include]),
    ]
