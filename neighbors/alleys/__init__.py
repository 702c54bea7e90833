from .views import bp

from . import segment_pages  # noqa: E402,F401  (staff's segment pages join the alleys blueprint)

__all__ = ["bp"]
