"""Public pages: home, legal notices, accessibility statement, DSFR assets."""
