"""The edges people and programs talk to: HTTP, SMTP, the delivery worker and the command line."""
