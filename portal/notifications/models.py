"""The outbox."""

import re
from datetime import datetime

from sqlalchemy import DateTime, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from portal.db import Base, utcnow

_ADDRESS = re.compile(r"([^\s<>@\"']+)@([^\s<>@\"']+)")


def mask_email(text: str) -> str:
    """Every e-mail address in `text` as j***@example.fr: enough for an administrateur to tell a typo in the domain
    from a refused mailbox, without the outbox page becoming a list of the assurés' addresses."""
    return _ADDRESS.sub(lambda match: f"{match.group(1)[0]}***@{match.group(2)}", text)


class Notification(Base):
    __tablename__ = "notification"

    id: Mapped[int] = mapped_column(primary_key=True)
    recipient: Mapped[str] = mapped_column(String(320))
    subject: Mapped[str] = mapped_column(String(200))
    body: Mapped[str] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow, index=True)
    sent_at: Mapped[datetime | None] = mapped_column(DateTime, index=True)
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    last_error: Mapped[str | None] = mapped_column(String(500))
    # When a sender may try again after a temporary failure (exponential backoff); NULL: as soon as possible.
    next_attempt_at: Mapped[datetime | None] = mapped_column(DateTime, index=True)
    # Set while a sender talks to the mail server: no other sender takes the e-mail until then. A sender killed
    # mid-way leaves it set; once it has passed, the e-mail is taken up again.
    claimed_until: Mapped[datetime | None] = mapped_column(DateTime)
    # The mail server refused it for good (SMTP 5xx): never retried on its own, listed for the administrateurs.
    bounced_at: Mapped[datetime | None] = mapped_column(DateTime)

    @property
    def masked_recipient(self) -> str:
        return mask_email(self.recipient)

    @property
    def masked_error(self) -> str:
        # A mail server's refusal often quotes the address: masked there too.
        return mask_email(self.last_error or "")
