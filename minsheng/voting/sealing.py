"""Sealed ballots: a ballot's choices, encrypted with a key that is not in the database (docs/voting.md).

A ballot is a bitmap over the round's candidates in ballot order (the same length for every ballot of a
round, whatever was chosen), sealed with AES-256-GCM under a fresh random nonce, bound to its round (the
round's id is the associated data, so a sealed ballot moved to another round does not open). The key is
derived from ``settings.VOTING_BALLOT_KEY`` (the environment's ``MINSHENG_BALLOT_KEY``, by default the
site's ``SECRET_KEY``): whoever reads the database alone sees random bytes. The key must stay the same from
a vote's opening to its close (a restored backup opens its ballots only on a server with the same key).
"""

from __future__ import annotations

import hashlib
import os
from collections.abc import Sequence

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from django.conf import settings

NONCE_BYTES = 12


class SealBroken(Exception):
    """A sealed ballot that does not open with this server's key (another key, or altered bytes)."""


def _key() -> bytes:
    secret = getattr(settings, "VOTING_BALLOT_KEY", "") or settings.SECRET_KEY
    return hashlib.sha256(b"minsheng ballot seal\x00" + secret.encode()).digest()


def _bound(round_id: int) -> bytes:
    return f"minsheng-ballot:{round_id}".encode()


def seal(*, round_id: int, chosen: Sequence[bool]) -> bytes:
    """Seal a ballot: ``chosen`` has one flag per candidate, in ballot order."""
    bitmap = bytearray((len(chosen) + 7) // 8)
    for index, flag in enumerate(chosen):
        if flag:
            bitmap[index // 8] |= 1 << (index % 8)
    nonce = os.urandom(NONCE_BYTES)
    return nonce + AESGCM(_key()).encrypt(nonce, bytes(bitmap), _bound(round_id))


def unseal(*, round_id: int, sealed: bytes | memoryview, candidates: int) -> list[bool]:
    """The flags of a sealed ballot (one per candidate, in ballot order), or SealBroken."""
    sealed = bytes(sealed)
    try:
        bitmap = AESGCM(_key()).decrypt(sealed[:NONCE_BYTES], sealed[NONCE_BYTES:], _bound(round_id))
    except (InvalidTag, ValueError):
        raise SealBroken from None
    if len(bitmap) != (candidates + 7) // 8:
        raise SealBroken
    return [bool(bitmap[index // 8] & (1 << (index % 8))) for index in range(candidates)]
