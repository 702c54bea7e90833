from .views import bp

from . import record_pages, segment_pages  # noqa: E402,F401  (these pages join the alleys blueprint)

__all__ = ["bp"]
