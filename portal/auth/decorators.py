"""View decorators of the citizen space."""

from functools import wraps

from flask import g, redirect, url_for
from flask_login import current_user, login_required


def assure_required(view):
    """A logged-in account bound to an assuré; otherwise, the first-login step."""

    @wraps(view)
    @login_required
    def wrapper(*args, **kwargs):
        # A representative acting under a mandate is in the protected person's space (portal.representation).
        if g.get("acting") is not None:
            return view(*args, **kwargs)
        if current_user.assure_id is None:
            return redirect(url_for("auth.bind_nir"), 303)
        return view(*args, **kwargs)

    return wrapper
