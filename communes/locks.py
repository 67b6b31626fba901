"""Locked periods: once a unit's report is approved, or a while after a period ends, its records freeze.

A record dated `day` of unit U cannot be created, changed or deleted when
- a PeriodLock of U or of a unit above U covers `day` (written when the superior level approves U's report),
  or
- settings.REPORT_AUTO_LOCK_DAYS is a number N and the reporting month of `day`
  (basecurity/lib/periods.py, 15th-14th by default) ended more than N days ago;
unless a LockException of U (or a unit above it) covers `day` and has not expired.

Every write path calls `ensure_unlocked(unit, day)` (services, importers through `LockChecker`,
the Django admin through `PeriodLockAdminMixin` and `PeriodLockInlineMixin`), which raises ValidationError with a message a
commune officer can act on.
"""

from __future__ import annotations

import functools
from datetime import date, datetime
from operator import attrgetter

from django.conf import settings
from django.contrib import messages
from django.contrib.admin.utils import quote, unquote
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpResponseRedirect
from django.urls import reverse
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from basecurity.hygiene import MAX_YEAR, MIN_YEAR, YEAR_MESSAGE
from basecurity.lib import periods

from .models import AdministrativeUnit, LockException, PeriodLock


def auto_lock_days() -> int | None:
    """settings.REPORT_AUTO_LOCK_DAYS: None (or a negative number) turns the automatic lock off."""
    days = getattr(settings, "REPORT_AUTO_LOCK_DAYS", 30)
    return None if days is None or days < 0 else int(days)


def _short(day: date) -> str:
    return date_format(day, "SHORT_DATE_FORMAT")


def _ancestor_paths(unit: AdministrativeUnit) -> list[str]:
    """ "/22/202/06976/" -> ["/22/", "/22/202/", "/22/202/06976/"]: the unit and the units above it."""
    codes = [code for code in unit.path.split("/") if code]
    return ["/" + "/".join(codes[: index + 1]) + "/" for index in range(len(codes))]


class LockChecker:
    """Answers "is this day of this unit locked?" reading each unit's locks once (for imports of many rows)."""

    def __init__(self, *, today: date | None = None, now: datetime | None = None, automatic: bool = True):
        self.now = now or timezone.now()
        self.today = today or timezone.localdate(self.now)
        self.auto_days = auto_lock_days() if automatic else None
        self._cache: dict[int, tuple[list, list]] = {}
        self._months: dict[date, periods.Period] = {}

    def _load(self, unit: AdministrativeUnit):
        if unit.pk not in self._cache:
            paths = _ancestor_paths(unit)
            locks = list(
                PeriodLock.objects.filter(unit__path__in=paths).order_by("start").values("start", "end", "locked_at")
            )
            exceptions = list(
                LockException.objects.filter(unit__path__in=paths, valid_until__gte=self.now).values("start", "end")
            )
            self._cache[unit.pk] = (locks, exceptions)
        return self._cache[unit.pk]

    def reason(self, unit: AdministrativeUnit | None, day: date | datetime | None) -> str | None:
        """The message explaining why `day` of `unit` is locked, or None when it may be written."""
        if unit is None or day is None:
            return None
        try:
            day = periods.local_date(day)
        except (OverflowError, ValueError):  # a year-1 date-time cannot even change time zone
            return str(YEAR_MESSAGE)
        if not MIN_YEAR <= day.year <= MAX_YEAR:  # forms refuse these; a direct call must not overflow
            return str(YEAR_MESSAGE)
        locks, exceptions = self._load(unit)
        if any(exception["start"] <= day <= exception["end"] for exception in exceptions):
            return None
        for lock in locks:
            if lock["start"] <= day <= lock["end"]:
                return _(
                    "The period %(start)s–%(end)s of %(unit)s is locked: its report was approved on %(approved)s. "
                    "Ask the superior level to grant an exception."
                ) % {
                    "start": _short(lock["start"]),
                    "end": _short(lock["end"]),
                    "unit": unit.name,
                    "approved": _short(timezone.localdate(lock["locked_at"])),
                }
        if self.auto_days is not None:
            month = self._months.get(day)
            if month is None:  # one computation per distinct day (an import has many rows a day)
                month = self._months[day] = periods.period_of(day, periods.Kind.MONTH)
            if (self.today - month.end).days > self.auto_days:
                return _(
                    "The period %(start)s–%(end)s of %(unit)s is locked: it ended more than %(days)d days ago. "
                    "Ask the superior level to grant an exception."
                ) % {"start": _short(month.start), "end": _short(month.end), "unit": unit.name, "days": self.auto_days}
        return None

    def check(self, unit, day, *, field: str | None = None) -> None:
        message = self.reason(unit, day)
        if message:
            raise ValidationError({field: message} if field else message, code="locked")


def lock_reason(unit, day) -> str | None:
    return LockChecker().reason(unit, day)


def ensure_unlocked(unit, day, *, field: str | None = None) -> None:
    """Raise ValidationError (on `field` when given) if records of `unit` dated `day` may not be written."""
    LockChecker().check(unit, day, field=field)


def record_value(instance, path: str):
    """`instance`'s value at a dotted path ("occurred_on", "tip.received_on"); None if a link is missing."""
    try:
        return attrgetter(path)(instance)
    except (AttributeError, ValueError):
        return None
    except Exception as error:  # a missing related object (RelatedObjectDoesNotExist)
        if error.__class__.__name__.endswith("DoesNotExist"):
            return None
        raise


def ensure_record_unlocked(instance, *, unit_path: str, day_path: str, checker: LockChecker | None = None) -> None:
    """ensure_unlocked for a record: its unit and date are read at the given dotted paths."""
    (checker or LockChecker()).check(record_value(instance, unit_path), record_value(instance, day_path))


# --- Django admin -----------------------------------------------------------------------------------


def _first_reason(instances, unit_path: str, day_path: str, checker: LockChecker) -> str | None:
    for instance in instances:
        if instance is not None:
            message = checker.reason(record_value(instance, unit_path), record_value(instance, day_path))
            if message:
                return message
    return None


def _stored(instance):
    """The row as it is in the database (a form has copied the submitted values onto `instance`)."""
    return type(instance)._default_manager.filter(pk=instance.pk).first() if instance.pk else None


def lock_checked_form(form_class, unit_path: str, day_path: str, *, only_changed: bool = False):
    """A subclass of the ModelForm `form_class` that refuses a record stored or submitted in a locked period.

    `only_changed` is for the rows of a formset: Django saves a row only when it changed, so an
    untouched row of a locked period must not block the rest of the page.
    """

    if not day_path:
        return form_class

    class LockCheckedForm(form_class):
        def _post_clean(self):
            # A formset row marked for deletion is checked by lock_checked_formset (on its stored version).
            untouched = self.instance.pk and (not self.has_changed() or self.cleaned_data.get("DELETE"))
            checked = not (only_changed and untouched)
            stored = _stored(self.instance) if checked else None
            super()._post_clean()
            if checked:
                message = _first_reason((stored, self.instance), unit_path, day_path, LockChecker())
                if message:
                    self.add_error(None, message)

    LockCheckedForm.__name__ = form_class.__name__
    return LockCheckedForm


def lock_checked_formset(formset_class, unit_path: str, day_path: str):
    """A subclass of the model formset `formset_class` refusing the deletion of rows stored in a locked period.

    Django does not validate the forms of rows marked for deletion, so the check is the formset's:
    the whole formset is invalid, and the admin saves nothing of the page.
    """

    if not day_path:
        return formset_class

    class LockCheckedFormSet(formset_class):
        def clean(self):
            super().clean()
            if not self.can_delete:
                return
            checker, reasons = LockChecker(), []
            for form in self.initial_forms:
                if self._should_delete_form(form):
                    message = _first_reason((_stored(form.instance),), unit_path, day_path, checker)
                    if message and message not in reasons:
                        reasons.append(message)
            if reasons:
                raise ValidationError(reasons, code="locked")

    LockCheckedFormSet.__name__ = formset_class.__name__
    return LockCheckedFormSet


class PeriodLockInlineMixin:
    """InlineModelAdmin mixin: inline rows added, changed or deleted in a locked period are refused."""

    lock_unit_path = "unit"
    lock_day_path: str = ""

    def get_formset(self, request, obj=None, **kwargs):
        kwargs["form"] = lock_checked_form(
            kwargs.get("form", self.form), self.lock_unit_path, self.lock_day_path, only_changed=True
        )
        formset = super().get_formset(request, obj, **kwargs)
        return lock_checked_formset(formset, self.lock_unit_path, self.lock_day_path)


def _refuse_locked_selection(delete_selected):
    """Django's "Delete selected" action, preceded by the lock check of the whole selection."""

    @functools.wraps(delete_selected)
    def action(modeladmin, request, queryset):
        message = modeladmin.locked_selection_message(queryset)
        if message:
            modeladmin.message_user(request, message, messages.ERROR)
            return None  # the admin redirects back to the changelist
        return delete_selected(modeladmin, request, queryset)

    return action


class PeriodLockAdminMixin:
    """ModelAdmin mixin: adding, changing or deleting a record dated in a locked period is refused.

    Set `lock_unit_path` and `lock_day_path` (dotted paths on the record). A change is checked on the
    stored record (its old date) and on the submitted one (its new date). A refused deletion ("Delete
    selected" or the delete page) deletes nothing and goes back with an error message giving the reason.
    """

    lock_unit_path = "unit"
    lock_day_path: str = ""

    def _lock_message(self, instance) -> str | None:
        return _first_reason((instance,), self.lock_unit_path, self.lock_day_path, LockChecker())

    def locked_selection_message(self, queryset) -> str | None:
        """Why a bulk deletion of `queryset` is refused (each locked period named once), or None."""
        if not self.lock_day_path:
            return None
        relations = {
            path.replace(".", "__") for path in (self.lock_unit_path, self.lock_day_path.rpartition(".")[0]) if path
        }
        checker, locked, reasons = LockChecker(), 0, []
        for obj in queryset.select_related(*relations):
            message = _first_reason((obj,), self.lock_unit_path, self.lock_day_path, checker)
            if message:
                locked += 1
                if message not in reasons:
                    reasons.append(message)
        if not locked:
            return None
        lead = ngettext(
            "Nothing was deleted: %(count)d of the selected records is dated in a locked period.",
            "Nothing was deleted: %(count)d of the selected records are dated in a locked period.",
            locked,
        ) % {"count": locked}
        return " ".join([lead, *reasons])

    def get_form(self, request, obj=None, change=False, **kwargs):
        form_class = super().get_form(request, obj, change=change, **kwargs)
        return lock_checked_form(form_class, self.lock_unit_path, self.lock_day_path)

    def get_changelist_form(self, request, **kwargs):
        form_class = super().get_changelist_form(request, **kwargs)
        return lock_checked_form(form_class, self.lock_unit_path, self.lock_day_path, only_changed=True)

    def get_actions(self, request):
        actions = super().get_actions(request)
        if "delete_selected" in actions:
            func, name, description = actions["delete_selected"]
            actions[name] = (_refuse_locked_selection(func), name, description)
        return actions

    def delete_view(self, request, object_id, extra_context=None):
        obj = self.get_object(request, unquote(object_id))
        message = obj is not None and self._lock_message(obj)
        if message:
            self.message_user(request, message, messages.ERROR)
            opts = self.opts
            return HttpResponseRedirect(
                reverse(
                    f"admin:{opts.app_label}_{opts.model_name}_change",
                    args=[quote(obj.pk)],
                    current_app=self.admin_site.name,
                )
            )
        return super().delete_view(request, object_id, extra_context)

    # The last guards, for code calling these directly: the pages above refuse before reaching them.
    def delete_model(self, request, obj):
        message = self._lock_message(obj)
        if message:
            raise PermissionDenied(message)
        super().delete_model(request, obj)

    def delete_queryset(self, request, queryset):
        message = self.locked_selection_message(queryset)
        if message:
            raise PermissionDenied(message)
        super().delete_queryset(request, queryset)
