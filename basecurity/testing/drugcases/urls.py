from django.urls import path

from communes import record_views

app_name = "drugcases"
urlpatterns = [path("", record_views.record_list, {"kind": "drugcase"}, name="drugcase_list")]
