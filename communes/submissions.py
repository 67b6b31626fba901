"""Saving from a page safely, one mechanism for every app's record forms (issue 11).

- **Optimistic concurrency.** A model that inherits `Versioned` carries `version`, raised by every
  save. Its edit form (`GuardedForm`) sends the version it was opened with; the service calls
  `ensure_current(instance, version)` in its transaction, which locks the stored row and raises
  `StaleEdit` (holding the stored row) when someone saved it since: nothing is written. The view
  (`save_outcome`) then shows the officer's values next to the saved ones, field by field, and gives
  the form the saved version, so that saving again applies the officer's values deliberately.
- **Idempotent creation.** A create form (and an import form) carries a one-time
  `submission_token` (a UUID made when the form is shown). `create_once` writes the record and its
  `SubmissionToken` in one transaction (the token is unique in the database, so two concurrent posts
  cannot both pass); a second post of the same form finds the token (`already_created`) and the view
  answers with the record it made ("Saved") instead of creating another. A client that sends no
  token (a script) is keyed by the content it posts.
- **Failed saves.** When the database or the disk fails during the save, the form is shown again
  with what the officer typed and a message (status 503); nothing half-done is kept
  (`basecurity/lib/storage.py` removes files a failed save had stored).
"""

import json
import logging
import uuid
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from typing import Any

from django import forms
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import FieldDoesNotExist, ValidationError
from django.db import IntegrityError, InterfaceError, OperationalError, models, transaction
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

logger = logging.getLogger(__name__)

VERSION_FIELD = "version"
TOKEN_FIELD = "submission_token"
# What a save can fail with when the database or the disk does not answer (not the officer's fault).
SAVE_FAILURES = (OperationalError, InterfaceError, OSError)


# --- Models --------------------------------------------------------------------------------------


class Versioned(models.Model):
    """A record edited through pages: `version` counts its saves (optimistic concurrency)."""

    version = models.PositiveIntegerField(gettext_lazy("version"), default=1, editable=False)

    class Meta:
        abstract = True

    def save(self, *args, **kwargs):
        if not self._state.adding and self.pk is not None:
            # Count from the stored version, not from this (perhaps older) copy of the row, so that a
            # save through any path (admin, a tip action) makes the forms opened before it stale.
            stored = type(self)._base_manager.filter(pk=self.pk).values_list(VERSION_FIELD, flat=True).first()
            self.version = max(self.version or 0, stored or 0) + 1
            if kwargs.get("update_fields") is not None:
                kwargs["update_fields"] = {*kwargs["update_fields"], VERSION_FIELD}
        super().save(*args, **kwargs)


class StaleEdit(ValidationError):
    """The record was saved by someone else since the form was opened; `stored` is the saved row."""

    def __init__(self, stored: models.Model):
        self.stored = stored
        super().__init__(_stale_message(stored), code="stale")


def _stale_message(stored: models.Model) -> str:
    last = stored.history.select_related("history_user").first() if hasattr(stored, "history") else None
    who = last.history_user.get_username() if last is not None and last.history_user else _("someone")
    when = date_format(timezone.localtime(last.history_date), "SHORT_DATETIME_FORMAT") if last is not None else "-"
    return _(
        "Someone else (%(user)s) saved this record at %(time)s, after you opened the form. Nothing was "
        "saved. Compare your values with the saved ones below: “Save” again applies your values."
    ) % {"user": who, "time": when}


def ensure_current(instance: models.Model, version: int | None) -> models.Model:
    """Lock the stored row of `instance` and return it; StaleEdit when `version` (the version the form
    was opened with; None: no check, e.g. scripts) is not the stored one. Call inside the save's
    transaction."""
    stored = type(instance)._base_manager.select_for_update().get(pk=instance.pk)
    if version is not None and stored.version != version:
        raise StaleEdit(stored)
    instance.version = stored.version
    return stored


# --- Forms ---------------------------------------------------------------------------------------


class GuardedForm:
    """Mixin for the record forms (before forms.ModelForm / forms.Form in the bases).

    Editing a `Versioned` instance adds a hidden `version`; creating (no instance, or a new one)
    adds a hidden `submission_token`, new each time the form is shown."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        instance = getattr(self, "instance", None)
        if instance is not None and instance.pk is not None:
            if isinstance(instance, Versioned):
                self.fields[VERSION_FIELD] = forms.IntegerField(
                    widget=forms.HiddenInput, required=False, initial=instance.version
                )
        else:
            self.fields[TOKEN_FIELD] = forms.UUIDField(widget=forms.HiddenInput, required=False, initial=uuid.uuid4)

    @property
    def version(self) -> int | None:
        """The version the form was opened with (None when it sent none)."""
        return self.cleaned_data.get(VERSION_FIELD)


# --- One-time tokens -------------------------------------------------------------------------------


def submission_token(request) -> uuid.UUID | None:
    """The posted form's token; without one, a token made from what was posted (same content, same
    token) except for file uploads (imports recognise their content themselves)."""
    names = [name for name in request.POST if name == TOKEN_FIELD or name.endswith(f"-{TOKEN_FIELD}")]  # prefixed forms
    try:
        return uuid.UUID(request.POST.get(names[0], "") if names else "")
    except ValueError:
        pass
    if request.FILES:
        return None
    posted = sorted(
        (name, request.POST.getlist(name)) for name in request.POST if name not in {"csrfmiddlewaretoken", *names}
    )
    return uuid.uuid5(uuid.NAMESPACE_URL, json.dumps([request.user.pk, request.path, posted]))


def already_created(request) -> models.Model | None:
    """What an earlier post of this form (same token, same user) created, or None."""
    if request.method != "POST" or not request.user.is_authenticated:
        return None
    token = submission_token(request)
    if token is None:
        return None
    from .models import SubmissionToken

    found = SubmissionToken.objects.filter(token=token, user=request.user).select_related("content_type").first()
    if found is None:
        return None
    target = found.target
    if target is None:  # deleted since: the form may create it again
        found.delete()
    return target


def create_once(request, create: Callable[[], models.Model | None]) -> tuple[models.Model | None, bool]:
    """Run `create()` and keep the form's token with what it returned, in one transaction.

    Returns (record, True), or (the earlier record, False) when a concurrent post of the same form
    won. `create()` returning None (nothing created, e.g. an import refused) keeps no token."""
    from .models import SubmissionToken

    token = submission_token(request)
    if token is None:
        return create(), True
    try:
        with transaction.atomic():
            record = create()
            if record is not None:
                SubmissionToken.objects.create(
                    token=token,
                    user=request.user,
                    content_type=ContentType.objects.get_for_model(record),
                    object_id=record.pk,
                )
    except IntegrityError:
        earlier = already_created(request)
        if earlier is None:
            raise
        return earlier, False
    return record, True


def tokens_purge(*, days: int | None = None) -> int:
    """Delete the tokens older than `days` (default SUBMISSION_TOKEN_DAYS); returns how many.

    Run every night (communes.purge_submission_tokens): a token only has to outlive the form it
    came with, and without this the table would grow with every record created."""
    from django.conf import settings

    from .models import SubmissionToken

    days = settings.SUBMISSION_TOKEN_DAYS if days is None else days
    deleted, _by_model = SubmissionToken.objects.filter(created_at__lt=timezone.now() - timedelta(days=days)).delete()
    return deleted


def already_saved_message() -> str:
    return _("Saved: this form had already been sent; here is what it saved.")


# --- The view's side -----------------------------------------------------------------------------


@dataclass
class SaveOutcome:
    """What a page does after trying to save: go to `record`, or show the form with `status`."""

    record: models.Model | None = None
    again: bool = False  # the form had been sent before: `record` is what the first post created
    status: int = 200
    stale: dict[str, Any] = field(default_factory=dict)

    @property
    def saved(self) -> bool:
        return self.record is not None


def save_outcome(request, form, save: Callable[[], models.Model | None], *, create: bool) -> SaveOutcome:
    """Call `save()` for a valid `form`: once per token when creating; a stale edit, a refusal of the
    service or a failure of the database or the disk leaves the form on screen with the officer's
    values and says why."""
    from .forms import add_service_error

    try:
        if create:
            record, fresh = create_once(request, save)
            return SaveOutcome(record=record, again=not fresh)
        return SaveOutcome(record=save())
    except StaleEdit as error:
        return SaveOutcome(status=409, stale=stale_versions(form, error))
    except ValidationError as error:
        add_service_error(form, error)
        return SaveOutcome(status=400)
    except SAVE_FAILURES as error:
        save_failed(form, error)
        return SaveOutcome(status=503)


def save_failed(form, error: Exception) -> None:
    """A save the database or the disk refused: the form keeps the officer's text and says so."""
    logger.exception("Save failed: %s", error)
    form.add_error(None, failure_message())


def failure_message() -> str:
    return _(
        "Nothing was saved: the database or the file storage did not answer. What you entered is kept "
        "below; try “Save” again in a moment."
    )


def stale_versions(form, error: StaleEdit) -> dict[str, Any]:
    """Both versions of a stale edit, field by field, for templates/stale_versions.html.

    The bound form gets the saved version, so that submitting it again applies the officer's values."""
    stored = error.stored
    data = form.data.copy()
    data[form.add_prefix(VERSION_FIELD)] = str(stored.version)
    form.data = data
    rows = []
    names = form._meta.fields if hasattr(form, "_meta") else [name for name in form.fields if name != VERSION_FIELD]
    for name in names:
        try:
            model_field = stored._meta.get_field(name)
        except FieldDoesNotExist:
            continue
        mine, saved = form.cleaned_data.get(name), getattr(stored, name)
        if _key(mine) != _key(saved):
            rows.append(
                {
                    "label": form.fields[name].label or model_field.verbose_name,
                    "mine": _shown(model_field, mine),
                    "saved": _shown(model_field, saved),
                }
            )
    return {"message": error.messages[0], "rows": rows}


def _key(value: Any) -> Any:
    if isinstance(value, models.Model):
        return value.pk
    return None if value == "" else value


def _shown(model_field, value: Any) -> str:
    if value is None or value == "":
        return "—"
    if isinstance(value, models.Model):
        return str(value)
    if model_field.choices:
        return str(dict(model_field.flatchoices).get(value, value))
    if isinstance(value, bool):
        return _("Yes") if value else _("No")
    if isinstance(value, datetime):
        return date_format(timezone.localtime(value) if timezone.is_aware(value) else value, "SHORT_DATETIME_FORMAT")
    if isinstance(value, date):
        return date_format(value, "SHORT_DATE_FORMAT")
    return str(value)
