"""Shared WTForms pieces."""

import re

from flask import request
from flask_wtf import FlaskForm
from flask_wtf.form import _Auto
from werkzeug.datastructures import CombinedMultiDict, MultiDict
from wtforms.fields import FileField
from wtforms.meta import DefaultMeta


class PortalForm(FlaskForm):
    """The base of the portal's forms: WTForms' own messages (a choice that is not offered, a number that cannot be
    read, a list that cannot be coerced…) in French, from the catalogue WTForms ships, whatever the request's
    language. Flask-WTF would look for Flask-Babel, which the portal does not use: without it they stay English."""

    class Meta:
        locales = ("fr_FR", "fr")

        def get_translations(self, form):
            return DefaultMeta.get_translations(self, form)

        def wrap_formdata(self, form, formdata):
            # Flask-WTF offers the request's files to every field: a hand-made body with a file under a text
            # field's name gave that field a file where it reads a string (a 500). Files go to file fields only.
            wrapped = FlaskForm.Meta.wrap_formdata(self, form, formdata)
            if formdata is _Auto and isinstance(wrapped, CombinedMultiDict):
                names = {field.name for field in form if isinstance(field, FileField)}
                files = MultiDict([(name, file) for name, file in request.files.items(multi=True) if name in names])
                wrapped = CombinedMultiDict((files, request.form))
            return wrapped

    def validate(self, extra_validators=None) -> bool:
        # NUL and the other control characters have no place in what a person types; PostgreSQL refuses NUL in a
        # text column outright (a 500 where SQLite stored it), so every text field of every form refuses them.
        valid = super().validate(extra_validators)
        for field in self:
            if isinstance(field.data, str) and _CONTROL.search(field.data):
                field.errors = [*field.errors, CONTROL_MESSAGE]
                valid = False
        return valid


# C0 controls but tab, line feed and carriage return (typed in a text area), and DEL.
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")
CONTROL_MESSAGE = "Ce champ contient un caractère invisible qui n'est pas accepté : retapez-le sans copier-coller."


class EmptyForm(PortalForm):
    """For POST-only buttons (log in, log out): carries the CSRF token and nothing else."""
