"""One module per family of checks; each registers its checkers with ``@checker``."""
