"""`@requires(Action.X)`: the view runs only if the actor may do X in the space it is in (permissions.check)."""

from functools import wraps

from flask import g

from portal import clock
from portal.errors import render_error
from portal.representation import context, permissions


def requires(action: permissions.Action):
    """Refuse with a French 403 page what the measure does not allow; the permission (with `needs_confirmation`)
    is left in g.permission for the view."""

    def decorator(view):
        @wraps(view)
        def wrapper(*args, **kwargs):
            permission = permissions.check(context.actor(), action, today=clock.today())
            if not permission:
                return render_error(403, "Cet acte ne vous est pas permis", permission.message)
            g.permission = permission
            return view(*args, **kwargs)

        return wrapper

    return decorator
