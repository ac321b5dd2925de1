"""The business core: ids, aliases, messages, threads, cases and evidence. Standard library only."""
