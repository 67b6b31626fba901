from django.urls import path

from communes import record_views

from . import views
from .records import KINDS

app_name = "incidents"


def _record_urls(kind: str, slug: str) -> list:
    """List, create, detail, edit and delete of one kind: incidents:<kind>_list, <kind>_detail, ..."""
    extra = {"kind": kind}
    return [
        path(f"{slug}/", record_views.record_list, extra, name=f"{kind}_list"),
        path(f"{slug}/new/", views.record_edit, extra, name=f"{kind}_create"),
        path(f"{slug}/<int:pk>/", views.record_detail, extra, name=f"{kind}_detail"),
        path(f"{slug}/<int:pk>/edit/", views.record_edit, extra, name=f"{kind}_update"),
        path(f"{slug}/<int:pk>/delete/", views.record_delete, extra, name=f"{kind}_delete"),
    ]


urlpatterns = [
    path("tips/attention/", views.tip_attention, name="tip_attention"),
    path("tips/<int:pk>/handover/", views.tip_hand_over, name="tip_hand_over"),
    path("tips/<int:pk>/extend/", views.tip_extend, name="tip_extend"),
    path("tips/<int:pk>/decide/", views.tip_decide, name="tip_decide"),
    path("tips/extensions/<int:pk>/delete/", views.tip_extension_delete, name="tip_extension_delete"),
    path("businesses/<int:pk>/inspections/new/", views.inspection_create, name="inspection_create"),
    path("inspections/<int:pk>/edit/", views.inspection_update, name="inspection_update"),
    path("inspections/<int:pk>/delete/", views.inspection_delete, name="inspection_delete"),
]
for _kind in KINDS.values():
    urlpatterns += _record_urls(_kind.kind, _kind.slug)
