"""The garbage collector of a long-running worker (gunicorn, Celery, the simulation bench).

CPython's cycle collector runs every 700 new container objects and, every few runs, walks every object the process
holds: tens of thousands once Flask, SQLAlchemy and the rules' tables are loaded. A simulation allocates a few
thousand short-lived objects, so by default a good part of its time went to walking the loaded code over and over
(measured by bench/simulation.py). Freezing what is loaded at start-up takes it out of those walks for good; a
higher first threshold lets short-lived objects die by reference counting before the collector looks at them.
"""

import gc

# Container allocations between two collections of the youngest generation (CPython's default: 700). Cyclic garbage
# waits a little longer; all the rest is freed by reference counting as before.
YOUNG_THRESHOLD = 50_000


def settle() -> None:
    """Once the process has loaded what it serves with: collect, then keep those objects out of every later
    collection, and collect the young generation less often."""
    gc.collect()
    gc.freeze()
    _, middle, old = gc.get_threshold()
    gc.set_threshold(YOUNG_THRESHOLD, middle, old)
