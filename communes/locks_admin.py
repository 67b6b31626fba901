"""The Django admin's side of the period locks (communes/locks.py): ModelAdmin and inline mixins that
refuse adding, changing or deleting a record dated in a locked period, with the lock's reason.
"""

from __future__ import annotations

import functools

from django.contrib import messages
from django.contrib.admin.utils import quote, unquote
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Model
from django.http import HttpResponseRedirect
from django.urls import reverse
from django.utils.translation import ngettext

from .locks import LockChecker, record_value
from .record_kinds import lock_paths


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


class _DeclaredLockPaths:
    """The lock paths of the admin's model, from its declaration (communes/record_kinds.py)."""

    model: type[Model]

    @property
    def lock_unit_path(self) -> str:
        return (lock_paths(self.model) or ("unit", ""))[0]

    @property
    def lock_day_path(self) -> str:
        return (lock_paths(self.model) or ("unit", ""))[1]


class PeriodLockInlineMixin(_DeclaredLockPaths):
    """InlineModelAdmin mixin: inline rows added, changed or deleted in a locked period are refused."""

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


class PeriodLockAdminMixin(_DeclaredLockPaths):
    """ModelAdmin mixin: adding, changing or deleting a record dated in a locked period is refused.

    The record's unit and lock date come from its declaration (`Placement`). A change is checked on the
    stored record (its old date) and on the submitted one (its new date). A refused deletion ("Delete
    selected" or the delete page) deletes nothing and goes back with an error message giving the reason.
    """

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
