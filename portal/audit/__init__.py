"""Append-only audit trail: `record(action, actor=..., subject=..., acting_for=..., **data)`."""
