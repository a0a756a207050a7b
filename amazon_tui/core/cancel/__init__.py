"""Cancellation, exactly once: the rules, the engine, the feed XML."""
