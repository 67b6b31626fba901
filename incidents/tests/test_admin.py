"""The admin pages of every incidents model open (taxonomies are edited there)."""

import pytest
from django.contrib import admin
from django.urls import reverse

from incidents import models
from incidents.models import IncidentCategory

pytestmark = pytest.mark.django_db

REGISTERED = [model for model in admin.site._registry if model._meta.app_label == "incidents"]


def test_every_model_is_registered_with_history():
    concrete = {
        m
        for m in vars(models).values()
        if isinstance(m, type)
        and issubclass(m, models.models.Model)
        and not m._meta.abstract
        and m._meta.app_label == "incidents"
        and not m.__name__.startswith("Historical")
    }
    assert concrete == set(REGISTERED)
    assert all(hasattr(model, "history") for model in REGISTERED)


@pytest.mark.parametrize("model", REGISTERED, ids=lambda m: m.__name__)
def test_admin_pages_open(roles, client_for, model):
    client = client_for(roles.admin)
    info = model._meta.app_label, model._meta.model_name
    assert client.get(reverse("admin:{}_{}_changelist".format(*info))).status_code == 200
    add = client.get(reverse("admin:{}_{}_add".format(*info)))
    assert add.status_code in (200, 403)  # extensions are added through the tip service only


def test_admin_edits_a_category_with_history(roles, client_for):
    client = client_for(roles.admin)
    category = IncidentCategory.objects.get(code="crime.other")
    response = client.post(
        reverse("admin:incidents_incidentcategory_change", args=[category.pk]),
        {"code": "crime.other", "name": "Tội phạm khác (đã sửa)", "group": "crime", "is_active": "on"},
    )
    assert response.status_code == 302
    category.refresh_from_db()
    assert category.name == "Tội phạm khác (đã sửa)"
    assert category.history.first().history_user == roles.admin
