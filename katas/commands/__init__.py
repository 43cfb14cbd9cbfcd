"""One module per `kata` command; katas.cli only parses arguments and dispatches here."""
