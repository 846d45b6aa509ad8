"""Representatives of protected adults: mandates, their verification, and the "acting for" context."""
