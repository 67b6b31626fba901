"""Criteria assessments (writes): start, answers and the workflow (submit, confirm, return).

- Officers holding ORGANISATION_WRITE on the unit start an assessment, answer and submit it.
- District committees holding ORGANISATION_CONFIRM on the unit confirm it or return it with a comment.
- Every write is attributed in the history tables (simple_history); the answers page uses the
  assessment's `version` so that of two people answering at once, the second is told and keeps
  what they typed.
"""

from collections.abc import Sequence
from dataclasses import dataclass

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from basecurity.lib import history
from basecurity.lib.storage import removed_on_failure
from communes.permissions import Capability, can

from ..models import (
    Assessment,
    AssessmentAnswer,
    AssessmentState,
    CriteriaItem,
    CriteriaSet,
)
from .results import unanswered_items


class StaleAssessment(ValidationError):
    """Someone else saved answers since the page was opened."""


def _require_writer(user, assessment: Assessment) -> None:
    if not can(user, Capability.ORGANISATION_WRITE, assessment.unit):
        raise PermissionDenied(_("You cannot assess %(unit)s.") % {"unit": assessment.unit.name})


def _require_editable(assessment: Assessment) -> None:
    if not assessment.is_editable:
        raise ValidationError(
            _("This assessment is %(state)s: it can no longer be changed.")
            % {"state": assessment.get_state_display().lower()},
            code="not_editable",
        )


def _save(assessment: Assessment, user) -> Assessment:
    history.attribute(assessment, user)
    assessment.save()
    return assessment


@transaction.atomic
def assessment_start(*, user, unit, criteria_set: CriteriaSet, year: int) -> Assessment:
    """A new draft assessment of `unit` for `year`; one per unit, set and year."""
    if not can(user, Capability.ORGANISATION_WRITE, unit):
        raise PermissionDenied(_("You cannot assess %(unit)s.") % {"unit": unit.name})
    if unit.level not in criteria_set.unit_levels:
        raise ValidationError(
            {
                "unit": _("“%(set)s” does not assess a unit like %(unit)s.")
                % {"set": criteria_set.name, "unit": unit.name}
            }
        )
    if not criteria_set.year_from <= year <= criteria_set.year_to:
        raise ValidationError(
            {
                "year": _("“%(set)s” is in force from %(start)d to %(end)d, not in %(year)d.")
                % {"set": criteria_set.name, "start": criteria_set.year_from, "end": criteria_set.year_to, "year": year}
            }
        )
    if not CriteriaItem.objects.filter(group__criteria_set=criteria_set, is_active=True).exists():
        raise ValidationError(
            _("“%(set)s” has no criteria yet: ask the administrator to load them.") % {"set": criteria_set.name}
        )
    assessment = Assessment(unit=unit, criteria_set=criteria_set, year=year)
    history.attribute(assessment, user)
    try:
        with transaction.atomic():
            assessment.save()
    except IntegrityError:
        raise ValidationError(
            _("%(unit)s already has an assessment against “%(set)s” for %(year)d: open it from the list.")
            % {"unit": unit.name, "set": criteria_set.name, "year": year},
            code="exists",
        ) from None
    return assessment


@dataclass(frozen=True)
class AnswerInput:
    """What the officer said about one criterion; `met` None means not answered yet."""

    item: CriteriaItem
    met: bool | None
    evidence: str = ""
    attachment: object | None = None
    remove_attachment: bool = False


def answers_save(*, assessment: Assessment, user, version: int, answers: Sequence[AnswerInput]) -> Assessment:
    """Save the answers of a page all or nothing. `version` is the one the page was opened with.

    Files stored for this page are deleted again if the save fails (basecurity/lib/storage.py)."""
    with removed_on_failure() as stored_files, transaction.atomic():
        stored = Assessment.objects.select_for_update(of=("self",)).select_related("unit").get(pk=assessment.pk)
        _require_writer(user, stored)
        _require_editable(stored)
        if stored.version != version:
            last = stored.history.select_related("history_user").first()
            who = last.history_user.get_username() if last and last.history_user else _("someone")
            raise StaleAssessment(
                _(
                    "Someone else (%(user)s) saved answers of this assessment at %(time)s; what you entered is "
                    "kept below: open the assessment in another tab, compare, then save again."
                )
                % {"user": who, "time": date_format(timezone.localtime(last.history_date), "SHORT_DATETIME_FORMAT")},
                code="stale",
            )
        existing = {answer.item_id: answer for answer in stored.answers.all()}
        errors: dict[str, list] = {}
        to_save = []
        for given in answers:
            if given.item.group.criteria_set_id != stored.criteria_set_id:
                raise ValidationError(_("This criterion belongs to another criteria list."))
            answer = existing.get(given.item.pk)
            if given.met is None and answer is None:
                continue
            answer = answer or AssessmentAnswer(assessment=stored, item=given.item)
            if given.met is not None:
                answer.met = given.met
            answer.evidence = given.evidence.strip()
            if given.attachment is not None:
                answer.attachment = given.attachment
            elif given.remove_attachment:
                answer.attachment = None
            # A file stored earlier was checked when it came; only a new one is checked (type, size).
            exclude = ["assessment", "item"] + ([] if given.attachment is not None else ["attachment"])
            try:
                answer.full_clean(exclude=exclude)
            except ValidationError as error:
                errors[str(given.item.pk)] = error.messages
            to_save.append((answer, given.attachment is not None))
        if errors:
            raise ValidationError(errors)
        for answer, new_file in to_save:
            history.attribute(answer, user)
            answer.save()
            if new_file:
                stored_files.append(answer.attachment)
        stored.version += 1
        _save(stored, user)
        assessment.__dict__.update(stored.__dict__)
        return stored


def answer_save(
    *, assessment: Assessment, user, item, met: bool, evidence: str = "", attachment=None
) -> AssessmentAnswer:
    """One answer (imports, tests): the same checks as the answers page."""
    with transaction.atomic():
        version = Assessment.objects.values_list("version", flat=True).get(pk=assessment.pk)
        try:
            answers_save(
                assessment=assessment,
                user=user,
                version=version,
                answers=[AnswerInput(item, met, evidence, attachment)],
            )
        except ValidationError as error:
            if hasattr(error, "error_dict") and str(item.pk) in error.error_dict:
                raise ValidationError(error.error_dict[str(item.pk)]) from None
            raise
        return AssessmentAnswer.objects.get(assessment=assessment, item=item)


@transaction.atomic
def assessment_submit(*, assessment: Assessment, user) -> Assessment:
    stored = Assessment.objects.select_for_update(of=("self",)).select_related("unit").get(pk=assessment.pk)
    _require_writer(user, stored)
    if not stored.is_editable:
        raise ValidationError(
            _("This assessment was already submitted on %(time)s; it is %(state)s.")
            % {
                "time": date_format(timezone.localtime(stored.submitted_at), "SHORT_DATETIME_FORMAT"),
                "state": stored.get_state_display().lower(),
            },
            code="submitted",
        )
    missing = unanswered_items(stored)
    if missing:
        raise ValidationError(
            _("Answer every criterion before submitting; not answered yet: %(items)s.")
            % {"items": ", ".join(f"{item.group.number}.{item.number}" for item in missing)},
            code="incomplete",
        )
    stored.state, stored.submitted_at = AssessmentState.SUBMITTED, timezone.now()
    _save(stored, user)
    assessment.__dict__.update(stored.__dict__)
    return stored


@transaction.atomic
def assessment_decide(*, assessment: Assessment, user, confirm: bool, comment: str = "") -> Assessment:
    stored = Assessment.objects.select_for_update(of=("self",)).select_related("unit").get(pk=assessment.pk)
    if not can(user, Capability.ORGANISATION_CONFIRM, stored.unit):
        raise PermissionDenied(
            _("Only the superior level can confirm or return the assessment of %(unit)s.") % {"unit": stored.unit.name}
        )
    if stored.state != AssessmentState.SUBMITTED:
        raise ValidationError(
            _("Only a submitted assessment can be confirmed or returned; this one is %(state)s.")
            % {"state": stored.get_state_display().lower()},
            code="not_submitted",
        )
    if not confirm and not comment.strip():
        raise ValidationError({"comment": _("Say what the commune must fix before it submits again.")})
    stored.state = AssessmentState.CONFIRMED if confirm else AssessmentState.RETURNED
    stored.decided_at, stored.decided_by, stored.return_comment = timezone.now(), user, comment.strip()
    _save(stored, user)
    assessment.__dict__.update(stored.__dict__)
    return stored
