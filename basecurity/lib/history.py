"""Who made a change, and why, in the audit history (django-simple-history)."""

from typing import Any, TypeVar

# The attributes simple-history reads on the instance being saved or deleted; not model fields, so
# a type checker does not know them: they are set here only.
USER_ATTRIBUTE, REASON_ATTRIBUTE = "_history_user", "_change_reason"

T = TypeVar("T")


def attribute(instance: T, user: Any, reason: str | None = None) -> T:
    """Attribute the history row of the next save or delete of `instance` to `user` (with `reason`)."""
    setattr(instance, USER_ATTRIBUTE, user)
    setattr(instance, REASON_ATTRIBUTE, reason)
    return instance
