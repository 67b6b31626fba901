"""The project's URLs with the test kind's list (basecurity/testing/drugcases)."""

from django.urls import include, path

from basecurity.urls import handler500  # noqa: F401
from basecurity.urls import urlpatterns as project_urlpatterns

urlpatterns = [*project_urlpatterns, path("drug-cases/", include("basecurity.testing.drugcases.urls"))]
