from django.urls import path

from . import views

app_name = "reports"
urlpatterns = [
    path("", views.report_list, name="report_list"),
    path("new/", views.report_create, name="report_create"),
    path("<int:pk>/", views.report_detail, name="report_detail"),
    path("<int:pk>/edit/", views.report_update, name="report_update"),
    path("<int:pk>/submit/", views.report_submit, name="report_submit"),
    path("<int:pk>/refresh/", views.report_refresh, name="report_refresh"),
    path("<int:pk>/approve/", views.report_approve, name="report_approve"),
    path("<int:pk>/return/", views.report_return, name="report_return"),
    path("<int:pk>/report.docx", views.report_docx, name="report_docx"),
    path("<int:pk>/print/", views.report_print, name="report_print"),
    path("timeliness/", views.timeliness_table, name="timeliness"),
    path("district/", views.district_report_view, name="district_report"),
]
