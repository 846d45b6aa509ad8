"""Career periods, régimes, versions, and the "Ma carrière" pages."""
