"""One way to show each kind of value in the window, in the interface's locale.

Money: ``5,897.00 UAH`` in English, ``5 897,00 ₴`` in Ukrainian, wherever it appears
(the feed's summaries, the inspector's order, the bind and order dialogs). Moments: in
this computer's time with their offset, or marked as the storefront's when they came
without a zone.
"""

from __future__ import annotations

import re
from decimal import Decimal, InvalidOperation

from PySide6.QtCore import QCoreApplication, QLocale

# Currencies the interface's language writes with a sign after the amount.
_SIGNS = {QLocale.Language.Ukrainian: {"UAH": "₴"}}
# A money part of a stored summary: "5897.0 UAH", "31799.00 UAH".
MONEY_PART = re.compile(r"^(-?\d+(?:\.\d+)?) ([A-Z]{3})$")


def _decimal(amount: object) -> Decimal | None:
    if amount is None or amount == "":
        return None
    try:
        number = Decimal(str(amount).replace(" ", "").replace("\u00a0", ""))
    except InvalidOperation:
        return None
    return number if number.is_finite() else None


def money_text(amount: object, currency: str = "") -> str:
    """``amount`` (a number or its text) with two decimals, grouped as the locale groups,
    and its currency (a sign where the language has one). Text that is not a number is
    returned as it is."""
    number = _decimal(amount)
    if number is None:
        return "" if amount is None else str(amount)
    locale = QLocale()
    plain = f"{number:,.2f}"
    text = plain.replace(",", "\0").replace(".", locale.decimalPoint())
    text = text.replace("\0", locale.groupSeparator())
    code = currency.strip()
    if not code:
        return text
    sign = _SIGNS.get(locale.language(), {}).get(code.upper())
    return f"{text} {sign or code}"


def money_in_summary(part: str) -> str:
    """A stored summary's "5897.0 UAH" part as money; any other part as it is."""
    match = MONEY_PART.match(part)
    return money_text(match.group(1), match.group(2)) if match else part


def moment_text(text: str) -> str:
    """A moment from the portal or the storefront as the window writes moments: in this
    computer's time with its UTC offset ("2026-11-01 14:30:00 UTC+02:00"). A time given
    without a zone (Horoshop's ``stat_created``) is the storefront's clock, and says so."""
    from datetime import datetime

    stripped = text.strip()
    if not stripped:
        return ""
    try:
        moment = datetime.fromisoformat(stripped)
    except ValueError:
        return stripped
    if moment.tzinfo is None:
        return QCoreApplication.translate("Formatting", "%1 (the storefront's time)").replace(
            "%1", moment.strftime("%Y-%m-%d %H:%M:%S")
        )
    local = moment.astimezone()
    offset = local.strftime("%z")
    zone = f"UTC{offset[:3]}:{offset[3:]}" if offset else ""
    return f"{local.strftime('%Y-%m-%d %H:%M:%S')} {zone}".strip()
