"""Passkeys (WebAuthn) and second factors: credentials, challenges, TOTP, recovery codes."""
