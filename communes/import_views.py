"""The import pages of every kind (communes/imports.py registry; docs/import-formats.md).

- `imports:start` (kind): the upload form, the guide (columns, titles, allowed values) and the
  template file; a post stores the file and queues its check (communes/jobs.py), then shows the job.
- `imports:template` (kind): the import layout with no rows.
- `imports:list`: the user's own imports; `imports:job` (pk): one of them, refreshed while it runs,
  with its row errors, the counts to confirm, or the link to the records; `imports:confirm` and
  `imports:retry` (pk, POST) move it on.
Uploading needs the kind's capability (RECORDS_WRITE, PERSONS_WRITE) somewhere, else 404; the
importer refuses rows of units where the user may not write. A job is its user's only: anyone
else gets 404. No request reads or writes the rows: gunicorn's timeout never meets a big file.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, cast

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseBase
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from . import jobs, submissions
from .forms import ImportForm
from .imports import ImportKind, import_kind
from .models import ImportJob
from .permissions import own_or_404, require
from .record_views import paginate

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
REFRESH_SECONDS = 2  # how often a running job's page reloads itself

if TYPE_CHECKING:
    from django.contrib.auth.models import AnonymousUser, User


def _signed_in(request: HttpRequest) -> User:
    """The user of a login_required view (an anonymous one never gets here)."""
    user = request.user
    if not user.is_authenticated:
        raise Http404
    return user


def _kind_or_404(user: User | AnonymousUser, key: str) -> ImportKind:
    kind = import_kind(key)
    if kind is None:
        raise Http404
    require(user, kind.capability)
    return kind


@login_required
def start(request: HttpRequest, kind: str) -> HttpResponseBase:
    """Upload a file of one kind: stored and queued; the job's page follows it."""
    chosen = _kind_or_404(request.user, kind)
    user = _signed_in(request)
    if (earlier := submissions.already_created(request)) is not None:  # the same form sent again
        messages.success(request, submissions.already_saved_message())
        return redirect(cast(ImportJob, earlier))  # the record a post of this page creates
    form = ImportForm(request.POST or None, request.FILES or None)
    outcome = submissions.SaveOutcome()
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["file"]
        outcome = submissions.save_outcome(
            request, form, lambda: jobs.job_start(user=user, kind=chosen, upload=upload), create=True
        )
        if outcome.again:
            messages.success(request, submissions.already_saved_message())
        if outcome.saved:
            return redirect(cast(ImportJob, outcome.record))  # saved: the job created
    recent = ImportJob.objects.filter(user=user, kind=chosen.key)[:5]
    return render(
        request,
        "communes/import.html",
        {"kind": chosen, "guide": chosen.guide(), "form": form, "recent": recent},
        status=outcome.status if outcome.status != 200 else (400 if form.errors else 200),
    )


@login_required
def template(request: HttpRequest, kind: str) -> HttpResponse:
    """The import layout with no rows ("Tệp mẫu để nhập"), to fill in and upload."""
    chosen = _kind_or_404(request.user, kind)
    response = HttpResponse(chosen.template(), content_type=XLSX)
    response["Content-Disposition"] = f'attachment; filename="mau-nhap-{chosen.key}.xlsx"'
    return response


@login_required
def job_list(request: HttpRequest) -> HttpResponse:
    """The user's own imports, newest first."""
    page = paginate(request, ImportJob.objects.filter(user=_signed_in(request)))
    for job in page:
        job.kind_label = _label(job.kind)  # for the list's template only
    return render(request, "communes/import_job_list.html", {"page": page})


@login_required
def job_detail(request: HttpRequest, pk: int) -> HttpResponse:
    job = own_or_404(ImportJob.objects.all(), request.user, pk=pk)
    kind = import_kind(job.kind)
    return render(
        request,
        "communes/import_job.html",
        {
            "job": job,
            "kind": kind,
            "progress": jobs.progress_of(job),
            "refresh": REFRESH_SECONDS if job.running else None,
            "errors": job.row_errors,
            "more_errors": job.error_count - len(job.row_errors),
        },
    )


@login_required
@require_POST
def confirm(request: HttpRequest, pk: int) -> HttpResponseBase:
    return _move_on(request, pk, jobs.job_confirm, _("This import is not awaiting confirmation any more."))


@login_required
@require_POST
def retry(request: HttpRequest, pk: int) -> HttpResponseBase:
    return _move_on(request, pk, jobs.job_retry, _("This import cannot be run again; upload the file again."))


def _move_on(request: HttpRequest, pk: int, step: Callable[..., bool], refused: str) -> HttpResponseBase:
    """Confirm or retry the user's own job; `refused` when its state does not allow it."""
    job = own_or_404(ImportJob.objects.all(), request.user, pk=pk)
    if not step(job=job):
        messages.warning(request, refused)
    return redirect(job)


def _label(key: str) -> str:
    kind = import_kind(key)
    return str(kind.label) if kind is not None else key
