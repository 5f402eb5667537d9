"""Digests and check-in emails: what brings a leader (and a facilitator) back."""
