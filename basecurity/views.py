"""Project-level pages: the home page that sends each role to its work, and a health check."""

from django.contrib.auth.decorators import login_required
from django.db import connection
from django.http import HttpResponse
from django.shortcuts import redirect, render

from communes.permissions import Capability, has_capability, root_units


@login_required
def home(request):
    user = request.user
    if user.is_superuser:
        return redirect("admin:index")
    # A user with one unit goes straight to it; several units are listed to choose from.
    units = root_units(user, Capability.DASHBOARD)
    if len(units) == 1:
        return redirect(units[0].get_absolute_url())
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
