"""Admin: target definitions are editable; runs, snapshots and figures are read-only."""

from datetime import date

import pytest
from django.urls import reverse

from dashboards import engine
from dashboards.models import ComputationRun, Snapshot, TargetDefinition

pytestmark = pytest.mark.django_db


def test_admin_pages(units, roles, client_for):
    engine.recompute(2021, date(2021, 12, 14), scope_code="06976")
    client = client_for(roles.admin)
    definition = TargetDefinition.objects.get(code="crime_reduction", year=2021, unit=None)
    assert client.get(reverse("admin:dashboards_targetdefinition_changelist")).status_code == 200
    editable = client.get(reverse("admin:dashboards_targetdefinition_change", args=[definition.pk]))
    assert editable.status_code == 200 and b'name="_save"' in editable.content
    assert client.get(reverse("admin:dashboards_targetdefinition_add")).status_code == 200
    for name, obj in (("computationrun", ComputationRun.objects.get()), ("snapshot", Snapshot.objects.first())):
        assert client.get(reverse(f"admin:dashboards_{name}_changelist")).status_code == 200
        assert client.get(reverse(f"admin:dashboards_{name}_add")).status_code == 403
        page = client.get(reverse(f"admin:dashboards_{name}_change", args=[obj.pk]))
        assert page.status_code == 200 and b'name="_save"' not in page.content


def test_definition_rule_must_match_its_target(units):
    definition = TargetDefinition(code="crime_reduction", group="tips", rule="below", year=2030, threshold=5)
    with pytest.raises(Exception) as error:
        definition.full_clean()
    assert set(error.value.message_dict) == {"group", "rule"}
