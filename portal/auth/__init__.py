"""Citizen login through FranceConnect, sessions, and binding an account to an assuré."""
