"""Identifiers in the shapes the real services hand out.

NMDC: Crockford base32 "blades" with an ISO 7064 mod 97-10 check number, as the runtime's
`base32_lib.generate(..., checksum=True)` makes them (`nmdc:dobj-11-z6vc4664`; system ids
`nmdc:sys0` + a blade that grows longer as more ids exist). NeMO: seven letters and digits.
"""

from __future__ import annotations

import secrets
import string

CROCKFORD = "0123456789abcdefghjkmnpqrstvwxyz"
NEMO_ALPHABET = string.ascii_lowercase + string.digits
NEMO_ID_LENGTH = 7

# The runtime sizes system ids by how many exist already (idgen.SPING_SIZE_THRESHOLDS).
_SPING_THRESHOLDS = [(n, (2 ** (5 * n)) // 2) for n in (2, 4, 6, 8, 10)]


def check_digits(number: int) -> str:
    """ISO 7064 mod 97-10, as two digits."""
    return f"{98 - (number * 100) % 97:02d}"


def blade(length: int) -> str:
    """`length` characters: random base32 then the two check digits."""
    body_length = length - 2
    number = secrets.randbits(5 * body_length)
    chars = []
    for _ in range(body_length):
        number, digit = divmod(number, 32)
        chars.append(CROCKFORD[digit])
    text = "".join(reversed(chars))
    value = 0
    for char in text:
        value = value * 32 + CROCKFORD.index(char)
    return text + check_digits(value)


def is_valid_blade(text: str) -> bool:
    if len(text) < 3 or any(c not in CROCKFORD for c in text[:-2]):
        return False
    value = 0
    for char in text[:-2]:
        value = value * 32 + CROCKFORD.index(char)
    return text[-2:] == check_digits(value)


def system_id_length(existing: int) -> int:
    """Blade length (check digits included) for the next `nmdc:sys0` id."""
    chars = next((n for n, limit in _SPING_THRESHOLDS if existing + 1 < limit), 12)
    return chars + 2


def nemo_id() -> str:
    return "".join(secrets.choice(NEMO_ALPHABET) for _ in range(NEMO_ID_LENGTH))
