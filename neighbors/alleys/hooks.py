"""What the alleys offer the rest of the app, installed by `create_app` (see neighbors/registry.py)."""
from ..registry import ModuleHooks, PublicCases
from . import demo, services
from .services import partners
from .audit_actions import AUDIT_ACTIONS

HOOKS = ModuleHooks(
    name="alleys",
    audit_actions=AUDIT_ACTIONS,
    person_summary=services.person_summary,
    staff_queue=services.staff_queue,
    staff_queue_count=services.staff_queue_count,
    monthly_summary=services.monthly_summary,
    figure_records=services.figure_records,
    tick_jobs={
        "alleys.generate_shifts": services.generate_shifts,
        "alleys.short_shifts": services.notify_short_shifts,
        "alleys.held_photos": services.discard_expired_held_photos,
        "alleys.escalate_overdue": services.escalate_overdue,
        "alleys.pass_on_unaccepted": services.pass_on_unaccepted,
    },
    demo_step=(40, demo.build_alleys),
    personal_data=services.personal_data,
    erase_person=services.erase_person,
    public_cases=PublicCases(services=partners.public_services, find=partners.find_cases, file=partners.file_case),
)
