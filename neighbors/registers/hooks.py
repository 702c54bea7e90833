"""What the registers offer the rest of the app, installed by `create_app` (see neighbors/registry.py)."""
from ..registry import ModuleHooks
from . import demo, services
from .audit_actions import AUDIT_ACTIONS

HOOKS = ModuleHooks(
    name="registers",
    person_summary=services.person_summary,
    staff_queue=services.staff_queue,
    staff_queue_count=services.staff_queue_count,
    monthly_summary=services.monthly_summary,
    figure_records=services.figure_records,
    demo_step=(60, demo.registers),
    personal_data=services.personal_data,
    erase_person=services.erase_person,
    audit_actions=AUDIT_ACTIONS,
)
