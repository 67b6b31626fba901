from django.urls import path

from . import record_views, views

app_name = "communes"

urlpatterns = [
    path("<int:pk>/", views.unit_detail, name="unit_detail"),
    path("committees/", record_views.record_list, {"kind": "committee"}, name="committee_list"),
    path("committees/new/", views.committee_edit, name="committee_create"),
    path("committees/<int:pk>/", views.committee_detail, name="committee_detail"),
    path("committees/<int:pk>/edit/", views.committee_edit, name="committee_update"),
    path("teams/", record_views.record_list, {"kind": "team"}, name="team_list"),
    path("teams/new/", views.team_edit, name="team_create"),
    path("teams/<int:pk>/", views.team_detail, name="team_detail"),
    path("teams/<int:pk>/edit/", views.team_edit, name="team_update"),
]
