"""Project-level pages: the home page that sends each role to its work, and a health check."""

from django.contrib.auth.decorators import login_required
from django.db import connection
from django.http import HttpResponse
from django.shortcuts import redirect, render

from communes.permissions import Capability, has_capability, root_units
from dashboards.views import dashboard_url


@login_required
def home(request):
    user = request.user
    if user.is_superuser:
        return redirect("admin:index")
    # A user with one unit goes straight to it; several units are listed to choose from. Officers
    # (who record) land on their commune's page; committees and district police, who read figures,
    # on the dashboard of their unit.
    units = root_units(user, Capability.DASHBOARD)
    if len(units) == 1:
        if has_capability(user, Capability.RECORDS_WRITE):
            return redirect(units[0].get_absolute_url())
        return redirect(dashboard_url(units[0]))
    return render(
        request,
        "home.html",
        {"units": units, "can_write": has_capability(user, Capability.RECORDS_WRITE)},
    )


def healthz(request):
    """Liveness and database reachability, for the load balancer or a monitor."""
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")
    return HttpResponse("ok", content_type="text/plain")
