"""Agents of the caisses: who they are, their roles, how they are registered and what each role may do."""
