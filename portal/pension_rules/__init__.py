"""The retirement rules engine: plain Python, no Flask, no database."""
