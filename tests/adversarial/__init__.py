"""Cases found by trying to break the pipeline as a demanding user would: each one is rejected
before any job with one line, answered in part, or run to the end."""
