"""Signalements (demandes de rectification de carrière): drafts, justificatifs, lifecycle, messages, deadlines."""
