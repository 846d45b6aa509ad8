"""Shared WTForms fields."""

from decimal import Decimal, InvalidOperation

from wtforms import StringField


class EarningsField(StringField):
    """An amount in euros as French people type it: "12 345,67", "12345.67", "12 345 €"."""

    def process_formdata(self, valuelist):
        self.data = None
        self.raw = valuelist[0] if valuelist else ""
        text = self.raw.replace("\u202f", "").replace("\u00a0", "").replace(" ", "").replace("€", "")
        if not text:
            return
        text = text.replace(",", ".")
        try:
            amount = Decimal(text)
        except InvalidOperation:
            raise ValueError("Saisissez un montant en euros, par exemple 18 500,00.") from None
        if amount < 0:
            raise ValueError("Le montant ne peut pas être négatif.")
        if amount > Decimal("10000000"):
            raise ValueError("Ce montant paraît trop élevé : vérifiez la saisie.")
        self.data = amount.quantize(Decimal("0.01"))

    def _value(self):
        return getattr(self, "raw", "") or ("" if self.data is None else str(self.data).replace(".", ","))
