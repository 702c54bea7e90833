"""Appeals against hidden content: the blueprint, and what the modules' pages and staff's queue read."""
from .models import APPEAL_STATES, MAX_REASON, MAX_TEXT, Appeal, AppealState
from .services import (AppealConflict, decide_appeal, describe, file_appeal, latest_appeal, open_appeals, open_count,
                       staff_queue)
from .views import bp

__all__ = ["APPEAL_STATES", "MAX_REASON", "MAX_TEXT", "Appeal", "AppealConflict", "AppealState", "bp",
           "decide_appeal", "describe", "file_appeal", "latest_appeal", "open_appeals", "open_count", "staff_queue"]
