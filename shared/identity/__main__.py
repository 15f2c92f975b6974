"""Platform commands: `python -m shared.identity create-super-admin --email ops@example.com`.

Run with the stack's outputs in the environment (TABLE_NAME, MFA_KEY_ID, and AWS credentials for
the account): see docs/identity.md. The password comes from PORCHLIGHT_SUPER_ADMIN_PASSWORD or a
prompt, never from the command line (shell history). MFA is mandatory for super admins, so the
account is created already enrolled: the secret, its otpauth:// URI and ten backup codes are
printed once, for the operator to put in an authenticator app and a safe.
"""

from __future__ import annotations

import argparse
import getpass
import os
import sys

from shared.identity import passwords, repository, service, totp
from shared.platform import keys


def create_super_admin(email: str, full_name: str) -> int:
    email = email.strip().lower()
    if repository.user_by_email(keys.PLATFORM, email) is not None:
        print(f"a super admin {email} exists already; nothing changed", file=sys.stderr)
        return 1
    password = os.environ.get("PORCHLIGHT_SUPER_ADMIN_PASSWORD") or getpass.getpass("password: ")
    if not passwords.MIN_LENGTH <= len(password) <= passwords.MAX_LENGTH:
        print(f"the password must be {passwords.MIN_LENGTH} to {passwords.MAX_LENGTH} characters", file=sys.stderr)
        return 2
    user = service.create_super_admin(email, password, full_name)
    secret = totp.new_secret()
    codes = service.enroll_known_secret(user, secret)
    enrollment = totp.enrollment(secret, account=f"{keys.PLATFORM}:{email}")
    print(f"super admin {email} created, MFA enrolled")
    print(f"TOTP secret   {secret}")
    print(f"otpauth URI   {enrollment.otpauth_uri}")
    print("backup codes  " + "  ".join(codes))
    return 0


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m shared.identity")
    commands = parser.add_subparsers(dest="command", required=True)
    create = commands.add_parser("create-super-admin", help="create a platform super admin (MFA enrolled)")
    create.add_argument("--email", required=True)
    create.add_argument("--full-name", default="Platform Admin")
    args = parser.parse_args(argv)
    return create_super_admin(args.email, args.full_name)


if __name__ == "__main__":
    raise SystemExit(main())
