"""Staff's page of an alley's road segments, on the alleys blueprint: the stretches with their landmarks, and per
segment and department the responsible officer and the deputy (路段负责人), whom a case goes to first."""
from flask_babel import gettext as _
from flask_login import current_user

from ..clock import utcnow
from ..i18n import department_label
from ..models import Role
from ..security import role_required
from ..web import render, submit, then
from . import services
from .forms import SegmentForm, SegmentOwnerForm
from .policy import officer_department
from .views import _alley, _staff_only, bp


def _owner_form(segment, formdata=True) -> SegmentOwnerForm:
    """One segment's form; its fields are prefixed with the segment, so a page of several keeps its ids apart."""
    prefix = f"segment{segment.id}"
    form = SegmentOwnerForm(prefix=prefix) if formdata else SegmentOwnerForm(formdata=None, prefix=prefix)
    officers = services.officers_of(segment.community_id)
    choices = [(o.id, f"{o.name}（{department_label(officer_department(o))}）") for o in officers]
    form.officer.choices = [(0, _("Nobody named"))] + choices
    form.deputy.choices = [(0, _("No deputy"))] + choices
    return form


def _page(place, segment_form: SegmentForm | None = None, owner_form: SegmentOwnerForm | None = None,
          failed_segment: int | None = None) -> dict:
    segments = services.segments_of(place.community_id, place.id)
    owner_forms = {segment.id: _owner_form(segment, formdata=False) for segment in segments}
    if owner_form is not None:
        owner_forms[failed_segment] = owner_form
    return {"alley": place, "segments": segments, "segment_form": segment_form or SegmentForm(formdata=None),
            "owner_forms": owner_forms, "minutes": services.officer_minutes()}


@bp.get("/<int:alley_id>/segments")
@role_required(Role.STAFF)
def segments(alley_id: int):
    _staff_only()
    return render("alleys/segments.html", **_page(_alley(alley_id)))


@bp.post("/<int:alley_id>/segments")
@role_required(Role.STAFF)
def add_segment(alley_id: int):
    _staff_only()
    place = _alley(alley_id)
    form = SegmentForm()
    return submit(form, lambda: services.save_segment(current_user, place.id, form.name.data, form.landmarks.data,
                                                      utcnow()),
                  done=then(_("Segment saved."), "alleys.segments", alley_id=place.id),
                  template="alleys/segments.html", form_name="segment_form", context=lambda: _page(place, form))


@bp.post("/segments/<int:segment_id>/owner")
@role_required(Role.STAFF)
def set_segment_owner(segment_id: int):
    _staff_only()
    segment = services.segment_for(current_user, segment_id)
    place = _alley(segment.alley_id)
    form = _owner_form(segment)
    return submit(form, lambda: services.set_owner(current_user, segment.id, form.department.data,
                                                   form.officer.data or None, form.deputy.data or None, utcnow()),
                  done=then(_("Saved. New cases on this segment go to this officer first."), "alleys.segments",
                            alley_id=place.id, _anchor=f"segment-{segment.id}"),
                  template="alleys/segments.html", form_name="submitted_owner_form",
                  context=lambda: _page(place, owner_form=form, failed_segment=segment.id))

