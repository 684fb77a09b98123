"""Demo data: a township that `make run` and the tests start from."""
from .township import DEMO_PASSWORD, DEMO_USERS, seed_demo

__all__ = ["DEMO_PASSWORD", "DEMO_USERS", "seed_demo"]
