"""Pages of the incidents app: one generic set of views for every kind of record (kinds.KINDS).

Each URL passes `kind` (incident, tip, accident, ...) and the views read the kind's model, form
and services from records.py; the lists are the generic ones (communes/record_views.py). Access always goes through communes/permissions.py: reading needs
RECORDS_READ (committees, which only see counts, get 404), writing RECORDS_WRITE on the record's
commune; an object outside the user's scope is 404 for GET and POST alike.
"""

from functools import partial

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from communes import submissions
from communes.forms import add_service_error
from communes.permissions import Capability, can, get_scoped_or_404, require, units_with
from communes.record_views import paginate

from . import services
from .forms import (
    BusinessInspectionForm,
    DeleteForm,
    SurrenderItemFormSet,
    SurrenderItemFormSetHelper,
    TipDecideForm,
    TipExtendForm,
    TipHandOverForm,
)
from .models import BusinessInspection, CrimeTipExtension, WeaponSurrender
from .records import KINDS, IncidentKind


def _templates(kind: IncidentKind, action: str) -> list[str]:
    """A kind may have its own template (incidents/crimetip_detail.html); the shared one otherwise."""
    return [f"incidents/{kind.model._meta.model_name}_{action}.html", f"incidents/record_{action}.html"]


def _record_or_404(request, kind: IncidentKind, pk, capability=Capability.RECORDS_READ):
    return get_scoped_or_404(kind.joined(), request.user, capability, pk=pk)


def _detail_url(kind: IncidentKind, record) -> str:
    return reverse(f"incidents:{kind.kind}_detail", args=[record.pk])


def _render_detail(request, kind: IncidentKind, record, status=200, stale=None, **forms):
    can_write = can(request.user, Capability.RECORDS_WRITE, record.unit)
    context = {
        "kind": kind.kind,
        "config": kind,
        "record": record,
        "history": record.history.select_related("history_user")[:50],
        "can_write": can_write,
        "today": timezone.localdate(),
        "stale": stale,
    }
    if kind.kind == "tip" and can_write:
        context |= {
            "handover_form": forms.get("handover_form") or TipHandOverForm(tip=record),
            "extend_form": forms.get("extend_form") or TipExtendForm(),
            "decide_form": forms.get("decide_form") or TipDecideForm(tip=record),
        }
    if kind.kind == "business" and can_write:
        context["inspection_form"] = forms.get("inspection_form") or BusinessInspectionForm()
    return render(request, _templates(kind, "detail"), context, status=status)


@login_required
def record_detail(request, kind, pk):
    kind = KINDS[kind]
    return _render_detail(request, kind, _record_or_404(request, kind, pk))


@login_required
def record_edit(request, kind, pk=None):
    """Create (no pk) or change a record through its kind's services."""
    kind = KINDS[kind]
    require(request.user, Capability.RECORDS_WRITE)
    if not pk and (earlier := submissions.already_created(request)) is not None:
        messages.success(request, submissions.already_saved_message())
        return redirect(_detail_url(kind, earlier))
    record = _record_or_404(request, kind, pk, Capability.RECORDS_WRITE) if pk else kind.model()
    units = units_with(request.user, Capability.RECORDS_WRITE)
    form = kind.form(request.POST or None, instance=record, units=units)
    items = None
    if kind.model is WeaponSurrender:
        items = SurrenderItemFormSet(_items_as_new(request.POST) or None, instance=record, prefix="items")
    outcome = submissions.SaveOutcome()
    if request.method == "POST" and form.is_valid() and (items is None or items.is_valid()):
        fields = {name: form.cleaned_data[name] for name in form._meta.fields}
        if items is not None:
            fields["items"] = [
                {name: row.cleaned_data[name] for name in ("item_type", "quantity", "description")}
                for row in items.forms
                if row.cleaned_data and not row.cleaned_data.get("DELETE")
            ]
        if pk:
            fields["version"] = form.version
            save = partial(kind.service_call("update"), **{kind.service: record}, user=request.user, **fields)
        else:
            save = partial(kind.service_call("create"), user=request.user, **fields)
        outcome = submissions.save_outcome(request, form, save, create=not pk)
        if outcome.saved:
            messages.success(
                request, submissions.already_saved_message() if outcome.again else _("The record was saved.")
            )
            return redirect(_detail_url(kind, outcome.record))
    return render(
        request,
        _templates(kind, "form"),
        {
            "kind": kind.key,
            "config": kind,
            "form": form,
            "items": items,
            "items_helper": SurrenderItemFormSetHelper(),
            "object": record if record.pk else None,
            "cancel_url": _detail_url(kind, record) if record.pk else reverse(f"incidents:{kind.kind}_list"),
            "stale": outcome.stale,
        },
        status=_form_status(outcome, form, items),
    )


def _items_as_new(data):
    """The posted item rows of a surrender, all as new rows: a save replaces the whole list
    (services.surrender_update), so the ids of the rows a form was opened with do not matter, and a
    form opened before someone else's save (whose rows are gone) can still be saved."""
    if not data:
        return data
    data = data.copy()
    data["items-INITIAL_FORMS"] = "0"
    for name in list(data):
        if name.startswith("items-") and name.endswith(("-id", "-surrender")):
            data[name] = ""
    return data


def _form_status(outcome: submissions.SaveOutcome, form, formset=None) -> int:
    """409 for a stale edit, 503 when the database or the disk failed, 400 for invalid input."""
    if outcome.status != 200:
        return outcome.status
    return 400 if form.errors or (formset is not None and formset.total_error_count()) else 200


def _confirm_delete(request, *, record, delete, title: str, cancel_url: str, done_url: str):
    """Ask for the reason, then call `delete(reason=...)`; the history keeps the reason."""
    form = DeleteForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            delete(reason=form.cleaned_data["reason"])
        except ValidationError as error:
            add_service_error(form, error)
        else:
            messages.success(request, _("The record was deleted."))
            return redirect(done_url)
    return render(
        request,
        "incidents/record_confirm_delete.html",
        {"form": form, "record": record, "title": title, "cancel_url": cancel_url},
        status=400 if form.errors else 200,
    )


@login_required
def record_delete(request, kind, pk):
    kind = KINDS[kind]
    record = _record_or_404(request, kind, pk, Capability.RECORDS_WRITE)

    def delete(reason):
        kind.service_call("delete")(**{kind.service: record}, user=request.user, reason=reason)

    return _confirm_delete(
        request,
        record=record,
        delete=delete,
        title=kind.verbose_name,
        cancel_url=_detail_url(kind, record),
        done_url=reverse(f"incidents:{kind.kind}_list"),
    )


# --- Crime tips: the overdue / due-soon page and the actions on a tip -------------------------


@login_required
def tip_attention(request):
    """Undecided tips that are overdue or fall due within 5 days, most urgent first."""
    require(request.user, Capability.RECORDS_READ)
    today = timezone.localdate()
    tips = KINDS["tip"].records(request.user).needing_attention(as_of=today)
    page = paginate(request, tips, 50)
    # Not handed to the investigating body in time (24 h, 48 h in remote communes): listed first, in red.
    late_handovers = KINDS["tip"].records(request.user).handover_overdue().order_by("handover_due_at", "id")
    return render(
        request,
        "incidents/tip_attention.html",
        {
            "page": page,
            "today": today,
            "kind": "tip",
            "late_handovers": late_handovers,
            "headings": [_("Deadline"), _("Tip"), _("Place"), _("Summary")],
            "late_headings": [_("Handover due at"), _("Tip"), _("Place"), _("Summary")],
        },
    )


def _tip_action(request, pk, form_class, form_name: str, service, *, creates: bool = False):
    """GET shows the tip page; a valid POST calls `service(tip=, user=, **form data)`, errors go to the field.

    An action that `creates` a row (an extension) does it once per form sent (communes/submissions.py)."""
    kind = KINDS["tip"]
    tip = _record_or_404(request, kind, pk, Capability.RECORDS_WRITE)
    if request.method != "POST":
        return _render_detail(request, kind, tip)
    if creates and submissions.already_created(request) is not None:
        messages.success(request, submissions.already_saved_message())
        return redirect(_detail_url(kind, tip))
    form = form_class(request.POST, **({} if creates else {"tip": tip}))
    outcome = submissions.SaveOutcome(status=400)
    if form.is_valid():
        data = {name: value for name, value in form.cleaned_data.items() if name != submissions.TOKEN_FIELD}
        save = partial(service, tip=tip, user=request.user, **data)
        outcome = submissions.save_outcome(request, form, save, create=creates)
        if outcome.saved:
            messages.success(
                request, submissions.already_saved_message() if outcome.again else _("The crime tip was updated.")
            )
            return redirect(_detail_url(kind, tip))
    # The service may have changed the instance before refusing: show the tip as stored (a stale action:
    # next to the officer's values, and the form holds the stored version to apply them deliberately).
    return _render_detail(
        request,
        kind,
        _record_or_404(request, kind, pk),
        status=outcome.status,
        stale=outcome.stale,
        **{form_name: form},
    )


@login_required
def tip_hand_over(request, pk):
    return _tip_action(request, pk, TipHandOverForm, "handover_form", services.tip_hand_over)


@login_required
def tip_extend(request, pk):
    return _tip_action(request, pk, TipExtendForm, "extend_form", services.tip_extend, creates=True)


@login_required
def tip_decide(request, pk):
    return _tip_action(request, pk, TipDecideForm, "decide_form", services.tip_decide)


@login_required
def tip_extension_delete(request, pk):
    extension = get_scoped_or_404(
        CrimeTipExtension.objects.select_related("tip"), request.user, Capability.RECORDS_WRITE, pk=pk
    )
    tip_url = _detail_url(KINDS["tip"], extension.tip)
    return _confirm_delete(
        request,
        record=extension,
        delete=lambda reason: services.tip_extension_delete(extension=extension, user=request.user, reason=reason),
        title=CrimeTipExtension._meta.verbose_name,
        cancel_url=tip_url,
        done_url=tip_url,
    )


# --- Inspections of a conditional business ---------------------------------------------------


def _inspection_or_404(request, pk):
    return get_scoped_or_404(BusinessInspection.objects.with_places(), request.user, Capability.RECORDS_WRITE, pk=pk)


def _inspection_form_page(request, form, business, status=200, stale=None):
    return render(
        request,
        "incidents/record_form.html",
        {
            "form": form,
            "config": KINDS["business"],
            "title": _("Inspection of %(business)s") % {"business": business},
            "object": form.instance if form.instance.pk else None,
            "cancel_url": _detail_url(KINDS["business"], business),
            "stale": stale,
        },
        status=status,
    )


@login_required
def inspection_create(request, pk):
    kind = KINDS["business"]
    business = _record_or_404(request, kind, pk, Capability.RECORDS_WRITE)
    if submissions.already_created(request) is not None:
        messages.success(request, submissions.already_saved_message())
        return redirect(_detail_url(kind, business))
    form = BusinessInspectionForm(request.POST or None, instance=BusinessInspection(business=business))
    outcome = submissions.SaveOutcome()
    if request.method == "POST" and form.is_valid():
        fields = {name: form.cleaned_data[name] for name in form._meta.fields}
        save = partial(services.inspection_create, user=request.user, business=business, **fields)
        outcome = submissions.save_outcome(request, form, save, create=True)
        if outcome.saved:
            messages.success(
                request, submissions.already_saved_message() if outcome.again else _("The inspection was recorded.")
            )
            return redirect(_detail_url(kind, business))
    return _inspection_form_page(request, form, business, status=_form_status(outcome, form))


@login_required
def inspection_update(request, pk):
    inspection = _inspection_or_404(request, pk)
    form = BusinessInspectionForm(request.POST or None, instance=inspection)
    outcome = submissions.SaveOutcome()
    if request.method == "POST" and form.is_valid():
        fields = {name: form.cleaned_data[name] for name in form._meta.fields}
        save = partial(
            services.inspection_update, inspection=inspection, user=request.user, version=form.version, **fields
        )
        outcome = submissions.save_outcome(request, form, save, create=False)
        if outcome.saved:
            messages.success(request, _("The inspection was saved."))
            return redirect(_detail_url(KINDS["business"], inspection.business))
    return _inspection_form_page(
        request, form, inspection.business, status=_form_status(outcome, form), stale=outcome.stale
    )


@login_required
def inspection_delete(request, pk):
    inspection = _inspection_or_404(request, pk)
    business_url = _detail_url(KINDS["business"], inspection.business)
    return _confirm_delete(
        request,
        record=inspection,
        delete=lambda reason: services.inspection_delete(inspection=inspection, user=request.user, reason=reason),
        title=BusinessInspection._meta.verbose_name,
        cancel_url=business_url,
        done_url=business_url,
    )
