"""Pages of the reports app: list, create, edit, detail with workflow buttons, .docx, print, district pages.

Reading a report needs RECORD_COUNTS on its unit; writing and submitting RECORDS_WRITE; approving and
returning REPORTS_APPROVE (district level). Anything outside the user's scope answers 404.
"""

from urllib.parse import urlencode

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from basecurity.lib import periods
from basecurity.lib.collation import vi
from communes.models import LockException
from communes.permissions import Capability, can, get_scoped_or_404, require, scope, units_with

from . import documents, services
from .forms import SUPERIOR_LEVELS, LockExceptionForm, PeriodChoiceForm, ReportCreateForm, ReportForm, ReturnForm
from .models import Report, ReportState
from .querysets import district_report, timeliness

PAGE_SIZE = 25


def _error_text(error: ValidationError) -> str:
    return " ".join(error.messages)


@login_required
def report_list(request):
    require(request.user, Capability.RECORD_COUNTS)
    reports = (
        scope(Report.objects.all(), request.user, Capability.RECORD_COUNTS)
        .select_related("unit")
        .order_by("-end", vi("unit__name"))
    )
    state = request.GET.get("state")
    if state in ReportState.values:
        reports = reports.filter(state=state)
    page = Paginator(reports, PAGE_SIZE).get_page(request.GET.get("page"))
    return render(
        request,
        "reports/report_list.html",
        {
            "page": page,
            "states": ReportState.choices,
            "state": state,
            "can_create": units_with(request.user, Capability.RECORDS_WRITE).filter(level="commune").exists(),
            "can_approve": can_approve_anywhere(request.user),
        },
    )


def can_approve_anywhere(user) -> bool:
    return units_with(user, Capability.REPORTS_APPROVE).filter(level__in=SUPERIOR_LEVELS).exists()


@login_required
def report_create(request):
    require(request.user, Capability.RECORDS_WRITE)
    units = units_with(request.user, Capability.RECORDS_WRITE)
    # The reporting month under way (15/11-14/12 is month 12; from 15/12 the next reporting year).
    current = periods.period_of(timezone.localdate(), periods.Kind.MONTH)
    form = ReportCreateForm(request.POST or None, units=units, initial={"year": current.year, "number": current.number})
    if request.method == "POST" and form.is_valid():
        try:
            report = services.report_create(user=request.user, **form.cleaned_data)
        except ValidationError as error:
            form.add_error(None, _error_text(error))
        else:
            messages.success(
                request, _("The report was created with the figures of the records. Complete its sections.")
            )
            return redirect("reports:report_update", pk=report.pk)
    return render(request, "reports/report_create.html", {"form": form})


@login_required
def report_detail(request, pk):
    report = get_scoped_or_404(
        Report.objects.select_related("unit", "decided_by"), request.user, Capability.RECORD_COUNTS, pk=pk
    )
    return render(
        request,
        "reports/report_detail.html",
        {
            "report": report,
            "events": report.events.select_related("user"),
            "rows": documents.figure_rows(report),
            "can_write": report.is_editable and can(request.user, Capability.RECORDS_WRITE, report.unit),
            "can_decide": report.state == ReportState.SUBMITTED and services.can_approve(request.user, report.unit),
            "early_approval": _early_approval_warning(report),
            "return_form": ReturnForm(),
        },
    )


@login_required
def report_update(request, pk):
    report = get_scoped_or_404(Report.objects.select_related("unit"), request.user, Capability.RECORDS_WRITE, pk=pk)
    if not report.is_editable:
        messages.error(
            request,
            _("This report is %(state)s: it can no longer be changed.") % {"state": report.get_state_display().lower()},
        )
        return redirect(report)
    form = ReportForm(request.POST or None, instance=report)
    if request.method == "POST" and form.is_valid():
        data = {name: form.cleaned_data[name] for name in ReportForm.Meta.fields}
        try:
            services.report_update(report=report, user=request.user, version=form.cleaned_data["version"], **data)
        except ValidationError as error:
            # The form keeps the user's text (it is bound to the POST): nothing typed is lost.
            form.add_error(None, _error_text(error))
        else:
            messages.success(request, _("The report was saved."))
            if "submit" in request.POST:
                return _submit(request, report)
            return redirect(report)
    return render(request, "reports/report_form.html", {"form": form, "report": report})


def _submit(request, report):
    try:
        services.report_submit(report=report, user=request.user)
    except ValidationError as error:
        messages.error(request, _error_text(error))
    else:
        messages.success(request, _("The report was submitted to the superior level."))
    return redirect("reports:report_detail", pk=report.pk)


@login_required
@require_POST
def report_submit(request, pk):
    report = get_scoped_or_404(Report.objects.all(), request.user, Capability.RECORDS_WRITE, pk=pk)
    return _submit(request, report)


@login_required
@require_POST
def report_refresh(request, pk):
    """Recompute the pre-filled figures of a draft or returned report from the records."""
    report = get_scoped_or_404(Report.objects.all(), request.user, Capability.RECORDS_WRITE, pk=pk)
    try:
        services.report_refresh_figures(report=report, user=request.user)
    except ValidationError as error:
        messages.error(request, _error_text(error))
    else:
        messages.success(request, _("The figures were computed again from the records."))
    return redirect(report)


def _early_approval_warning(report: Report) -> str:
    """What approving a report of a period not yet ended locks, in words; "" once the period has ended."""
    if report.end < timezone.localdate():
        return ""
    return _(
        "The period runs until %(end)s: approving now also locks the days still to come, and records of "
        "those days can then be entered only with an exception granted by the superior level."
    ) % {"end": date_format(report.end, "SHORT_DATE_FORMAT")}


@login_required
@require_POST
def report_approve(request, pk):
    report = get_scoped_or_404(Report.objects.all(), request.user, Capability.REPORTS_APPROVE, pk=pk)
    warning = _early_approval_warning(report)
    if warning and request.POST.get("confirm_early") != "1":
        messages.error(request, warning + " " + _("Tick the box to confirm, or approve after the period ends."))
        return redirect(report)
    try:
        services.report_approve(report=report, user=request.user)
    except ValidationError as error:
        messages.error(request, _error_text(error))
    else:
        messages.success(request, _("The report was approved; the records of its period are now locked."))
    return redirect(report)


@login_required
@require_POST
def report_return(request, pk):
    report = get_scoped_or_404(Report.objects.all(), request.user, Capability.REPORTS_APPROVE, pk=pk)
    form = ReturnForm(request.POST)
    if form.is_valid():
        try:
            services.report_return(report=report, user=request.user, comment=form.cleaned_data["comment"])
        except ValidationError as error:
            messages.error(request, _error_text(error))
        else:
            messages.success(request, _("The report was returned to the commune."))
    else:
        messages.error(request, _("Say what the commune must fix before it submits again."))
    return redirect(report)


@login_required
def report_docx(request, pk):
    report = get_scoped_or_404(
        Report.objects.select_related("unit", "unit__parent"), request.user, Capability.RECORD_COUNTS, pk=pk
    )
    response = HttpResponse(
        documents.build_docx(report),
        content_type="application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    )
    filename = f"bao-cao-{report.unit.code}-{report.period_kind}-{report.year}-{report.number}.docx"
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


@login_required
def report_print(request, pk):
    report = get_scoped_or_404(
        Report.objects.select_related("unit", "unit__parent"), request.user, Capability.RECORD_COUNTS, pk=pk
    )
    superior, own = documents.issuing_body(report)
    first, second = documents.title_lines(report)
    return render(
        request,
        "reports/report_print.html",
        {
            "report": report,
            "superior": superior,
            "own": own,
            "number_line": documents.number_line(report),
            "place_date": documents.place_date_line(report),
            "title_1": first,
            "title_2": second,
            "motto": documents.MOTTO,
            "motto_2": documents.MOTTO_LINE_2,
            "rows": documents.figure_rows(report),
            "sections": [(heading, getattr(report, field)) for field, heading in documents.SECTIONS],
            "recipients": [line for line in report.recipients.splitlines() if line.strip()],
            "signer_title": documents.signer_title(report),
            "signer": documents.signer_line(report),
        },
    )


def _period_form(request):
    units = units_with(request.user, Capability.REPORTS_APPROVE)
    initial = {"year": timezone.localdate().year}
    if not request.GET:  # the initial district only matters to an empty form
        # The superior unit in force today first (the province since 1/7/2025), else the latest one.
        first = units.filter(level__in=SUPERIOR_LEVELS).valid_on(timezone.localdate()).order_by("path").first()
        first = first or units.filter(level__in=SUPERIOR_LEVELS).order_by("-valid_until").first()
        if first:
            initial["district"] = first.pk
    return PeriodChoiceForm(request.GET or None, units=units, initial=initial)


@login_required
def timeliness_table(request):
    require(request.user, Capability.REPORTS_APPROVE)
    form = _period_form(request)
    rows = None
    if form.is_bound and form.is_valid():
        data = form.cleaned_data
        rows = timeliness(data["district"], data["period_kind"], data["year"], data["number"])
    return render(request, "reports/timeliness.html", {"form": form, "rows": rows})


def _period_query(data: dict) -> str:
    """The query string of a chosen district and period (the .docx link of the district report)."""
    return urlencode({"district": data["district"].pk} | {key: data[key] for key in ("period_kind", "year", "number")})


@login_required
def district_report_view(request):
    require(request.user, Capability.REPORTS_APPROVE)
    form = _period_form(request)
    result = None
    if form.is_bound and form.is_valid():
        data = form.cleaned_data
        result = district_report(data["district"], data["period_kind"], data["year"], data["number"])
        result["rows"] = [
            (documents.COUNT_LABELS[key], result["counts"][key], result["previous_counts"][key])
            for key in result["counts"]
        ]
        result["docx_query"] = _period_query(data)
    return render(request, "reports/district_report.html", {"form": form, "result": result})


@login_required
def district_report_docx(request):
    """The district report as a .docx; a district outside the user's scope (or a bad period) is 404."""
    require(request.user, Capability.REPORTS_APPROVE)
    form = _period_form(request)
    if not (form.is_bound and form.is_valid()):
        raise Http404
    data = form.cleaned_data
    district, kind, year, number = data["district"], data["period_kind"], data["year"], data["number"]
    result = district_report(district, kind, year, number)
    response = HttpResponse(
        documents.build_district_docx(district, kind, year, number, result),
        content_type="application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    )
    filename = f"bao-cao-{district.code}-{kind}-{year}-{number}.docx"
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


# --- Lock exceptions ----------------------------------------------------------------------------------


@login_required
def lock_exceptions(request):
    """The superior level's exceptions to the locks of its communes: grant one, see them all, revoke one."""
    require(request.user, Capability.REPORTS_APPROVE)
    units = units_with(request.user, Capability.REPORTS_APPROVE)
    form = LockExceptionForm(request.POST or None, units=units)
    if request.method == "POST" and form.is_valid():
        try:
            services.lock_exception_grant(user=request.user, **form.cleaned_data)
        except ValidationError as error:
            form.add_error(None, _error_text(error))
        else:
            messages.success(request, _("The exception was granted: the commune can correct its records now."))
            return redirect("reports:lock_exceptions")
    exceptions = (
        scope(LockException.objects.all(), request.user, Capability.REPORTS_APPROVE)
        .select_related("unit", "granted_by")
        .order_by("-valid_until", "-pk")
    )
    page = Paginator(exceptions, PAGE_SIZE).get_page(request.GET.get("page"))
    return render(request, "reports/lock_exceptions.html", {"form": form, "page": page, "now": timezone.now()})


@login_required
@require_POST
def lock_exception_revoke(request, pk):
    exception = get_scoped_or_404(LockException.objects.all(), request.user, Capability.REPORTS_APPROVE, pk=pk)
    services.lock_exception_revoke(user=request.user, exception=exception)
    messages.success(request, _("The exception was closed."))
    return redirect("reports:lock_exceptions")
