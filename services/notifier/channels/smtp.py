"""E-mail over SMTP (aiosmtplib); without an SMTP server, into a mail folder as .eml files."""

from __future__ import annotations

from email.message import EmailMessage
from email.utils import formatdate
from typing import TYPE_CHECKING

import aiosmtplib
import anyio

from notifier import render
from notifier.channels import Bezorging, DeliveryFailed

if TYPE_CHECKING:
    from notifier.settings import NotifierSettings


class MailChannel:
    def __init__(self, settings: NotifierSettings) -> None:
        self.settings = settings

    async def send(self, bezorging: Bezorging) -> str:
        adres = bezorging.voorkeuren.email if bezorging.voorkeuren else None
        if not adres:
            raise DeliveryFailed("geen e-mailadres bekend")
        message = self.message(bezorging, adres)
        if not self.settings.smtp_host:
            return await anyio.to_thread.run_sync(self._to_folder, bezorging.id, message)
        try:
            refused, answer = await aiosmtplib.send(
                message,
                hostname=self.settings.smtp_host,
                port=self.settings.smtp_port,
                timeout=self.settings.smtp_timeout,
            )
        except (aiosmtplib.SMTPException, OSError) as exc:
            raise DeliveryFailed(f"SMTP: {type(exc).__name__}: {exc}") from exc
        if refused:
            raise DeliveryFailed(f"SMTP weigerde: {next(iter(refused.values()))}")
        return f"SMTP {self.settings.smtp_host}: {answer}"

    def message(self, bezorging: Bezorging, adres: str) -> EmailMessage:
        mail = render.mail(bezorging.notificatie, self.settings.dashboard_url)
        message = EmailMessage()
        message["From"], message["To"], message["Subject"] = self.settings.mail_from, adres, mail.onderwerp
        message["Date"] = formatdate(localtime=False)
        # Stable across retries, so a receiver can drop a repeat the outbox could not rule out (a crash
        # between the server's 250 and our record of it).
        message["Message-ID"] = f"<{bezorging.id}@koersmonitor>"
        message["X-Koersmonitor-Sleutel"] = bezorging.notificatie.sleutel
        message.set_content(mail.tekst)
        message.add_alternative(mail.html, subtype="html")
        return message

    def _to_folder(self, delivery_id: str, message: EmailMessage) -> str:
        folder = self.settings.mail_folder
        folder.mkdir(parents=True, exist_ok=True)
        path = folder / f"{delivery_id}.eml"
        path.write_bytes(bytes(message))
        return f"opgeslagen als {path}"
