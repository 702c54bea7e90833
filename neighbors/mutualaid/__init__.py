from . import demo  # noqa: F401  (registers the demo step)
from .views import bp

__all__ = ["bp"]
