"""HTTP services and command-line entry points (thin layers over the newsdesk package)."""
