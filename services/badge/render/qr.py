"""The badge QR code: small enough to scan from arm's length, quick enough for 10,000 badges.

The URL prefix goes in byte mode and the base32 token in alphanumeric mode (5.5 bits a character
instead of 8), so a badge URL fits version 5 at error-correction level M: 37x37 modules that stay
large when printed 4 cm wide.

qrcode draws the fixed parts once per version (finder, timing and alignment patterns, format
bits); the per-badge work (segment bits, Reed-Solomon, placement) is done here with tables,
because qrcode's general code spends 3 ms a badge on it. The tests hold every matrix made here
equal to qrcode's own for the same segments and mask.
"""

from __future__ import annotations

from functools import cache, lru_cache
from operator import itemgetter

import qrcode
from qrcode.constants import ERROR_CORRECT_M
from qrcode.util import mask_func

MAX_VERSION = 5
# A fixed mask skips scoring all eight masks, most of the cost of a code in qrcode (10 ms down to
# about 1 ms). Any mask gives a valid code; the scoring only avoids patterns that confuse weak
# scanners, and our payloads are random-looking base32. Scored on 150 random badge URLs (v5-M),
# mask 2 was the best of the eight for 96 of them and had the lowest mean and worst penalty.
MASK = 2
QUIET_ZONE = 4  # modules of white border the QR spec asks for
ALPHANUMERIC = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ $%*+-./:"
_ALNUM = {c: i for i, c in enumerate(ALPHANUMERIC)}
# Level M, versions 1-5 (ISO/IEC 18004 table 9): (blocks, data codewords a block, EC codewords a block)
_BLOCKS_M = {1: (1, 16, 10), 2: (1, 28, 16), 3: (1, 44, 26), 4: (2, 32, 18), 5: (2, 43, 24)}

Matrix = tuple[bytes, ...]  # one bytes object a row, 1 for a dark module and 0 for a light one


@lru_cache(maxsize=64)  # a double-sided sheet draws each code twice, front and back, a page apart
def qr_matrix(prefix: str, token: str = "") -> Matrix:
    """Modules of the QR for prefix + token, row by row (1 is dark; no quiet zone): the prefix in
    byte mode, a token of QR-alphanumeric characters (our base32) in alphanumeric mode, level M,
    the smallest version that fits. Raises ValueError if it would need a version above 5."""
    if any(c not in _ALNUM for c in token):  # not one of our tokens: all of it in byte mode
        prefix, token = prefix + token, ""
    raw = prefix.encode()
    value, bits = _segments(raw, token)
    for version in range(1, MAX_VERSION + 1):
        blocks, data_words, _ = _BLOCKS_M[version]
        if bits <= blocks * data_words * 8:
            return _place(version, _codewords(version, value, bits))
    raise ValueError(
        f"a badge URL of {len(raw) + len(token)} bytes does not fit a version {MAX_VERSION} "
        f"QR code at level M: use a shorter RAPPORT_PUBLIC_URL"
    )


def qr_version(matrix: Matrix) -> int:
    return (len(matrix) - 17) // 4


def _segments(raw: bytes, token: str) -> tuple[int, int]:
    """The data bits as one integer and its bit length: mode, count and data of each segment
    (count fields of 8 and 9 bits, right for versions 1-9)."""
    value, bits = 0b0100, 4
    value, bits = (
        (value << 8 | len(raw)) << 8 * len(raw) | int.from_bytes(raw, "big"),
        bits + 8 + 8 * len(raw),
    )
    if token:
        value, bits = (value << 4 | 0b0010) << 9 | len(token), bits + 13
        for i in range(0, len(token) - 1, 2):
            value, bits = value << 11 | _ALNUM[token[i]] * 45 + _ALNUM[token[i + 1]], bits + 11
        if len(token) % 2:
            value, bits = value << 6 | _ALNUM[token[-1]], bits + 6
    return value, bits


def _codewords(version: int, value: int, bits: int) -> list[int]:
    """Terminator, padding, Reed-Solomon per block, then the blocks interleaved (ISO 18004 7.6)."""
    blocks, data_words, ec_words = _BLOCKS_M[version]
    capacity = blocks * data_words * 8
    terminator = min(4, capacity - bits)
    value, bits = value << terminator, bits + terminator
    value, bits = value << (-bits % 8), bits + (-bits % 8)
    data = list(value.to_bytes(bits // 8, "big"))
    data += [0xEC, 0x11] * ((capacity // 8 - len(data)) // 2 + 1)
    data = data[: capacity // 8]
    split = [data[b * data_words : (b + 1) * data_words] for b in range(blocks)]
    ec = [_reed_solomon(block, ec_words) for block in split]
    return [block[i] for i in range(data_words) for block in split] + [
        e[i] for i in range(ec_words) for e in ec
    ]


def _place(version: int, codewords: list[int]) -> Matrix:
    n, pick, mask, length = _plan(version)
    # Data bits in placement order, zero remainder bits after them, the mask over all of them;
    # then each module picks its bit (or its fixed light/dark value, the two last) in one C call.
    bits = (int.from_bytes(bytes(codewords), "big") << (length - 8 * len(codewords))) ^ mask
    flat = bytes(pick(format(bits, f"0{length}b").encode() + b"01")).translate(_BINARY)
    return tuple(flat[r * n : (r + 1) * n] for r in range(n))


_BINARY = bytes.maketrans(b"01", b"\x00\x01")


class _Template(qrcode.QRCode):
    """qrcode's function patterns and format bits for a version, with data modules left None."""

    def map_data(self, data, mask_pattern):
        self.template = [row[:] for row in self.modules]


@cache
def _plan(version: int) -> tuple[int, itemgetter, int, int]:
    """(size, picker of each module's bit, mask bits, number of data modules) for a version."""
    code = _Template(version=version, error_correction=ERROR_CORRECT_M, mask_pattern=MASK, border=0)
    code.add_data("A")
    code.make(fit=False)
    n = len(code.template)
    order: list[int] = []
    row, step = n - 1, -1
    # Two-module-wide columns from the right, zigzagging up and down, skipping the timing column.
    for right in range(n - 1, 0, -2):
        right -= right <= 6
        while 0 <= row < n:
            order += [row * n + c for c in (right, right - 1) if code.template[row][c] is None]
            row += step
        row, step = row - step, -step
    masked = mask_func(MASK)
    mask = int("".join("1" if masked(i // n, i % n) else "0" for i in order), 2)
    # Each module's source: its data bit's position, or the light/dark constant after the bits.
    source = [len(order) + bool(m) for row in code.template for m in row]
    for k, i in enumerate(order):
        source[i] = k
    return n, itemgetter(*source), mask, len(order)


_EXP, _LOG = [0] * 512, [0] * 256
_x = 1
for _i in range(255):
    _EXP[_i], _LOG[_x] = _x, _i
    _x = _x << 1 ^ (0x11D if _x & 0x80 else 0)
_EXP[255:] = _EXP[:257]


@cache
def _products(ec_words: int) -> list[int]:
    """For each byte f, f times the generator polynomial (leading 1 dropped), as one integer."""
    gen = [1]
    for i in range(ec_words):  # multiply by (x + a^i)
        gen = [a ^ (_EXP[_LOG[b] + i] if b else 0) for a, b in zip(gen + [0], [0] + gen)]
    return [
        int.from_bytes(bytes(_EXP[_LOG[f] + _LOG[g]] if f and g else 0 for g in gen[1:]), "big")
        for f in range(256)
    ]


def _reed_solomon(data: list[int], ec_words: int) -> list[int]:
    """Remainder of data(x) * x^ec_words divided by the generator, over GF(256) mod 0x11D: the
    usual shift register, its ec_words bytes held in one integer."""
    table, top, full = _products(ec_words), 8 * (ec_words - 1), (1 << 8 * ec_words) - 1
    remainder = 0
    for byte in data:
        remainder = (remainder << 8 & full) ^ table[byte ^ remainder >> top]
    return list(remainder.to_bytes(ec_words, "big"))
