"""What the kitchen offers the rest of the app, installed by `create_app` (see neighbors/registry.py)."""
from ..registry import AppealKind, ModuleHooks
from . import demo, services
from .audit_actions import AUDIT_ACTIONS

HOOKS = ModuleHooks(
    name="kitchen",
    audit_actions=AUDIT_ACTIONS,
    person_summary=services.person_summary,
    staff_queue=services.staff_queue,
    staff_queue_count=services.staff_queue_count,
    monthly_summary=services.monthly_summary,
    figure_records=services.figure_records,
    appeal_kinds={"kitchen.feedback": AppealKind(check=services.hidden_feedback,
                                                 describe=services.describe_feedback,
                                                 reinstate=services.reinstate_feedback)},
    tick_jobs={"kitchen.standing_orders": services.standing_orders_job},
    demo_step=(20, demo.kitchen_demo),
    personal_data=services.personal_data,
    erase_person=services.erase_person,
)
