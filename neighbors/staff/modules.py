"""The staff console reads the other modules only through the functions their services.py publish.

A module that is not installed (its services.py does not exist yet) is reported as missing,
never replaced by made-up numbers; any other import error is a real bug and is raised.
"""
import importlib
import logging
from collections.abc import Callable

log = logging.getLogger(__name__)

MODULES = ("kitchen", "mutualaid", "alleys")


def service(module: str, name: str) -> Callable | None:
    """`neighbors.<module>.services.<name>`, or None when that module does not offer it."""
    path = f"neighbors.{module}.services"
    try:
        services = importlib.import_module(path)
    except ModuleNotFoundError as error:
        if error.name == path:
            return None
        raise
    return getattr(services, name, None)


def call(module: str, name: str, *args):
    """Call a module's published function; None when the module does not offer it."""
    function = service(module, name)
    if function is None:
        return None
    return function(*args)
