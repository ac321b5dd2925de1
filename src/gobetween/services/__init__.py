"""Use cases: every state change is one service call in one transaction."""
