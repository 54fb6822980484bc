"""The user's network: contacts, touches, referrals, companies, warm companies, reconnect."""
from __future__ import annotations

from jobleads.cli import app  # noqa: F401
