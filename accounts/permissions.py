from ninja.errors import HttpError


def require_editor(request):
    """Planners and owners change data and start runs; viewers only read."""
    if not request.auth.can_edit:
        raise HttpError(403, "Your role (viewer) can read but not change anything.")


def require_owner(request):
    if not request.auth.can_manage_users:
        raise HttpError(403, "Only the organization's owners manage its users.")
