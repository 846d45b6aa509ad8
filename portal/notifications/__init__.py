"""E-mail through an outbox: rows written in the transaction of the change, sent once it has committed."""
