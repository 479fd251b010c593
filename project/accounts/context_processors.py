from .roles import Role, active_role, user_roles


def roles(request):
    held = user_roles(request.user) if hasattr(request, "user") else []
    return {
        "user_roles": [(value, Role(value).label) for value in held],
        "active_role": active_role(request) if held else None,
    }
