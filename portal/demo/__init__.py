"""Demo data: the identities offered by the local FranceConnect sandbox and the careers `flask seed-demo` loads."""
