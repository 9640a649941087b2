"""The badge QR code: small enough to scan from arm's length, quick enough for 10,000 badges.

The URL prefix goes in byte mode and the base32 token in alphanumeric mode (5.5 bits a character
instead of 8), so a badge URL fits version 5 at error-correction level M: 37x37 modules that stay
large when printed 4 cm wide.
"""

from __future__ import annotations

import qrcode
from qrcode.constants import ERROR_CORRECT_M
from qrcode.exceptions import DataOverflowError
from qrcode.util import MODE_8BIT_BYTE, MODE_ALPHA_NUM, QRData

MAX_VERSION = 5
# A fixed mask skips scoring all eight masks, most of the cost of making a code (about 10 ms to
# under 2 ms here). Any mask yields a valid code; the scoring only avoids patterns that trouble
# poor scanners, and at version 5 with level M, printed 4 cm wide, phones read every mask.
MASK = 2
QUIET_ZONE = 4  # modules of white border the QR spec asks for


ALPHANUMERIC = frozenset("0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ $%*+-./:")


def qr_matrix(prefix: str, token: str) -> list[list[bool]]:
    """Modules of the QR for prefix + token (True is dark), without the quiet zone."""
    if not set(token) <= ALPHANUMERIC:  # not one of our tokens: all of it in byte mode
        prefix, token = prefix + token, ""
    for version in range(1, MAX_VERSION + 1):
        if _capacity_bits(version) >= _data_bits(prefix, token):
            code = qrcode.QRCode(version=version, error_correction=ERROR_CORRECT_M, border=0, mask_pattern=MASK)
            code.add_data(QRData(prefix.encode(), mode=MODE_8BIT_BYTE))
            if token:
                code.add_data(QRData(token, mode=MODE_ALPHA_NUM))
            try:
                code.make(fit=False)
            except DataOverflowError:
                continue
            return code.modules
    raise ValueError(f"a badge URL of {len(prefix) + len(token)} characters does not fit a version "
                     f"{MAX_VERSION} QR code at level M: use a shorter RAPPORT_PUBLIC_URL")


# Data codewords at level M for versions 1-5 (ISO/IEC 18004, table 7).
_DATA_CODEWORDS_M = {1: 16, 2: 28, 3: 44, 4: 64, 5: 86}


def _capacity_bits(version: int) -> int:
    return _DATA_CODEWORDS_M[version] * 8


def _data_bits(prefix: str, token: str) -> int:
    """Bits of the two segments (mode indicator, character count for versions 1-9, data)."""
    alnum = 11 * (len(token) // 2) + 6 * (len(token) % 2)
    return (4 + 8 + 8 * len(prefix.encode())) + (4 + 9 + alnum if token else 0)


def dark_runs(matrix: list[list[bool]]):
    """(row, first column, length) of each horizontal run of dark modules: fewer shapes to draw."""
    for r, row in enumerate(matrix):
        c, n = 0, len(row)
        while c < n:
            if row[c]:
                start = c
                while c < n and row[c]:
                    c += 1
                yield r, start, c - start
            else:
                c += 1
