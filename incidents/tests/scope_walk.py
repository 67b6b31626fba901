"""The incidents app's URLs for communes/tests/test_scope_walk.py: the commune-B object of each pk."""

from .factories import BUILDERS, extension_in, inspection_in, record_in


def _record(kind):
    return lambda commune_b: record_in(kind, commune_b)


OBJECT_OF_COMMUNE_B = {
    f"incidents:{kind}_{action}": _record(kind) for kind in BUILDERS for action in ("detail", "update", "delete")
} | {
    "incidents:tip_hand_over": _record("tip"),
    "incidents:tip_extend": _record("tip"),
    "incidents:tip_decide": _record("tip"),
    "incidents:tip_extension_delete": extension_in,
    "incidents:inspection_create": _record("business"),
    "incidents:inspection_update": inspection_in,
    "incidents:inspection_delete": inspection_in,
}
