"""What 千户访 offers the rest of the app, installed by `create_app` (see neighbors/registry.py)."""
from ..registry import ModuleHooks
from . import demo, services
from .audit_actions import AUDIT_ACTIONS

HOOKS = ModuleHooks(
    name="visits",
    person_summary=services.person_summary,
    staff_queue=services.staff_queue,
    staff_queue_count=services.staff_queue_count,
    monthly_summary=services.monthly_summary,
    figure_records=services.figure_records,
    tick_jobs={"visits.forget_old_rosters": services.forget_old_uploads},
    demo_step=(50, demo.visits),
    acts_for=services.acts_for,
    origins={services.ORIGIN: services.note_follow_up},
    personal_data=services.personal_data,
    erase_person=services.erase_person,
    audit_actions=AUDIT_ACTIONS,
)
