from . import manage  # noqa: F401  (the operator's and staff's pages join the kitchen blueprint)
from .views import bp

__all__ = ["bp"]
