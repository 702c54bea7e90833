from . import demo  # noqa: F401  (registers the demo step)
from . import services  # noqa: F401  (registers the tick jobs)
from .views import bp

__all__ = ["bp"]
