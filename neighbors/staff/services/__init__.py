"""The staff console's rules, one file per topic; reports live in `neighbors.staff.reports`.

Every public function takes the acting staff member (or a community id they were checked for) and the time
explicitly; the ones that change something are one transaction each (`@service`).
"""
from .audit_log import (AUDIT_CSV_LIMIT, AUDIT_PAGE, AuditFilter, AuditText, action_label, audit_actions, audit_sheets,
                        audit_entries, audit_filter, describe)
from .carers import link_carer, unlink_carer
from .labels import STATUS_LABELS, TRUST_LABELS, status_label
from .people import (DEPARTMENTS, PEOPLE_PAGE, all_communities, buildings_of, cared_for_by, carer_links_of,
                     managed_community, module_summaries, person, reported_community, search_people,
                     switchable_communities)
from .residents import Registered, register_resident, update_resident
from .roles import grant_role, password_reset_target, reset_password, revoke_role, set_volunteer_verified
from .work_queue import (WorkQueue, age, age_text, foundation_queue, link_key, queue_version, work_queue,
                         work_queue_count)

__all__ = [
    "AUDIT_CSV_LIMIT", "AUDIT_PAGE", "DEPARTMENTS", "PEOPLE_PAGE", "STATUS_LABELS", "TRUST_LABELS", "AuditFilter",
    "AuditText", "Registered", "WorkQueue", "action_label", "age", "age_text", "all_communities", "audit_actions",
    "audit_sheets", "audit_entries", "audit_filter", "buildings_of", "cared_for_by", "carer_links_of",
    "describe", "foundation_queue", "grant_role", "link_carer", "link_key", "managed_community",
    "module_summaries", "password_reset_target", "person", "queue_version", "register_resident", "reported_community",
    "reset_password", "revoke_role", "search_people", "set_volunteer_verified", "status_label", "switchable_communities",
    "unlink_carer", "update_resident", "work_queue", "work_queue_count",
]
