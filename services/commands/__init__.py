"""Sub-commands of `newsdesk`, one module per group."""
