"""Mass communications: campaigns, their audience, fan-out through the outbox, and reports."""
