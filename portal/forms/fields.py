"""Shared WTForms fields."""

from decimal import Decimal, InvalidOperation

from wtforms import DateField as _DateField
from wtforms import MonthField as _MonthField
from wtforms import StringField

from portal.formatting import NARROW_NBSP, NBSP


class EarningsField(StringField):
    """An amount in euros as French people type it: "12 345,67", "12345.67", "12 345 €"."""

    def process_formdata(self, valuelist):
        self.data = None
        self.raw = valuelist[0] if valuelist else ""
        text = self.raw.replace(NARROW_NBSP, "").replace(NBSP, "").replace(" ", "").replace("€", "")
        if not text:
            return
        text = text.replace(",", ".")
        try:
            amount = Decimal(text)
        except InvalidOperation:
            raise ValueError("Saisissez un montant en euros, par exemple 18 500,00.") from None
        # Decimal reads "NaN" and "Infinity" too; comparing a NaN raises instead of answering.
        if not amount.is_finite():
            raise ValueError("Saisissez un montant en euros, par exemple 18 500,00.")
        if amount < 0:
            raise ValueError("Le montant ne peut pas être négatif.")
        if amount > Decimal("10000000"):
            raise ValueError("Ce montant paraît trop élevé : vérifiez la saisie.")
        self.data = amount.quantize(Decimal("0.01"))

    def _value(self):
        return getattr(self, "raw", "") or ("" if self.data is None else str(self.data).replace(".", ","))


class DateField(_DateField):
    """A calendar date, typed as <input type="date"> (the browser sends AAAA-MM-JJ) or, where the browser shows a
    plain text box, as French people write it (JJ/MM/AAAA).

    The widget is WTForms' class-level DateInput, shared by every date field of every form of the process: nothing
    here (nor anywhere) may change it at request time, or every date field of every page would follow."""

    def __init__(self, label=None, validators=None, format=("%Y-%m-%d", "%d/%m/%Y"), **kwargs):
        kwargs.setdefault(
            "invalid_value_message", "Indiquez une date complète : jour, mois et année, par exemple 15/03/2012."
        )
        super().__init__(label, validators, format=[format] if isinstance(format, str) else list(format), **kwargs)


class MonthField(_MonthField):
    """A month, typed as <input type="month"> (AAAA-MM), kept as the 1st of the month: a pension always starts on
    the 1st. Its own class-level MonthInput widget renders the type: the shared DateInput is never touched."""

    def __init__(self, label=None, validators=None, **kwargs):
        kwargs.setdefault("invalid_value_message", "Indiquez un mois au format AAAA-MM, par exemple 2029-07.")
        super().__init__(label, validators, format="%Y-%m", **kwargs)
