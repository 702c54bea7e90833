"""How the audit log says the alleys' acts (installed through hooks.py): fields named as the alleys' forms name
them, departments and categories in the reader's language."""
import sqlalchemy as sa

from ..audit import AuditAction, iso_date, person_names
from ..errors import N_
from ..extensions import db
from ..i18n import department_label
from ..templating import as_list, role_label
from .forms import WEEKDAY_LABELS, kind_choices
from .models import CATEGORY_LABELS, AlleyBranch


def branch_name(branch_id) -> str:
    return db.session.scalar(sa.select(AlleyBranch.name).where(AlleyBranch.id == branch_id)) or str(branch_id)


def weekday_names(days) -> str:
    return as_list([str(WEEKDAY_LABELS[int(day)]) for day in str(days) if day.isdigit() and int(day) < 7])


def needs_words(needs) -> str:
    """Places a shift needs, by kind of person: 志愿者 2 / Volunteer 2."""
    if not isinstance(needs, dict):
        return str(needs)
    return as_list([f"{role_label(kind)} {count}" for kind, count in needs.items()])


def kind_name(kind) -> str:
    return str({choice.value: choice.label for choice in kind_choices()}.get(kind, kind))


DEPARTMENT = {"department": department_label}
RULE_FIELDS = {
    "weekdays": N_("Weekdays"), "starts": N_("Starts"), "ends": N_("Ends"), "needs": N_("Volunteers and patrollers"),
    "active": N_("Rule is in use"), "skip_holidays": N_("No patrol on public holidays (and the extra days staff add)"),
    "adjusted_workdays": N_("Also patrol on weekend working days (调休上班日)"),
}
ROUTE_FIELDS = {"alley": N_("Alley"), "category": N_("What kind of problem"), "department": N_("Department"),
                "accept": N_("Accept within (minutes)"), "resolve": N_("Fix within (minutes)")}
MEMBER_FIELDS = {"branch": N_("Party branch"), "kind": N_("Member as"), "department": N_("Department (officers)")}

AUDIT_ACTIONS = {
    "alleys.alley_saved": AuditAction(
        N_("Alley saved"), N_("%(actor)s saved the alley %(name)s."),
        {"name": N_("Name of the alley"), "branch": N_("Party branch")}, {"branch": branch_name}),
    "alleys.branch_saved": AuditAction(
        N_("Party branch saved"), N_("%(actor)s saved the party branch %(name)s."),
        {"name": N_("Name of the branch"), "secretary": N_("Secretary")}, {"secretary": person_names}),
    "alleys.route_set": AuditAction(
        N_("Case routing set"), N_("%(actor)s set who handles %(category)s in %(alley)s."), ROUTE_FIELDS,
        {**DEPARTMENT, "category": lambda code: str(CATEGORY_LABELS.get(code, code))}),
    "alleys.rule_saved": AuditAction(
        N_("Patrol rule saved"), N_("%(actor)s saved a patrol rule."), RULE_FIELDS,
        {"weekdays": weekday_names, "needs": needs_words, "starts": lambda at: at[:5], "ends": lambda at: at[:5]}),
    "alleys.holiday_added": AuditAction(
        N_("Holiday added"), N_("%(actor)s added a day without patrols."),
        {"day": N_("Day"), "name": N_("Name (e.g. 国庆节)")}, {"day": iso_date}),
    "alleys.holiday_removed": AuditAction(
        N_("Holiday removed"), N_("%(actor)s removed a day without patrols."), {"day": N_("Day")}, {"day": iso_date}),
    "alleys.member_added": AuditAction(
        N_("Branch member added"), N_("%(actor)s added %(person)s to the party branch %(branch)s."), MEMBER_FIELDS,
        {**DEPARTMENT, "kind": kind_name}),
    "alleys.member_removed": AuditAction(
        N_("Branch member removed"), N_("%(actor)s removed %(person)s from the party branch %(branch)s."),
        MEMBER_FIELDS, {"kind": kind_name}),
    "alleys.department_changed": AuditAction(
        N_("Officer's department changed"), N_("%(actor)s changed the department of %(person)s."), MEMBER_FIELDS,
        DEPARTMENT),
    "alleys.segment_saved": AuditAction(
        N_("Road segment saved"), N_("%(actor)s saved the segment %(name)s of %(alley)s."),
        {"alley": N_("Alley"), "name": N_("Name of the segment"), "landmarks": N_("Landmarks")}),
    "alleys.segment_owner_set": AuditAction(
        N_("Segment's responsible officer named"), N_("%(actor)s named who is responsible for %(segment)s."),
        {"segment": N_("Segment"), "department": N_("Department"), "officer": N_("Responsible officer"),
         "deputy": N_("Deputy")}, DEPARTMENT),
    "alleys.member_assigned": AuditAction(
        N_("Put on a patrol"), N_("%(actor)s put %(person)s on a patrol."), MEMBER_FIELDS, {"kind": kind_name}),
}
