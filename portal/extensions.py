"""Flask extensions, created unbound and initialised in create_app(). The database handle lives in portal.db."""

from flask_limiter import Limiter
from flask_limiter.util import get_remote_address
from flask_login import LoginManager
from flask_migrate import Migrate
from flask_wtf.csrf import CSRFProtect


class PortalLoginManager(LoginManager):
    """Flask-Login without "remember me": the login lives only in the server-side session (portal.sessions).

    Flask-Login has no setting to stop reading its remember cookie, which carries the account id (signed, but in
    the clear) and would log the id in again on its own. The portal never writes one (login_user is never called
    with remember=True), and any such cookie a browser sends is ignored here."""

    def _load_user_from_remember_cookie(self, cookie):
        return None


migrate = Migrate()
login_manager = PortalLoginManager()
csrf = CSRFProtect()
limiter = Limiter(key_func=get_remote_address, default_limits=[])
