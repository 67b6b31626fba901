"""The dashboards' URLs for communes/tests/test_scope_walk.py: the commune-B object of each pk."""

from dashboards.models import ComputationRun


def run_of(commune_b):
    """A recomputation asked for commune B's scope (its status is visible to commune B only)."""
    return ComputationRun.objects.filter(scope=commune_b).first() or ComputationRun.objects.create(
        year=2021, scope=commune_b
    )


OBJECT_OF_COMMUNE_B = {
    f"dashboards:{name}": lambda commune_b: commune_b
    for name in ("unit_detail", "unit_overview", "report", "export_xlsx", "recompute")
} | {"dashboards:run_status": run_of}
