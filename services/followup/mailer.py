"""SMTP delivery now lives in shared.smtp (the scan service's sign-in emails use it too); these
names stay importable from here."""

from shared.smtp import (MAX_PER_CONNECTION, Job, NotSent, Outcome, SentButUnconfirmed, SmtpRefused,  # noqa: F401
                         SmtpSettings, SmtpTransport, send_together)
