"""The technicians' back-office: agents, queues, instruction, embedded controls, decisions, supervision."""
