"""The shared date and month fields: read as browsers send them and as French people type them, refused in
French, and drawn with their own input type."""

import datetime

import pytest
from werkzeug.datastructures import MultiDict
from wtforms.validators import Optional

from portal.forms import PortalForm
from portal.forms.fields import DateField, MonthField


class Dates(PortalForm):
    class Meta:
        csrf = False

    day = DateField("Jour", validators=[Optional()])
    iso_only = DateField("Jour", format="%Y-%m-%d", validators=[Optional()])
    month = MonthField("Mois", validators=[Optional()])


@pytest.mark.parametrize("typed", ["2012-03-15", "15/03/2012"])
def test_a_date_is_read_as_the_browser_sends_it_and_as_a_person_types_it(app, typed):
    with app.test_request_context():
        form = Dates(MultiDict({"day": typed}))
        assert form.validate()
        assert form.day.data == datetime.date(2012, 3, 15)


def test_a_date_that_cannot_be_read_is_refused_in_french_and_kept_as_typed(app):
    with app.test_request_context():
        form = Dates(MultiDict({"day": "31/02/2012", "iso_only": "15/03/2012", "month": "2029-13"}))
        assert not form.validate()
        assert form.day.errors == ["Indiquez une date complète : jour, mois et année, par exemple 15/03/2012."]
        assert form.iso_only.errors == form.day.errors  # a single format given as a string is one format
        assert form.month.errors == ["Indiquez un mois au format AAAA-MM, par exemple 2029-07."]
        assert 'value="31/02/2012"' in form.day()


def test_each_field_draws_its_own_input_type(app):
    with app.test_request_context():
        form = Dates(MultiDict({"month": "2029-07"}))
        assert form.validate()
        assert form.month.data == datetime.date(2029, 7, 1)
        assert 'type="month"' in form.month()
        assert 'type="date"' in form.day()
