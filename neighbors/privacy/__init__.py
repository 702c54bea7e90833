"""A person's rights over their information: see and download it, and its erasure by staff on request."""
from .views import bp

__all__ = ["bp"]
