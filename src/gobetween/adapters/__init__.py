"""Adapters: the database, mail and other I/O behind the services' protocols."""
