"""TOTP secrets at rest: encrypted with a KMS key, bound to their community and user.

The encryption context means a ciphertext copied onto another user's item does not decrypt, and
every decrypt is visible in CloudTrail with that context. The plaintext lives only in memory.
"""

from __future__ import annotations

import base64

from shared.platform import aws
from shared.platform.settings import settings


def _context(community_id: str, user_id: str) -> dict[str, str]:
    return {"purpose": "totp", "community_id": community_id, "user_id": user_id}


def seal(secret: str, *, community_id: str, user_id: str) -> str:
    answer = aws.client("kms").encrypt(
        KeyId=settings().require("mfa_key_id"),
        Plaintext=secret.encode(),
        EncryptionContext=_context(community_id, user_id),
    )
    return base64.b64encode(answer["CiphertextBlob"]).decode()


def open_sealed(sealed: str, *, community_id: str, user_id: str) -> str:
    answer = aws.client("kms").decrypt(
        CiphertextBlob=base64.b64decode(sealed),
        EncryptionContext=_context(community_id, user_id),
    )
    return bytes(answer["Plaintext"]).decode()
