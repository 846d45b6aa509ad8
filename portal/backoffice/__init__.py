"""The technicians' back-office: agents, queues, instruction, embedded controls, decisions, supervision."""

from portal.backoffice import outbox as outbox  # the outbox's routes, on the blueprint of views.py
