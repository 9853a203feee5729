"""Stage 1: finding article links and fetching pages politely and safely."""
