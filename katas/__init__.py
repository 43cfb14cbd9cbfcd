"""backprop-kata tooling: the bug-card catalogue, the learner runner, the audit, the CLI."""
