"""Zoo 3: held-out loss implementations (forward-only bugs, label handling, partial backward bugs, unusual correct code)."""
