"""Open311 GeoReport v2 for partner systems (the 12345 hotline, the grid and sanitation platforms), and staff's
page for its keys. Cases come from the modules through the registry (`ModuleHooks.public_cases`)."""
from .api import bp as api_bp
from .views import bp

__all__ = ["api_bp", "bp"]

from ..audit import FOUNDATION_ACTIONS  # noqa: E402  (the interface is part of the foundation: its acts join the log's)
from .audit_actions import AUDIT_ACTIONS  # noqa: E402

FOUNDATION_ACTIONS.update(AUDIT_ACTIONS)
