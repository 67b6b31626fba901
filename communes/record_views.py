"""The list and the export of every record kind (communes/records.py): one view each.

Access goes through communes/permissions.py: the kind's read capability, else 404; the rows are
the user's scope under the list's filters (records.filtered), so an export holds exactly the
rows of its list, all pages at once.
"""

from typing import Any

from django.contrib.auth.decorators import login_required
from django.core.paginator import Page
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone

from basecurity.lib import paging

from .permissions import has_capability, require
from .record_kinds import KINDS, RecordKind, Records, export_heading, export_target, filtered

PAGE_SIZE = 25
FORMATS = {
    "csv": "text/csv; charset=utf-8",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
}
LAYOUTS = ("people", "import")


def paginate(request: HttpRequest, records: Records, per_page: int = PAGE_SIZE) -> Page[Any]:
    """The page of `records` asked for (?page=): every list pages through here, with the count
    capped (basecurity/lib/paging.py: "more than 5,000", pages within the first 5,000 rows)."""
    page: Page[Any] = paging.paginate(request, records, per_page)
    return page


def list_context(request: HttpRequest, kind: RecordKind, page: Page[Any], **extra: Any) -> dict[str, Any]:
    """What templates/records/list.html reads."""
    can_import = kind.importable and has_capability(request.user, kind.write)
    return {
        "kind": kind,
        "page": page,
        "can_create": kind.user_can_create(request.user),
        "can_import": can_import,
        "import_link": kind.import_link() if can_import else "",
        "query": request.GET.urlencode(),
        **extra,
    }


@login_required
def record_list(request: HttpRequest, kind: str) -> HttpResponse:
    record_kind = KINDS[kind]
    require(request.user, record_kind.read)
    filterset, records = filtered(record_kind, request.user, request.GET)
    page = paginate(request, record_kind.for_list(records))
    if record_kind.on_list:
        record_kind.on_list(request.user, page)
    extra = record_kind.list_context(request.user) if record_kind.list_context else {}
    return render(
        request,
        "records/list.html",
        list_context(request, record_kind, page, filter_form=filterset.form, filters_bound=filterset.is_bound, **extra),
    )


@login_required
def export(request: HttpRequest, kind: str, fmt: str) -> HttpResponse:
    """The list's rows (scope, filters and search of the list page) as CSV or XLSX: for people by
    default, in the import layout with ?layout=import."""
    target = export_target(kind)
    layout = request.GET.get("layout", "people")
    if target is None or fmt not in FORMATS or layout not in LAYOUTS:
        raise Http404
    record_kind, file = target
    require(request.user, record_kind.read)
    if layout == "import" and not file.columns:
        raise Http404
    filterset, records = filtered(record_kind, request.user, request.GET)
    name = file.name or file.import_kind or record_kind.key
    if record_kind.on_export:
        record_kind.on_export(request.user, records, f"export {name} ({fmt})")
    heading = export_heading(record_kind, file, filterset, request.user) if layout == "people" else ()
    content = file.write(records, fmt, title=name, layout=layout, heading=heading)
    response = HttpResponse(content, content_type=FORMATS[fmt])
    stamp = timezone.localtime().strftime("%Y%m%d-%H%M")
    response["Content-Disposition"] = f'attachment; filename="{name}-{stamp}.{fmt}"'
    response["Cache-Control"] = "no-store"
    return response
