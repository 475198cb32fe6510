"""The database: the ORM's configuration and migrations, the PostgreSQL engine, backups."""
