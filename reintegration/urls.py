from django.urls import path

from communes import record_views

from . import views

app_name = "reintegration"

urlpatterns = [
    path("", record_views.record_list, {"kind": "person"}, name="person_list"),
    path("new/", views.person_edit, name="person_create"),
    path("attention/", views.needs_attention, name="needs_attention"),
    path("counts/", views.counts, name="counts"),
    path("<int:pk>/", views.person_detail, name="person_detail"),
    path("<int:pk>/edit/", views.person_edit, name="person_update"),
    path("<int:pk>/support/", views.support_add, name="support_add"),
    path("<int:pk>/status/", views.status_add, name="status_add"),
    path("<int:pk>/reoffence/", views.reoffence_add, name="reoffence_add"),
]
