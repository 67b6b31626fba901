from communes.permissions import Capability, capabilities_of
from communes.record_kinds import menu_of


def navigation(request):
    """What the menu offers: the current user's capabilities and the record kinds they may read,
    by menu section (communes/record_kinds.py); no query for anonymous users."""
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {"capabilities": set()}
    capabilities = capabilities_of(user)
    return {
        "capabilities": {c.value for c in capabilities},
        "Capability": Capability,
        "menu": menu_of(capabilities),
    }
