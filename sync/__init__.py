"""Pure sync, scoring and ranking rules: plain data in, plain data out (no Flask, no ORM)."""
