"""Demo data for the kitchen (filled in below)."""
