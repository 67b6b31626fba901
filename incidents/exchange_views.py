"""Import (upload) of the record lists: incidents:import and its template.

Both take the list's kind in the URL (incident, tip, accident, ...: records.KINDS). Only the four
kinds that have an import format can be uploaded (exports.IMPORT_KINDS); exports are the lists'
own (communes/record_views.py). Uploading needs RECORDS_WRITE, and the importer refuses rows of
communes where the user may not write. Otherwise 404.
"""

from crispy_forms.helper import FormHelper
from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.text import capfirst
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from communes import submissions
from communes.permissions import Capability, require
from communes.submissions import GuardedForm

from .exports import EXPORTS, FORMATS, IMPORT_KINDS
from .importers import IMPORTERS
from .models import IncidentCategory, TipDecision, TipKind
from .records import KINDS

MAX_UPLOAD_MB = 50  # a commune's yearly book is far smaller; 100,000 incident rows are about 8 MB


class ImportForm(GuardedForm, forms.Form):
    file = forms.FileField(
        label=gettext_lazy("File (.csv or .xlsx)"),
        help_text=gettext_lazy(
            "CSV in UTF-8 or an Excel workbook (first sheet), with the columns below in the first row."
        ),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = FormHelper()
        self.helper.form_tag = False
        self.helper.disable_csrf = True

    def clean_file(self):
        upload = self.cleaned_data["file"]
        if not upload.name.lower().endswith((".csv", ".xlsx")):
            raise forms.ValidationError(_("Only .csv and .xlsx files can be imported."))
        if upload.size > MAX_UPLOAD_MB * 1024 * 1024:
            raise forms.ValidationError(_("The file is larger than %(size)d MB.") % {"size": MAX_UPLOAD_MB})
        return upload


def _kind_or_404(kind: str, table: dict):
    if kind not in table:
        raise Http404
    return KINDS[kind]


def _allowed_values(import_kind: str) -> dict[str, list[tuple[str, str]]]:
    """The values a column accepts, each code with its name (either may be written)."""
    if import_kind == "incidents":
        categories = IncidentCategory.objects.order_by("code").values_list("code", "name")
        return {"category": list(categories)}
    if import_kind == "crime_tips":
        return {"kind": list(TipKind.choices), "decision": list(TipDecision.choices)}
    return {}


def import_guide(kind: str) -> list[dict]:
    """One row per import column: its code, its title in an export for people, the allowed values."""
    titles = {}
    for column in EXPORTS[kind].people:
        if column.source:
            titles.setdefault(column.source, str(capfirst(column.title)))
    allowed = _allowed_values(IMPORT_KINDS[kind])
    return [
        {"column": name, "title": titles.get(name, ""), "allowed": allowed.get(name, [])}
        for name in IMPORTERS[IMPORT_KINDS[kind]].columns
    ]


@login_required
def import_file(request, kind):
    """Upload a file of one import kind: the table of errors (nothing written), or the count imported."""
    config = _kind_or_404(kind, IMPORT_KINDS)
    require(request.user, Capability.RECORDS_WRITE)
    import_kind = IMPORT_KINDS[kind]
    importer_class = IMPORTERS[import_kind]
    if submissions.already_created(request) is not None:  # the same form sent again
        messages.success(request, submissions.already_saved_message())
        return redirect(reverse(f"incidents:{kind}_list"))
    form = ImportForm(request.POST or None, request.FILES or None)
    result = None
    outcome = submissions.SaveOutcome()
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["file"]
        runs = []

        def run():
            runs.append(importer_class(user=request.user).run(upload.read(), upload.name))
            return runs[-1].imported_file

        outcome = submissions.save_outcome(request, form, run, create=True)
        result = runs[-1] if runs and not outcome.again else None
        if outcome.again:
            messages.success(request, submissions.already_saved_message())
            return redirect(reverse(f"incidents:{kind}_list"))
        if result is not None and result.ok:
            messages.success(
                request,
                _("%(count)d records were imported from %(name)s.") % {"count": result.written, "name": upload.name},
            )
            return redirect(reverse(f"incidents:{kind}_list"))
    return render(
        request,
        "incidents/import_form.html",
        {
            "kind": kind,
            "config": config,
            "import_kind": import_kind,
            "columns": importer_class.columns,
            "guide": import_guide(kind),
            "form": form,
            "result": result,
        },
        status=outcome.status if outcome.status != 200 else (400 if result is not None or form.errors else 200),
    )


@login_required
def import_template(request, kind):
    """The import layout with no rows ("Tệp mẫu để nhập"), to fill in and upload."""
    _kind_or_404(kind, IMPORT_KINDS)
    require(request.user, Capability.RECORDS_WRITE)
    response = HttpResponse(EXPORTS[kind].template(), content_type=FORMATS["xlsx"])
    response["Content-Disposition"] = f'attachment; filename="mau-nhap-{IMPORT_KINDS[kind]}.xlsx"'
    return response
