"""Dashboard pages: the overview of a scope, a commune's page, recomputation, exports.

Every page goes through communes/permissions.py: Capability.DASHBOARD at the unit, otherwise 404.
Pages show counts per unit only, never a person's or an officer's name.
"""

import functools
from datetime import date

from django.contrib.auth.decorators import login_required
from django.db import transaction
from django.http import Http404, HttpResponse, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.template import Engine
from django.urls import reverse
from django.utils import formats, timezone
from django.utils.html import escape
from django.utils.http import urlencode
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from basecurity.lib import periods
from communes import lineage
from communes.models import Level
from communes.permissions import Capability, can, can_recompute_targets, require, units_with

from . import engine, reports, sections, selectors, tasks
from .forms import PeriodForm
from .models import ComputationRun


def _unit_or_404(user, pk):
    """A province, district or commune in the user's dashboard scope (villages have no dashboard)."""
    return get_object_or_404(units_with(user, Capability.DASHBOARD).exclude(level=Level.VILLAGE), pk=pk)


def dashboard_url(unit) -> str:
    """A commune's page, or the overview of a unit with communes below it."""
    name = "dashboards:unit_detail" if unit.level == Level.COMMUNE else "dashboards:unit_overview"
    return reverse(name, args=[unit.pk])


def _period(request, unit=None):
    form = PeriodForm(request.GET)
    year, as_of = form.period()
    if unit is not None and unit.valid_until and not request.GET.get("year"):
        # A unit that ended (a district of before 1/7/2025) opens on its last year, as it stood then.
        last_year = periods.period_of(unit.valid_until).year
        if year > last_year:
            year, as_of = last_year, as_of or unit.valid_until
    return form, year, as_of


def _within_life(unit, year: int, as_of):
    """(year, as_of) moved inside the unit's life when the chosen day falls outside it."""
    day = engine.window(year, as_of).as_of
    if unit.valid_until is not None and day > unit.valid_until:
        return periods.period_of(unit.valid_until).year, unit.valid_until
    if unit.valid_from is not None and day < unit.valid_from:
        first_year = periods.period_of(unit.valid_from).year
        return first_year, max(unit.valid_from, min(timezone.localdate(), periods.reporting_year(first_year).end))
    return year, as_of


def _data_or_error(form, root, year, as_of, **options):
    try:
        return selectors.overview_data(root, year, as_of, **options)
    except engine.EngineError as error:  # an as-of date the form could not catch
        form.add_error(None, str(error))
        try:
            year, as_of = _within_life(root, year, as_of)
        except engine.EngineError:
            year, as_of = periods.period_of(timezone.localdate()).year, None
        # The unit did not exist on that day: it shows on the nearest day of its life.
        return selectors.overview_data(root, year, as_of, **options)


def _query(year, as_of) -> str:
    return urlencode({"year": year, **({"as_of": as_of.isoformat()} if as_of else {})})


def _run_context(request, unit):
    run = selectors.latest_run(unit)
    return {
        "run": run,
        "run_active": run is not None and run.is_active,  # an overdue run counts as failed
        "can_recompute": can_recompute_targets(request.user, unit),
        "recompute_unit": unit,
    }


@login_required
def index(request):
    """/dashboards/: the user's own scope (several scopes: a list to choose from)."""
    require(request.user, Capability.DASHBOARD)
    roots = selectors.dashboard_roots(request.user)
    if len(roots) == 1:
        target = dashboard_url(roots[0])
        return redirect(f"{target}?{request.GET.urlencode()}" if request.GET else target)
    return render(request, "dashboards/index.html", {"roots": [(unit, dashboard_url(unit)) for unit in roots]})


@login_required
def unit_overview(request, pk):
    """One row per unit of the scope (the root first), one column per target.

    Above district level, the root and its districts only (each links to its own overview with its
    communes); `?communes=all` lists every unit of the scope, as the printable report does.
    """
    root = _unit_or_404(request.user, pk)
    form, year, as_of = _period(request, root)
    summarised = selectors.lists_children_only(root)
    all_units = summarised and request.GET.get("communes") == "all"
    data = _data_or_error(form, root, year, as_of, children_only=summarised and not all_units)
    context = reports.report_context(root, data)
    # Each cell's HTML is built once here: 8 template variables per cell were two thirds of the
    # request (41 rows × 8 cells on a district's overview; docs/benchmarks.md).
    titles = {
        "current": _("This period"),
        "previous": _("Same period last year"),
        "projection": _("Year-end projection (cases)"),
    }
    status_labels = {}  # each status word translated once per request, not once per cell
    mark, mark_help = selectors.NOT_SIGNIFICANT_MARK, str(context.get("mark_help", ""))
    for row in context.get("rows", ()):
        for cell in row["cells"]:
            if cell["status"] not in status_labels:
                status_labels[cell["status"]] = str(cell["label"])
            cell["label"] = status_labels[cell["status"]]
            cell["html"] = overview_cell_html(cell, titles, mark, mark_help)
    query = _query(year, as_of)
    overview = reverse("dashboards:unit_overview", args=[root.pk])
    # The switch between the two listings, when the root has districts to open.
    has_districts = summarised and any(unit.level == Level.DISTRICT for unit in data.units)
    context.update(
        {
            "form": form,
            "query": query,
            "all_units": all_units,
            "listing_url": (f"{overview}?{query}" if all_units else f"{overview}?{query}&communes=all")
            if has_districts
            else None,
            "mark_help": mark_help,
            "export_url": f"{reverse('dashboards:export_xlsx', args=[root.pk])}?{query}",
            "report_url": f"{reverse('dashboards:report', args=[root.pk])}?{query}",
            "sections": sections.overview_sections(request, root, year),
            **_run_context(request, root),
        }
    )
    return render(request, "dashboards/overview.html", context)


@functools.cache
def _cell_markup(part: str) -> str:
    """The markup of one part of an overview cell, templates/dashboards/overview_cell/<part>.html.

    These are str.format patterns filled with escaped values, not Django templates:
    a district's overview has 41 rows × 8 cells, and a Django template rendered per cell costs about
    five times as much as this (docs/benchmarks.md, "Overview page latency").
    """
    return Engine.get_default().get_template(f"dashboards/overview_cell/{part}.html").source.rstrip("\n")


def overview_cell_html(cell: dict, titles: dict, mark: str, mark_help: str) -> SafeString:
    """One cell of the overview table: this period / the same period last year, the change, the result."""
    not_significant = projection = ""
    if not cell["significant"]:
        not_significant = _cell_markup("not_significant").format(help=escape(mark_help), mark=escape(mark))
    if forecast := cell.get("projection"):
        projection = _cell_markup("projection").format(
            title=escape(titles["projection"]),
            projected=escape(forecast["projected"]),
            colour="text-success" if forecast["on_track"] else "text-danger",
            label=escape(forecast["label"]),
        )
    html = _cell_markup("cell").format(
        status=escape(cell["status"]),
        code=escape(cell["code"]),
        current_title=escape(titles["current"]),
        current=escape(cell["current"]),
        previous_title=escape(titles["previous"]),
        previous=escape(cell["previous"]),
        change=escape(cell["change"]),
        badge=escape(cell["badge"]),
        label=escape(cell["label"]),
        not_significant=not_significant,
        projection=projection,
    )
    return mark_safe(html)  # the markup is ours, every value in it escaped


@login_required
def unit_detail(request, pk):
    """A unit's own page: trends, the traffic criteria, tips, foreigners, reintegration, narrative."""
    unit = _unit_or_404(request.user, pk)
    form, year, as_of = _period(request, unit)
    data = _data_or_error(form, unit, year, as_of, projection=False)
    entry = data.entries[0]
    targets = entry["targets"]
    foreigners = targets["foreigners_declared"]
    context = {
        "unit": unit,
        "form": form,
        "data": data,
        "entry": entry,
        "cells": {
            cell["code"]: cell for cell in selectors.cells(entry, data.thresholds.get(unit.code, {}), data.window)
        },
        "traffic": targets["traffic_reduction"],
        "traffic_rows": [
            (label, targets["traffic_reduction"]["current"][key], targets["traffic_reduction"]["previous"][key])
            for key, label in (("cases", _("Cases")), ("deaths", _("Deaths")), ("injuries", _("Injuries")))
        ],
        "tips": selectors.tip_attention_counts(unit, data.window.as_of),
        "foreigners_late": foreigners["denominator"] - foreigners["numerator"],
        "foreigners": foreigners,
        "employment": targets["reintegration_employment"],
        "reoffending": targets["reoffending"],
        "narrative": selectors.narrative(entry, year, get_language() or "vi"),
        "incomplete": selectors.incomplete_note(data, unit, get_language() or "vi"),
        "map_history": lineage.history_lines(unit),
        "trend": selectors.monthly_trend(unit, year, data.window.as_of),
        # The criteria assessment and other sections of apps built on dashboards (dashboards/sections.py).
        "sections": sections.unit_sections(request, unit, year),
        "mark": selectors.NOT_SIGNIFICANT_MARK,
        "mark_help": selectors.NOT_SIGNIFICANT_HELP,
        "period_line": reports.period_line(data),
        "overview_url": dashboard_url(unit.parent)
        if unit.parent_id and can(request.user, Capability.DASHBOARD, unit.parent)
        else None,
        "query": _query(year, as_of),
        **_run_context(request, unit),
    }
    return render(request, "dashboards/unit_detail.html", context)


def _document(request, pk):
    """The unit asked for, the period of the query and the targets' report of the unit for it."""
    root = _unit_or_404(request.user, pk)
    form, year, as_of = _period(request, root)
    data = _data_or_error(form, root, year, as_of)
    return root, year, as_of, data, reports.document_context(root, data)


@login_required
def report(request, pk):
    """The printable report (official layout; print it from the browser)."""
    root, year, as_of, _data, context = _document(request, pk)
    context["back_url"] = f"{dashboard_url(root)}?{_query(year, as_of)}"
    return render(request, "dashboards/report.html", context)


@login_required
def export_xlsx(request, pk):
    root, year, _as_of, data, context = _document(request, pk)
    content = reports.overview_xlsx(context)
    response = HttpResponse(content, content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")
    response["Content-Disposition"] = (
        f'attachment; filename="chi-tieu-{root.code}-{year}-{data.window.as_of:%Y%m%d}.xlsx"'
    )
    return response


@login_required
@require_POST
def recompute(request, pk):
    """Queue a recomputation of the unit's scope for the chosen year and as-of date."""
    unit = _unit_or_404(request.user, pk)
    if not can_recompute_targets(request.user, unit):
        raise Http404
    year, as_of = PeriodForm(request.POST).period()
    try:
        win = engine.window(year, as_of)
    except engine.EngineError:
        win = engine.window(year, None)
    run = ComputationRun.objects.create(
        year=year, as_of=win.as_of, scope=unit, requested_by=request.user, state=ComputationRun.State.QUEUED
    )
    # After commit, so that a worker finds the run; a publication error (broker down) fails the
    # run at once (the button works again) instead of turning the click into an error page.
    transaction.on_commit(lambda: tasks.enqueue_run(run))
    query = _query(year, as_of)
    return redirect(f"{dashboard_url(unit)}?{query}")


@login_required
def run_status(request, pk):
    """A recomputation's progress as JSON, polled by static/js/dashboards.js."""
    run = get_object_or_404(ComputationRun.objects.select_related("scope"), pk=pk)
    if run.scope is None:
        if not request.user.is_superuser:
            raise Http404
    elif not can(request.user, Capability.DASHBOARD, run.scope):
        raise Http404

    def when(value):
        return formats.date_format(value, "SHORT_DATETIME_FORMAT") if value else None

    state = run.shown_state  # a run past its time limit is failed, whatever its row says
    failed = state == ComputationRun.State.FAILED
    return JsonResponse(
        {
            "id": run.pk,
            "state": state,
            "state_label": str(run.get_shown_state_display()),
            "done": state in (ComputationRun.State.FINISHED, ComputationRun.State.FAILED),
            "failed": failed,
            "year": run.year,
            "as_of": run.as_of.isoformat() if isinstance(run.as_of, date) else None,
            "queued_at": when(run.queued_at),
            "started_at": when(run.started_at),
            "finished_at": when(run.finished_at),
            "rows_changed": run.rows_changed,
            "message": _("The recomputation failed; the figures shown are the previous ones.") if failed else "",
        }
    )
