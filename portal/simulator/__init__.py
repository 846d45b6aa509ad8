"""The simulator's faces: the "Simuler ma retraite" pages, the JSON API and `flask simulate`, on the engine of
portal.pension_rules. This package reads the database (the career, the children, a pending signalement); the engine
does not."""
