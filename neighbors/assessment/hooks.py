"""What the assessment offers the rest of the app, installed by `create_app` (see neighbors/registry.py): how the
audit log says its acts, what it holds about a person, and the demo's indicators. It has no work queue, person page or monthly figures of its
own: it reads the other modules' figures (services/measures.py)."""
from ..registry import ModuleHooks
from . import demo, services
from .audit_actions import AUDIT_ACTIONS

HOOKS = ModuleHooks(
    name="assessment",
    person_summary=lambda _community_id, _user_id: {},
    staff_queue=lambda _community_id, _now: [],
    staff_queue_count=lambda _community_id, _now: 0,
    monthly_summary=lambda _community_id, _start, _end, _now=None: {},
    demo_step=(70, demo.indicators),
    audit_actions=AUDIT_ACTIONS,
    personal_data=services.personal_data,
    erase_person=services.erase_person,
)
