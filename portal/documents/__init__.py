"""Justificatifs: what is accepted, and where the files are stored."""
