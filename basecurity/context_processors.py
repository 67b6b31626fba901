from communes.permissions import Capability, capabilities_of


def navigation(request):
    """What the menu offers: the current user's capabilities (no query for anonymous users)."""
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {"capabilities": set()}
    return {"capabilities": {c.value for c in capabilities_of(user)}, "Capability": Capability}
