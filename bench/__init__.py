"""Benchmarks: page throughput against the bare stack, statements per page, page weight, growth."""
