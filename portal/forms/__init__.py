"""Shared WTForms pieces."""

from flask_wtf import FlaskForm


class EmptyForm(FlaskForm):
    """For POST-only buttons (log in, log out): carries the CSRF token and nothing else."""
