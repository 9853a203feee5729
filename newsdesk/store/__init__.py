"""Where fetched pages are kept: the page store (hand-off to the parser) and the WARC archive."""
