"""Pages of the communes app: a unit's workspace, steering committees, self-management teams (their
lists are the generic ones, communes/record_views.py, declared in records.py)."""

from functools import partial

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.db.models import Count
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _

from basecurity.lib.collation import vi

from . import services, submissions
from .forms import (
    CommitteeMemberFormSet,
    MemberFormSetHelper,
    SelfManagementTeamForm,
    SteeringCommitteeForm,
    TeamMemberFormSet,
)
from .models import SelfManagementTeam, SteeringCommittee
from .permissions import Capability, can, get_scoped_or_404, require, units_with


@login_required
def unit_detail(request, pk):
    unit = get_object_or_404(units_with(request.user, Capability.DASHBOARD), pk=pk)
    children = unit.children.order_by(vi("name"))
    context = {
        "unit": unit,
        "children": children,
        "committees": SteeringCommittee.objects.filter(unit=unit).annotate(member_count=Count("members")),
        "team_count": SelfManagementTeam.objects.within(unit).filter(dissolved_on__isnull=True).count(),
        "can_write": can(request.user, Capability.ORGANISATION_WRITE, unit),
        "can_read_organisation": can(request.user, Capability.ORGANISATION_READ, unit),
    }
    return render(request, "communes/unit_detail.html", context)


@login_required
def committee_detail(request, pk):
    return _organisation_detail(request, SteeringCommittee.objects.select_related("unit"), pk, "committee", "unit")


@login_required
def committee_edit(request, pk=None):
    return _organisation_edit(
        request,
        pk,
        form_class=SteeringCommitteeForm,
        members_class=CommitteeMemberFormSet,
        title=_("Edit steering committee") if pk else _("New steering committee"),
        list_url="communes:committee_list",
        saved_message=_("The steering committee was saved."),
    )


@login_required
def team_detail(request, pk):
    return _organisation_detail(
        request, SelfManagementTeam.objects.select_related("village", "village__parent"), pk, "team", "village"
    )


@login_required
def team_edit(request, pk=None):
    return _organisation_edit(
        request,
        pk,
        form_class=SelfManagementTeamForm,
        members_class=TeamMemberFormSet,
        title=_("Edit self-management team") if pk else _("New self-management team"),
        list_url="communes:team_list",
        saved_message=_("The self-management team was saved."),
    )


def _organisation_detail(request, queryset, pk, context_name, unit_field):
    """Detail page of a committee or a team, with its members and the history of changes."""
    organisation = get_scoped_or_404(queryset, request.user, Capability.ORGANISATION_READ, pk=pk)
    template = f"communes/{queryset.model._meta.model_name}_detail.html"
    return render(
        request,
        template,
        {
            context_name: organisation,
            "organisation": organisation,
            "edit_url": f"communes:{context_name}_update",
            "members": organisation.members.all(),
            "history": organisation.history.select_related("history_user")[:50],
            "can_write": can(request.user, Capability.ORGANISATION_WRITE, getattr(organisation, unit_field)),
        },
    )


def _organisation_edit(request, pk, *, form_class, members_class, title, list_url, saved_message):
    """Create or edit a committee or a team together with its members (one form, one formset)."""
    require(request.user, Capability.ORGANISATION_WRITE)
    if not pk and (earlier := submissions.already_created(request)) is not None:
        messages.success(request, submissions.already_saved_message())
        return redirect(earlier)
    model = form_class._meta.model
    organisation = (
        get_scoped_or_404(model.objects.all(), request.user, Capability.ORGANISATION_WRITE, pk=pk) if pk else model()
    )
    units = units_with(request.user, Capability.ORGANISATION_WRITE)
    form = form_class(request.POST or None, instance=organisation, units=units)
    members = members_class(request.POST or None, instance=organisation, prefix="members")
    outcome = submissions.SaveOutcome()
    if request.method == "POST" and form.is_valid() and members.is_valid():
        save = partial(
            services.organisation_save,
            organisation=form.save(commit=False),
            members=members,
            version=form.version if pk else None,
        )
        outcome = submissions.save_outcome(request, form, save, create=not pk)
        if outcome.saved:
            messages.success(request, submissions.already_saved_message() if outcome.again else saved_message)
            return redirect(outcome.record)
    return render(
        request,
        "communes/organisation_form.html",
        {
            "title": title,
            "list_url": list_url,
            "form": form,
            "members": members,
            "members_helper": MemberFormSetHelper(),
            "object": organisation.pk and organisation,
            "stale": outcome.stale,
        },
        status=outcome.status,
    )
