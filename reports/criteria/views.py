"""Pages of the criteria assessment: list by year, start, answer item by item, submit, confirm or return.

Reading needs ORGANISATION_READ on the unit, answering and submitting ORGANISATION_WRITE (commune
officers), confirming and returning ORGANISATION_CONFIRM (district committee). Anything outside
the user's scope answers 404; attached files are served only through `answer_file`, never as
public media.
"""

import logging
import os

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import FileResponse, Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from basecurity.lib import periods
from basecurity.lib.collation import vi
from communes import submissions
from communes.forms import add_service_error
from communes.models import Level
from communes.permissions import Capability, can, get_scoped_or_404, require, scope, units_with

from ..models import Assessment, AssessmentAnswer, AssessmentState, CriteriaGroup, CriteriaKind, CriteriaSet
from . import results, services
from .forms import AnswerForm, AssessmentStartForm, DecisionForm, YearForm

logger = logging.getLogger(__name__)

MISSING_LIST_LIMIT = 100


def _error_text(error: ValidationError) -> str:
    return " ".join(error.messages)


def current_year() -> int:
    return periods.period_of(timezone.localdate()).year


@login_required
def assessment_list(request):
    """The assessments of a year in the user's scope, with results, and the communes not started."""
    require(request.user, Capability.ORGANISATION_READ)
    form = YearForm(request.GET or None, initial={"year": current_year()})
    year = form.cleaned_data["year"] if form.is_bound and form.is_valid() else current_year()
    assessments = list(
        scope(Assessment.objects.filter(year=year), request.user, Capability.ORGANISATION_READ)
        .select_related("unit", "criteria_set")
        .order_by("criteria_set__kind", "unit__path")
    )
    found = results.results_of(assessments)
    assessed_communes = {a.unit_id for a in assessments if a.criteria_set.kind == CriteriaKind.MODEL_ASSESSMENT}
    not_started = (
        units_with(request.user, Capability.ORGANISATION_READ)
        .filter(level=Level.COMMUNE)
        .exclude(pk__in=assessed_communes)
        .order_by(vi("name"))
    )
    return render(
        request,
        "reports/assessment_list.html",
        {
            "form": form,
            "year": year,
            "results": [found[a.pk] for a in assessments],
            "not_started": not_started[:MISSING_LIST_LIMIT],
            "not_started_count": not_started.count(),
            "can_start": units_with(request.user, Capability.ORGANISATION_WRITE)
            .filter(level__in=(Level.COMMUNE, Level.VILLAGE))
            .exists(),
        },
    )


@login_required
def assessment_start(request):
    require(request.user, Capability.ORGANISATION_WRITE)
    units = units_with(request.user, Capability.ORGANISATION_WRITE)
    form = AssessmentStartForm(request.POST or None, units=units, initial={"year": current_year()})
    if request.method == "POST" and form.is_valid():
        try:
            assessment = services.assessment_start(user=request.user, **form.cleaned_data)
        except ValidationError as error:
            add_service_error(form, error)
        else:
            messages.success(request, _("The assessment was started. Answer each criterion, then submit it."))
            return redirect("reports:assessment_answers", pk=assessment.pk)
    return render(request, "reports/assessment_start.html", {"form": form, "missing": missing_criteria(current_year())})


def missing_criteria(year: int) -> list[str]:
    """The kinds of assessment that cannot start for `year`: no list with criteria is in force."""
    in_force = set(
        CriteriaSet.objects.filter(year_from__lte=year, year_to__gte=year, groups__items__is_active=True)
        .values_list("kind", flat=True)
        .distinct()
    )
    return [str(label) for kind, label in CriteriaKind.choices if kind not in in_force]


def _sections(assessment, answers: dict, forms: dict | None = None) -> list:
    """Groups in order, each with its criteria in use and their answers (and forms on the answers page)."""
    groups = CriteriaGroup.objects.filter(criteria_set=assessment.criteria_set_id).prefetch_related("items")
    return [
        {
            "group": group,
            "items": [
                {"item": item, "answer": answers.get(item.pk), "form": (forms or {}).get(item.pk)}
                for item in group.items.all()
                if item.is_active
            ],
        }
        for group in groups.order_by("number")
    ]


@login_required
def assessment_detail(request, pk):
    assessment = get_scoped_or_404(
        Assessment.objects.select_related("unit", "criteria_set", "decided_by"),
        request.user,
        Capability.ORGANISATION_READ,
        pk=pk,
    )
    answers = {answer.item_id: answer for answer in assessment.answers.all()}
    return render(
        request,
        "reports/assessment_detail.html",
        {
            "assessment": assessment,
            "result": results.results(assessment),
            "sections": _sections(assessment, answers),
            "steps": results.state_history(assessment),
            "can_write": assessment.is_editable and can(request.user, Capability.ORGANISATION_WRITE, assessment.unit),
            "can_decide": assessment.state == AssessmentState.SUBMITTED
            and can(request.user, Capability.ORGANISATION_CONFIRM, assessment.unit),
            "decision_form": DecisionForm(),
        },
    )


@login_required
def assessment_answers(request, pk):
    """Answer the criteria one by one; saved all or nothing, submitted when asked."""
    assessment = get_scoped_or_404(
        Assessment.objects.select_related("unit", "criteria_set"), request.user, Capability.ORGANISATION_WRITE, pk=pk
    )
    if not assessment.is_editable:
        messages.error(
            request,
            _("This assessment is %(state)s: it can no longer be changed.")
            % {"state": assessment.get_state_display().lower()},
        )
        return redirect(assessment)
    answers = {answer.item_id: answer for answer in assessment.answers.all()}
    sections = _sections(assessment, answers)
    data, files = (request.POST, request.FILES) if request.method == "POST" else (None, None)
    forms = {
        entry["item"].pk: AnswerForm(data, files, item=entry["item"], answer=entry["answer"])
        for section in sections
        for entry in section["items"]
    }
    for section in sections:
        for entry in section["items"]:
            entry["form"] = forms[entry["item"].pk]
    version = assessment.version
    errors = []
    status = 200
    if request.method == "POST":
        try:
            version = int(request.POST.get("version", ""))
        except ValueError:
            version = -1
        if all(form.is_valid() for form in forms.values()):
            inputs = [
                services.AnswerInput(
                    form.item,
                    form.met_value,
                    form.cleaned_data["evidence"],
                    form.new_attachment,
                    form.remove_attachment,
                )
                for form in forms.values()
            ]
            try:
                services.answers_save(assessment=assessment, user=request.user, version=version, answers=inputs)
            except services.StaleAssessment as error:
                # Saving again from this page is a deliberate overwrite, after the user compared.
                errors = error.messages
                version = Assessment.objects.values_list("version", flat=True).get(pk=assessment.pk)
            except ValidationError as error:
                errors = _answer_errors(error, forms)
            except submissions.SAVE_FAILURES as error:
                # The database or the disk failed: the page keeps what was entered, no file is left behind.
                logger.exception("Saving the answers failed: %s", error)
                errors, status = [submissions.failure_message()], 503
            else:
                messages.success(request, _("The answers were saved."))
                if "submit" in request.POST:
                    return _submit(request, assessment)
                return redirect(assessment)
        else:
            errors = [_("Some answers need fixing: see the criteria marked below. Nothing was saved.")]
        if request.FILES:
            errors.append(_("Files are not kept when a page is refused: choose them again."))
    return render(
        request,
        "reports/assessment_answers.html",
        {"assessment": assessment, "sections": sections, "version": version, "errors": errors},
        status=status,
    )


def _answer_errors(error: ValidationError, forms: dict) -> list[str]:
    """Per-criterion problems go on their form; the rest are shown at the top."""
    if not hasattr(error, "error_dict"):
        return error.messages
    general: list[str] = []
    for key, problems in error.error_dict.items():
        form = forms.get(int(key)) if key.isdigit() else None
        if form is not None:
            form.add_error(None, problems)
        else:
            general.extend(message for problem in problems for message in problem.messages)
    return general or [_("Some answers need fixing: see the criteria marked below. Nothing was saved.")]


def _submit(request, assessment):
    try:
        services.assessment_submit(assessment=assessment, user=request.user)
    except ValidationError as error:
        messages.error(request, _error_text(error))
    else:
        messages.success(request, _("The assessment was submitted to the superior level."))
    return redirect(assessment)


@login_required
@require_POST
def assessment_submit(request, pk):
    assessment = get_scoped_or_404(Assessment.objects.all(), request.user, Capability.ORGANISATION_WRITE, pk=pk)
    return _submit(request, assessment)


@login_required
@require_POST
def assessment_decide(request, pk):
    assessment = get_scoped_or_404(Assessment.objects.all(), request.user, Capability.ORGANISATION_CONFIRM, pk=pk)
    form = DecisionForm(request.POST)
    if not form.is_valid():
        messages.error(request, " ".join(message for errors in form.errors.values() for message in errors))
        return redirect(assessment)
    confirm = form.cleaned_data["decision"] == DecisionForm.CONFIRM
    try:
        services.assessment_decide(
            assessment=assessment, user=request.user, confirm=confirm, comment=form.cleaned_data["comment"]
        )
    except ValidationError as error:
        messages.error(request, _error_text(error))
    else:
        messages.success(
            request,
            _("The assessment was confirmed.") if confirm else _("The assessment was returned to the commune."),
        )
    return redirect(assessment)


@login_required
def answer_file(request, pk):
    """An attached file, to those who may read its assessment (404 for anyone else)."""
    assessment = get_scoped_or_404(Assessment.objects.all(), request.user, Capability.ORGANISATION_READ, answers__pk=pk)
    answer = get_object_or_404(AssessmentAnswer, pk=pk, assessment=assessment)
    if not answer.attachment:
        raise Http404
    try:
        handle = answer.attachment.open("rb")
    except FileNotFoundError:
        raise Http404 from None
    return FileResponse(handle, as_attachment=True, filename=os.path.basename(answer.attachment.name))
