"""Project-level pages: the home page that sends each role to its work, liveness and readiness."""

import logging
import sys

from celery import current_app
from django.contrib.auth.decorators import login_required
from django.db import DatabaseError, InterfaceError, OperationalError, connection
from django.http import HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.template import loader
from django.views import defaults
from kombu.exceptions import OperationalError as BrokerError

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


logger = logging.getLogger(__name__)


def healthz(request):
    """Liveness, cheap: the process answers and reaches its database (one query, no broker);
    503 when the database does not answer."""
    if not _database_answers():
        return HttpResponse("database unavailable", content_type="text/plain", status=503)
    return HttpResponse("ok", content_type="text/plain")


def _database_answers() -> bool:
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
        return True
    except DatabaseError:
        logger.warning("readyz: the database does not answer", exc_info=True)
        return False


def _broker_answers() -> bool | None:
    """Whether the broker answers within about a second; None when there is none (in-process tasks)."""
    conf = current_app.conf
    if conf.task_always_eager:
        return None
    with current_app.connection_for_write() as conn:
        try:
            conn.ensure_connection(max_retries=1, interval_start=0, interval_step=0, timeout=1)
            client = getattr(conn.default_channel, "client", None)
            if client is not None and hasattr(client, "ping"):  # Redis: a round trip, not only a socket
                client.ping()
        # kombu's own (it wraps the transport's on connecting), then the transport's (Redis' ping)
        except (BrokerError, *conn.connection_errors, *conn.channel_errors):
            logger.warning("readyz: the broker does not answer", exc_info=True)
            return False
    return True


def readyz(request):
    """Readiness, for the load balancer: 200 when the database and the broker answer, else 503
    naming what failed (JSON). Answers within about two seconds when the broker is down."""
    broker = _broker_answers()
    checks = {
        "database": "ok" if _database_answers() else "unavailable",
        "broker": "in-process" if broker is None else "ok" if broker else "unavailable",
    }
    ready = "unavailable" not in checks.values()
    response = JsonResponse({"status": "ready" if ready else "unavailable", **checks}, status=200 if ready else 503)
    response["Cache-Control"] = "no-store"
    return response


RETRY_AFTER_SECONDS = 30


def server_error(request):
    """handler500: the 503 page (Retry-After) when the database does not answer, wherever that
    was found out (a view, or a middleware reading the session); otherwise the 500 page. Both are
    rendered without the request's context (reading the user or the session needs the database)."""
    if isinstance(sys.exc_info()[1], (OperationalError, InterfaceError)):
        response = HttpResponse(loader.render_to_string("503.html"), status=503)
        response["Retry-After"] = str(RETRY_AFTER_SECONDS)
        return response
    return defaults.server_error(request)
