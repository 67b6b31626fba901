"""Pages of the reintegration app.

Persons' names and identities are for police roles only (Capability.PERSONS_READ): every person
URL scopes through communes/permissions.py, so a committee member or an officer of another commune
gets 404. Committees see the counts page (Capability.RECORD_COUNTS), which holds numbers only.
Every view of a person's page and every export is written to the read log. The list and its
exports are the generic ones (communes/record_views.py), declared in records.py.
"""

from functools import partial

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from basecurity.lib import periods
from basecurity.lib.collation import vi
from communes import submissions
from communes.models import Level
from communes.permissions import (
    Capability,
    can,
    get_scoped_or_404,
    require,
    scope,
    units_with,
)
from communes.record_views import paginate
from incidents.models import Incident

from . import services
from .forms import PersonForm, ReoffenceForm, StatusForm, SupportActionForm
from .models import Person, Status


def _persons(user, capability=Capability.PERSONS_READ):
    return scope(Person.objects.all(), user, capability)


def _timeline(person):
    """Support actions, statuses and reoffences merged by date, newest first."""
    entries = [{"date": action.date, "kind": "support", "object": action} for action in person.support_actions.all()]
    entries += [{"date": status.as_of, "kind": "status", "object": status} for status in person.statuses.all()]
    entries += [
        {"date": reoffence.date, "kind": "reoffence", "object": reoffence}
        for reoffence in person.reoffences.select_related("incident", "incident__category")
    ]
    order = {"reoffence": 0, "status": 1, "support": 2}
    entries.sort(key=lambda entry: (entry["date"], -order[entry["kind"]], entry["object"].pk), reverse=True)
    return entries


def _unit_incidents(person):
    return Incident.objects.filter(unit=person.unit).select_related("category").order_by("-occurred_on", "-id")


def _render_detail(request, person, *, support_form=None, status_form=None, reoffence_form=None, status=200):
    can_write = can(request.user, Capability.PERSONS_WRITE, person.unit)
    if can_write:
        support_form = support_form or SupportActionForm(instance=None)
        status_form = status_form or StatusForm()
        reoffence_form = reoffence_form or ReoffenceForm(incidents=_unit_incidents(person))
    services.log_person_read(user=request.user, person=person, what="person page (all fields, timeline, history)")
    return render(
        request,
        "reintegration/person_detail.html",
        {
            "person": person,
            "timeline": _timeline(person),
            "history": person.history.select_related("history_user")[:50],
            "can_write": can_write,
            "support_form": support_form,
            "status_form": status_form,
            "reoffence_form": reoffence_form,
        },
        status=status,
    )


def _person_or_404(request, pk, capability=Capability.PERSONS_READ):
    return get_scoped_or_404(
        Person.objects.select_related("unit", "village", "assigned_officer"), request.user, capability, pk=pk
    )


@login_required
def person_detail(request, pk):
    return _render_detail(request, _person_or_404(request, pk))


@login_required
def person_edit(request, pk=None):
    require(request.user, Capability.PERSONS_WRITE)
    if not pk and (earlier := submissions.already_created(request)) is not None:
        messages.success(request, submissions.already_saved_message())
        return redirect("reintegration:person_detail", pk=earlier.pk)
    person = _person_or_404(request, pk, Capability.PERSONS_WRITE) if pk else Person()
    units = units_with(request.user, Capability.PERSONS_WRITE)
    form = PersonForm(request.POST or None, instance=person, units=units, user=request.user)
    outcome = submissions.SaveOutcome()
    if request.method == "POST" and form.is_valid():
        fields = {name: form.cleaned_data[name] for name in form.Meta.fields}
        if person.pk:
            save = partial(services.person_update, person=person, user=request.user, version=form.version, **fields)
            done = _("The person's record was saved.")
        else:
            save = partial(services.person_create, user=request.user, **fields)
            done = _("The person was registered.")
        outcome = submissions.save_outcome(request, form, save, create=not person.pk)
        if outcome.saved:
            messages.success(request, submissions.already_saved_message() if outcome.again else done)
            return redirect("reintegration:person_detail", pk=outcome.record.pk)
    if person.pk:  # the page shows every field, the full citizen ID included
        services.log_person_read(
            user=request.user, person=person, what="person edit page (all fields, full citizen ID)"
        )
    return render(
        request,
        "reintegration/person_form.html",
        {"form": form, "object": person if person.pk else None, "stale": outcome.stale},
        status=outcome.status,
    )


@login_required
@require_POST
def support_add(request, pk):
    person = _person_or_404(request, pk, Capability.PERSONS_WRITE)
    form = SupportActionForm(request.POST, instance=_new(person, "support"))
    return _add_to_person(
        request, person, form, "support_form", services.support_action_add, _("The support action was recorded.")
    )


@login_required
@require_POST
def status_add(request, pk):
    person = _person_or_404(request, pk, Capability.PERSONS_WRITE)
    form = StatusForm(request.POST, instance=_new(person, "status"))
    return _add_to_person(request, person, form, "status_form", services.status_record, _("The status was recorded."))


@login_required
@require_POST
def reoffence_add(request, pk):
    person = _person_or_404(request, pk, Capability.PERSONS_WRITE)
    form = ReoffenceForm(request.POST, instance=_new(person, "reoffence"), incidents=_unit_incidents(person))
    return _add_to_person(
        request, person, form, "reoffence_form", services.reoffence_record, _("The reoffence was recorded.")
    )


def _add_to_person(request, person, form, form_name: str, service, done: str):
    """Record a support action, a status or a reoffence from the person's page, once per form sent.

    A refusal of the service (e.g. a date in a locked period, communes/locks.py) or a failure of
    the database shows the page again with the form as typed."""
    if submissions.already_created(request) is not None:
        messages.success(request, submissions.already_saved_message())
        return redirect("reintegration:person_detail", pk=person.pk)
    outcome = submissions.SaveOutcome(status=400)
    if form.is_valid():
        fields = {name: form.cleaned_data[name] for name in form._meta.fields}
        outcome = submissions.save_outcome(
            request, form, partial(service, person=person, user=request.user, **fields), create=True
        )
        if outcome.saved:
            messages.success(request, submissions.already_saved_message() if outcome.again else done)
            return redirect("reintegration:person_detail", pk=person.pk)
    return _render_detail(request, person, status=outcome.status, **{form_name: form})


def _new(person, kind):
    from .models import Reoffence, SupportAction

    model = {"support": SupportAction, "status": Status, "reoffence": Reoffence}[kind]
    return model(person=person)


@login_required
def needs_attention(request):
    require(request.user, Capability.PERSONS_READ)
    today = timezone.localdate()
    persons = (
        _persons(request.user)
        .needs_attention(today)
        .select_related("unit", "village")
        .order_by("management_end", "-returned_on", "pk")
    )
    page = paginate(request, persons)
    services.log_persons_listed(user=request.user, persons=page, what=f"needs attention page {page.number}")
    headings = [_("File number"), _("Full name"), _("Commune"), _("Why")]
    return render(request, "reintegration/needs_attention.html", {"page": page, "today": today, "headings": headings})


@login_required
def counts(request):
    """Numbers only, per commune in scope, for the reporting year to date: no name, no ID."""
    require(request.user, Capability.RECORD_COUNTS)
    today = timezone.localdate()
    period = periods.period_of(today).cut_at(today)
    units = list(units_with(request.user, Capability.RECORD_COUNTS).filter(level=Level.COMMUNE).order_by(vi("name")))
    rows = scope(Person.objects.all(), request.user, Capability.RECORD_COUNTS).rates_by_unit(units, period)
    return render(request, "reintegration/counts.html", {"rows": rows, "period": period})
