"""``collect``: an organization read from AWS (read-only) or from saved AWS CLI output, as a snapshot."""
