"""How the audit log says the partner interface's acts (installed through hooks.py)."""
from ..audit import AuditAction
from ..errors import N_

KEY_FIELDS = {"name": N_("Who uses the key"), "prefix": N_("Key begins with")}
WEBHOOK_FIELDS = {"url": N_("Address"), "events": N_("Events"), "enabled": N_("Sending")}

AUDIT_ACTIONS = {
    "open311.settings": AuditAction(
        N_("Partner interface settings changed"), N_("%(actor)s changed the partner interface's settings."),
        {"code": N_("Community code (jurisdiction_id)"), "publishes_cases": N_("Publish this community's cases")}),
    "open311.key_issued": AuditAction(
        N_("API key issued"), N_("%(actor)s issued an API key for %(name)s."), KEY_FIELDS),
    "open311.key_revoked": AuditAction(
        N_("API key revoked"), N_("%(actor)s revoked the API key of %(name)s."), KEY_FIELDS),
    "open311.webhook_added": AuditAction(
        N_("Webhook added"), N_("%(actor)s added a webhook to %(url)s."), WEBHOOK_FIELDS),
    "open311.webhook_switched": AuditAction(
        N_("Webhook turned on or off"), N_("%(actor)s turned the webhook to %(url)s on or off."), WEBHOOK_FIELDS),
    "open311.webhook_deleted": AuditAction(
        N_("Webhook deleted"), N_("%(actor)s deleted the webhook to %(url)s."), WEBHOOK_FIELDS),
    "open311.case_filed": AuditAction(
        N_("Case filed by a partner"), N_("A partner system filed case %(case_id)s with the key %(key)s."),
        {"key": N_("Key begins with"), "case_id": N_("Case"), "service_code": N_("Service code")}),
}
