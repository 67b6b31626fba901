from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.urls import include, path

from communes import record_views

from . import views

urlpatterns = [
    path("", views.home, name="home"),
    path("accounts/login/", auth_views.LoginView.as_view(), name="login"),
    path("accounts/logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("accounts/password/", auth_views.PasswordChangeView.as_view(), name="password_change"),
    path("accounts/password/done/", auth_views.PasswordChangeDoneView.as_view(), name="password_change_done"),
    path("i18n/", include("django.conf.urls.i18n")),
    path("healthz", views.healthz, name="healthz"),
    path("readyz", views.readyz, name="readyz"),
    # The export of every list (communes/record_kinds.py): /export/incident.csv?<the list's filters>
    path("export/<slug:kind>.<slug:fmt>", record_views.export, name="export"),
    path("units/", include("communes.urls")),
    path("imports/", include("communes.import_urls")),
    path("records/", include("incidents.urls")),
    path("reintegration/", include("reintegration.urls")),
    path("dashboards/", include("dashboards.urls")),
    path("reports/", include("reports.urls")),
    path("admin/", admin.site.urls),
]

handler500 = "basecurity.views.server_error"

admin.site.site_header = "basecurity"
admin.site.site_title = "basecurity"
