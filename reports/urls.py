from django.urls import path

from communes import record_views

from . import views
from .criteria import views as criteria_views

app_name = "reports"
urlpatterns = [
    path("", record_views.record_list, {"kind": "report"}, name="report_list"),
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
    path("district/report.docx", views.district_report_docx, name="district_report_docx"),
    path("lock-exceptions/", views.lock_exceptions, name="lock_exceptions"),
    path("lock-exceptions/<int:pk>/revoke/", views.lock_exception_revoke, name="lock_exception_revoke"),
]

# The criteria assessment (reports/criteria/views.py).
urlpatterns += [
    path("criteria/", criteria_views.assessment_list, name="assessment_list"),
    path("criteria/new/", criteria_views.assessment_start, name="assessment_start"),
    path("criteria/<int:pk>/", criteria_views.assessment_detail, name="assessment_detail"),
    path("criteria/<int:pk>/answers/", criteria_views.assessment_answers, name="assessment_answers"),
    path("criteria/<int:pk>/submit/", criteria_views.assessment_submit, name="assessment_submit"),
    path("criteria/<int:pk>/decide/", criteria_views.assessment_decide, name="assessment_decide"),
    path("criteria/files/<int:pk>/", criteria_views.answer_file, name="answer_file"),
]
