"""Every write of the reports app: create (pre-filled), save with optimistic concurrency, submit, approve, return.

- Officers holding RECORDS_WRITE on the unit create, edit (draft or returned only) and submit.
- District-level users holding REPORTS_APPROVE on the unit (district police, district committee)
  approve or return a submitted report; approval writes the PeriodLock of the unit and period.
- Each step writes a ReportEvent (user, time, from/to state, comment). `submitted_at` is the latest
  submission (a resubmission after a return replaces it); earlier ones stay in the events.
- Bad transitions raise ValidationError with a message a commune officer can read; a user without
  the right raises PermissionDenied (views answer 404 before that, through scoping).
"""

from datetime import timedelta

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from basecurity.lib import history, official, periods
from communes.models import Level, LockException, PeriodLock
from communes.permissions import Capability, can
from dashboards.selectors import place_name

from .figures import period_figures
from .models import EDITABLE_STATES, Report, ReportEvent, ReportState

EDITABLE_FIELDS = (
    "results",
    "shortcomings",
    "next_tasks",
    "proposals",
    "document_number",
    "place",
    "report_date",
    "recipients",
    "signer_rank",
    "signer_name",
)


class StaleReport(ValidationError):
    """Someone else saved the report since the form was opened."""


def _when(value) -> str:
    return date_format(timezone.localtime(value), "SHORT_DATETIME_FORMAT")


def _event(report: Report, *, user, from_state: str, to_state: str, comment: str = "") -> ReportEvent:
    return ReportEvent.objects.create(
        report=report, user=user, from_state=from_state, to_state=to_state, comment=comment
    )


def _save(report: Report, user) -> Report:
    report.full_clean()
    report.updated_by = user
    history.attribute(report, user)
    report.save()
    return report


def can_approve(user, unit) -> bool:
    return can(user, Capability.REPORTS_APPROVE, unit)


@transaction.atomic
def report_create(*, user, unit, period_kind: str, year: int, number: int = 1) -> Report:
    """A draft report of `unit` for the period, pre-filled with the figures of the records."""
    if not can(user, Capability.RECORDS_WRITE, unit):
        raise PermissionDenied(_("You cannot write reports for %(unit)s.") % {"unit": unit.name})
    if unit.level != Level.COMMUNE:
        raise ValidationError({"unit": _("Reports are written by communes, wards and towns (commune level).")})
    try:
        period = periods.make_period(period_kind, year, number)
    except ValueError as error:
        raise ValidationError({"number": str(error)}) from error
    if Report.objects.filter(unit=unit, period_kind=period_kind, year=year, number=number).exists():
        raise ValidationError(
            _("%(unit)s already has a report for %(period)s: open it from the list.")
            % {"unit": unit.name, "period": period.label}
        )
    report = Report(
        unit=unit,
        period_kind=period_kind,
        year=year,
        number=number,
        created_by=user,
        figures=period_figures(unit, period),
        place=place_name(unit),
        report_date=min(timezone.localdate(), period.end),
        recipients="\n".join(official.police_recipients(unit)),
        signer_name=user.get_full_name(),
    )
    report.set_period()
    try:
        with transaction.atomic():
            _save(report, user)
    except IntegrityError as error:  # a concurrent creation of the same report
        raise ValidationError(_("This report was just created by someone else: open it from the list.")) from error
    _event(report, user=user, from_state="", to_state=ReportState.DRAFT)
    return report


@transaction.atomic
def report_refresh_figures(*, report: Report, user) -> Report:
    """Recompute the pre-filled figures of a draft or returned report from the records."""
    report = Report.objects.select_for_update().get(pk=report.pk)
    _require_editable(report, user)
    report.figures = period_figures(report.unit, report.period)
    report.version += 1
    return _save(report, user)


def _require_editable(report: Report, user) -> None:
    if not can(user, Capability.RECORDS_WRITE, report.unit):
        raise PermissionDenied(_("You cannot write reports for %(unit)s.") % {"unit": report.unit.name})
    if report.state not in EDITABLE_STATES:
        raise ValidationError(
            _("This report is %(state)s: it can no longer be changed.") % {"state": report.get_state_display().lower()}
        )


@transaction.atomic
def report_update(*, report: Report, user, version: int, **fields) -> Report:
    """Save the officer's text. `version` is the one the form was opened with: if someone saved the
    report since, StaleReport is raised and nothing is written (the caller shows the text again)."""
    unknown = set(fields) - set(EDITABLE_FIELDS)
    if unknown:
        raise TypeError(f"Unknown report fields: {', '.join(sorted(unknown))}")
    stored = Report.objects.select_for_update(of=("self",)).select_related("updated_by").get(pk=report.pk)
    _require_editable(stored, user)
    if stored.version != version:
        who = stored.updated_by.get_username() if stored.updated_by else _("someone")
        raise StaleReport(
            _(
                "Someone else (%(user)s) saved this report at %(time)s; your text is kept below, "
                "reload the report in another tab and merge your changes."
            )
            % {"user": who, "time": _when(stored.updated_at)},
            code="stale",
        )
    for name, value in fields.items():
        setattr(stored, name, value)
    stored.version += 1
    _save(stored, user)
    report.__dict__.update(stored.__dict__)
    return stored


@transaction.atomic
def report_submit(*, report: Report, user) -> Report:
    report = Report.objects.select_for_update().get(pk=report.pk)
    if not can(user, Capability.RECORDS_WRITE, report.unit):
        raise PermissionDenied(_("You cannot submit reports for %(unit)s.") % {"unit": report.unit.name})
    if report.state not in EDITABLE_STATES:
        raise ValidationError(
            _("This report was already submitted on %(time)s; it is %(state)s.")
            % {
                "time": _when(report.submitted_at) if report.submitted_at else "-",
                "state": report.get_state_display().lower(),
            },
            code="already_submitted",
        )
    before = report.state
    report.state = ReportState.SUBMITTED
    # A resubmission after a return replaces the time: timeliness judges what the district receives.
    report.submitted_at = timezone.now()
    report.version += 1
    _save(report, user)
    _event(report, user=user, from_state=before, to_state=ReportState.SUBMITTED)
    return report


def _decide(report: Report, user) -> Report:
    report = Report.objects.select_for_update(of=("self",)).select_related("unit").get(pk=report.pk)
    if not can_approve(user, report.unit):
        raise PermissionDenied(
            _("Only the superior level can approve or return the reports of %(unit)s.") % {"unit": report.unit.name}
        )
    if report.state != ReportState.SUBMITTED:
        raise ValidationError(
            _("Only a submitted report can be approved or returned; this one is %(state)s.")
            % {"state": report.get_state_display().lower()},
            code="not_submitted",
        )
    return report


@transaction.atomic
def report_approve(*, report: Report, user, comment: str = "") -> Report:
    """Approve: the report is final and the unit's records of the period are locked (PeriodLock)."""
    report = _decide(report, user)
    now = timezone.now()
    report.state = ReportState.APPROVED
    report.decided_at, report.decided_by = now, user
    report.version += 1
    _save(report, user)
    lock = PeriodLock(
        unit=report.unit,
        start=report.start,
        end=report.end,
        reason=_("Report for %(period)s approved") % {"period": report.period.label},
        locked_at=now,
        locked_by=user,
        source_report_id=report.pk,
    )
    lock.full_clean()
    history.attribute(lock, user)
    lock.save()
    _event(report, user=user, from_state=ReportState.SUBMITTED, to_state=ReportState.APPROVED, comment=comment)
    return report


@transaction.atomic
def report_return(*, report: Report, user, comment: str) -> Report:
    """Send the report back to the commune with a comment saying what to fix."""
    comment = (comment or "").strip()
    if not comment:
        raise ValidationError({"comment": _("Say what the commune must fix before it submits again.")})
    report = _decide(report, user)
    report.state = ReportState.RETURNED
    report.decided_at, report.decided_by = timezone.now(), user
    report.return_comment = comment
    report.version += 1
    _save(report, user)
    _event(report, user=user, from_state=ReportState.SUBMITTED, to_state=ReportState.RETURNED, comment=comment)
    return report


# --- Lock exceptions, granted and revoked by the superior level ---------------------------------------


@transaction.atomic
def lock_exception_grant(*, user, unit, start, end, hours: int, reason: str) -> LockException:
    """Allow records of `unit` dated `start`..`end` to be written for `hours` despite its locks."""
    if not can_approve(user, unit):
        raise PermissionDenied(_("Only the superior level can open a locked period of %(unit)s.") % {"unit": unit.name})
    exception = LockException(
        unit=unit,
        start=start,
        end=end,
        valid_until=timezone.now() + timedelta(hours=hours),
        reason=reason,
        granted_by=user,
    )
    exception.full_clean()
    history.attribute(exception, user)
    exception.save()
    return exception


@transaction.atomic
def lock_exception_revoke(*, user, exception: LockException) -> LockException:
    """End an exception now; it stays in the list and its history says who ended it."""
    exception = LockException.objects.select_for_update().select_related("unit").get(pk=exception.pk)
    if not can_approve(user, exception.unit):
        raise PermissionDenied(
            _("Only the superior level can close an exception of %(unit)s.") % {"unit": exception.unit.name}
        )
    now = timezone.now()
    if exception.valid_until > now:
        exception.valid_until = now
        history.attribute(exception, user)
        exception.save(update_fields=["valid_until"])
    return exception
