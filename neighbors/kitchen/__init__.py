from . import demo, models, services  # noqa: F401  (registers tables, the tick job and the demo step)
from .views import bp

__all__ = ["bp"]
