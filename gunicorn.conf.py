"""gunicorn reads this file from the folder it starts in (`make run`, bench/, the live-server tests).

The worker count, threads and address are given on each command line; this file only holds what every
worker should do once it has loaded the app.
"""
import gc
import os
import signal
import sys

# gunicorn 27 opens a control socket at one fixed path in the home folder: two servers on one machine
# (`make run` beside the tests' live servers, or the two app servers of a stack) would share it. Nothing
# here uses gunicornctl, so no server opens one.
control_socket_disable = True


def post_fork(server, worker):
    """A new worker starts with a copy of the master's signal handlers, which only queue the signal for the
    master's loop that a worker never runs: a Ctrl-C or a shutdown arriving while the worker still loads the
    app was lost, and that worker lived on until gunicorn's 30 s SIGKILL. Until the worker installs its own
    handlers (once booted), these signals end it as they would any program."""
    for number in (signal.SIGINT, signal.SIGQUIT, signal.SIGTERM):
        signal.signal(number, signal.SIG_DFL)


def post_worker_init(worker):
    """Move everything the worker has loaded (modules, templates, catalogues, the app) out of the garbage
    collector's reach: those objects live as long as the worker, yet each full collection walked all of them
    again, which cost a page with a few hundred database rows a third of its time (README, Performance)."""
    gc.freeze()


def on_starting(server):
    """Login and registration limits are counted in RATELIMIT_STORAGE_URI. `memory://` keeps one count per
    worker process, so with several workers an attacker gets several times the attempts: in production that
    is refused here, before any worker starts (development servers are told; `make run` picks Redis or one
    worker itself)."""
    storage = os.environ.get("RATELIMIT_STORAGE_URI", "memory://")
    enabled = os.environ.get("RATELIMIT_ENABLED", "true").strip().lower() not in ("0", "false", "no", "off")
    if not (enabled and storage.startswith("memory://") and server.cfg.workers > 1):
        return
    message = (f"Rate limits in memory:// are counted per worker, and this server starts {server.cfg.workers}: "
               "set RATELIMIT_STORAGE_URI (for example redis://127.0.0.1:6379/0) so that every worker counts "
               "the same attempts, or run one worker.")
    if os.environ.get("NEIGHBORS_ENV") == "production":
        print(f"Refusing to start. {message}", file=sys.stderr, flush=True)
        sys.exit(1)
    server.log.warning(message)
