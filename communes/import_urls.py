"""The import pages of every kind (communes/import_views.py): imports:start and imports:template
take the import kind (`incidents`, `reintegration_persons`, ...: communes/imports.py)."""

from django.urls import path

from . import import_views

app_name = "imports"

urlpatterns = [
    path("", import_views.job_list, name="list"),
    path("<str:kind>/new/", import_views.start, name="start"),
    path("<str:kind>/template.xlsx", import_views.template, name="template"),
    path("jobs/<int:pk>/", import_views.job_detail, name="job"),
    path("jobs/<int:pk>/confirm/", import_views.confirm, name="confirm"),
    path("jobs/<int:pk>/retry/", import_views.retry, name="retry"),
]
