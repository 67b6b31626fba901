from django.urls import path

from . import views

app_name = "dashboards"

urlpatterns = [
    path("", views.index, name="index"),
    path("unit/<int:pk>/", views.unit_detail, name="unit_detail"),
    path("unit/<int:pk>/overview/", views.unit_overview, name="unit_overview"),
    path("unit/<int:pk>/report/", views.report, name="report"),
    path("unit/<int:pk>/export.xlsx", views.export_xlsx, name="export_xlsx"),
    path("unit/<int:pk>/recompute/", views.recompute, name="recompute"),
    path("runs/<int:pk>/", views.run_status, name="run_status"),
]
