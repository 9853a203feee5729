"""`python -m services.cli`: the same as the `newsdesk` command."""

from services.cli import main

main()
