"""What mutual aid offers the rest of the app, installed by `create_app` (see neighbors/registry.py)."""
from ..registry import AppealKind, ModuleHooks
from . import demo, services
from .audit_actions import AUDIT_ACTIONS

HOOKS = ModuleHooks(
    name="mutualaid",
    audit_actions=AUDIT_ACTIONS,
    person_summary=services.person_summary,
    staff_queue=services.staff_queue,
    staff_queue_count=services.staff_queue_count,
    monthly_summary=services.monthly_summary,
    figure_records=services.figure_records,
    appeal_kinds={
        "mutualaid.request": AppealKind(check=services.hidden_request, describe=services.describe_requests,
                                        reinstate=services.reinstate_request),
        "mutualaid.offer": AppealKind(check=services.hidden_offer, describe=services.describe_offers,
                                      reinstate=services.reinstate_offer),
    },
    tick_jobs={"mutualaid.auto_confirm": services.auto_confirm_due},
    demo_step=(30, demo.mutual_aid),
    personal_data=services.personal_data,
    erase_person=services.erase_person,
)
