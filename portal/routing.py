"""URL converters shared by every blueprint."""

from werkzeug.routing import IntegerConverter

# Identifiers are 32-bit integers in both databases (SERIAL on PostgreSQL): a larger number names nothing, and
# SQLite cannot even bind one beyond 64 bits (OverflowError, a 500). Such a path is simply not a route: a 404.
MAX_ID = 2**31 - 1


class IdConverter(IntegerConverter):
    """`<int:...>` bounded to what an id column can hold, so that a view never receives a number no row can have."""

    def __init__(self, map, fixed_digits=0, min=None, max=MAX_ID, signed=False):
        super().__init__(map, fixed_digits=fixed_digits, min=min, max=max, signed=signed)


def init_app(app) -> None:
    """Install the converters; before any blueprint is registered, as a rule binds its converter when added."""
    app.url_map.converters["int"] = IdConverter
