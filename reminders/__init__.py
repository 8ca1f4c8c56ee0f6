"""Time-driven work: the outbox sender and the scheduler that sweeps for what is due."""
