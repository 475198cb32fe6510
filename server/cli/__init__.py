"""The command line: `crm-server` and `python -m server` (serve, migrate, users, seeds,
imports, backups, the schema)."""
