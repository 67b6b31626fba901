"""Export (download) of the record lists: incidents:export.

It takes the list's kind in the URL (incident, tip, accident, ...: kinds.KINDS); every kind can be
exported. Access goes through communes/permissions.py: exporting needs RECORDS_READ and holds the
user's scope and the list's filters (kinds.filtered_records); otherwise 404. Imports are the pages
of every kind, communes/import_views.py (imports:start).
"""

from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpResponse
from django.utils import timezone
from django.utils.text import capfirst

from basecurity.lib import tabular
from communes.permissions import Capability, require, scope_label

from .exports import EXPORTS, FORMATS, IMPORT_KINDS
from .kinds import KINDS, filtered_records

LAYOUTS = ("people", "import")


def _kind_or_404(kind: str, table: dict):
    if kind not in table:
        raise Http404
    return KINDS[kind]


def export_heading(config, form, user) -> list[str]:
    """The title rows of an export for people: the list, its unit (filter or the user's), its period."""
    values = form.cleaned_data if form.is_valid() else {}
    return tabular.heading_lines(
        str(capfirst(config.verbose_name_plural)),
        units=scope_label(user, Capability.RECORDS_READ, values.get("unit")),
        user=user,
        start=values.get("start"),
        end=values.get("end"),
    )


@login_required
def export(request, kind):
    """The list's records (scope, filters and search of the list page) as ?format=csv or xlsx, for
    people by default, in the import layout with ?layout=import."""
    config = _kind_or_404(kind, EXPORTS)
    require(request.user, Capability.RECORDS_READ)
    fmt = request.GET.get("format", "csv")
    layout = request.GET.get("layout", "people")
    if fmt not in FORMATS or layout not in LAYOUTS:
        raise Http404
    form, records = filtered_records(config, request.user, request.GET)
    name = IMPORT_KINDS.get(kind, config.slug)
    heading = export_heading(config, form, request.user) if layout == "people" else ()
    content = EXPORTS[kind].write(records, fmt, title=name, layout=layout, heading=heading)
    response = HttpResponse(content, content_type=FORMATS[fmt])
    stamp = timezone.localtime().strftime("%Y%m%d-%H%M")
    response["Content-Disposition"] = f'attachment; filename="{name}-{stamp}.{fmt}"'
    response["Cache-Control"] = "no-store"
    return response
