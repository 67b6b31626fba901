"""Stored files follow their records (issue 12): when a record's file is replaced or cleared, or
the record is deleted, the old file is removed from storage once the transaction commits (not
before: a rolled-back change keeps its file). Connected by `BasecurityConfig.ready()` for every
FileField of the project's apps; the change history keeps the old file's name only.
"""

from __future__ import annotations

from django.apps import apps
from django.db import models, transaction
from django.db.models.signals import post_delete, pre_save

PROJECT_APPS = ("communes", "incidents", "reintegration", "dashboards", "reports")


def _file_fields(model) -> list[models.FileField]:
    return [field for field in model._meta.concrete_fields if isinstance(field, models.FileField)]


def _remove_later(model, field: models.FileField, name: str) -> None:
    """Delete the stored file `name` after commit, unless another row still refers to it."""
    if not name:
        return
    storage = field.storage

    def remove():
        if not model._default_manager.filter(**{field.attname: name}).exists():
            storage.delete(name)

    transaction.on_commit(remove)


def _before_save(sender, instance, raw=False, update_fields=None, **kwargs):
    if raw or instance._state.adding or instance.pk is None:
        return
    fields = [field for field in _file_fields(sender) if update_fields is None or field.name in update_fields]
    if not fields:
        return
    stored = sender._default_manager.filter(pk=instance.pk).values(*[field.attname for field in fields]).first()
    if stored is None:
        return
    for field in fields:
        old, new = stored[field.attname], getattr(instance, field.attname)
        new_name = new.name if hasattr(new, "name") else new
        if old and old != new_name:
            _remove_later(sender, field, old)


def _after_delete(sender, instance, **kwargs):
    for field in _file_fields(sender):
        value = getattr(instance, field.attname)
        _remove_later(sender, field, value.name if hasattr(value, "name") else value)


def install() -> None:
    for model in apps.get_models():
        if (
            model._meta.app_label in PROJECT_APPS
            and not model.__name__.startswith("Historical")
            and _file_fields(model)
        ):
            pre_save.connect(_before_save, sender=model, dispatch_uid=f"files-before-save-{model._meta.label}")
            post_delete.connect(_after_delete, sender=model, dispatch_uid=f"files-after-delete-{model._meta.label}")
