"""gunicorn reads this file from the folder it starts in (`make run`, bench/, the live-server tests).

The worker count, threads and address are given on each command line; this file only holds what every
worker should do once it has loaded the app.
"""
import gc


def post_worker_init(worker):
    """Move everything the worker has loaded (modules, templates, catalogues, the app) out of the garbage
    collector's reach: those objects live as long as the worker, yet each full collection walked all of them
    again, which cost a page with a few hundred database rows a third of its time (README, Performance)."""
    gc.freeze()
