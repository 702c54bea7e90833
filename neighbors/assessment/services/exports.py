"""The year's results as .xlsx or CSV, headed in the reader's language: one table of scores and ranks, one of
the lines that make each score."""
from __future__ import annotations

from flask_babel import gettext as _

from ...templating import COMMUNITY_KINDS
from .scoring import Standing


def _type(community_type: str) -> str:
    return str(COMMUNITY_KINDS.get(community_type, community_type))


def _rounded(value: float | None) -> float | str:
    return round(value, 1) if value is not None else ""


def sheets(found: list[Standing], year: int) -> list[tuple[str, list[list]]]:
    results = [[_("Type of community"), _("Community"), _("Score"), _("Rank in its type"), _("Ranked in its type"),
                _("Not ranked: missing")]]
    results += [[_type(s.community.community_type), s.community.name, _rounded(s.score), s.rank or "",
                 s.ranked_in_type or "", "、".join(_(label) for label in s.missing_labels)] for s in found]
    lines = [[_("Community"), _("Indicator"), _("Raw value"), _("Unit of measure"), _("Normalised (0-100)"),
              _("Weight"), _("Contribution to the score")]]
    lines += [[s.community.name, _(line.label), _rounded(line.raw), _(line.unit), _rounded(line.normalised),
               line.weight, _rounded(line.contribution)] for s in found for line in s.lines]
    return [(_("Assessment %(year)s", year=year), results), (_("How each score is made"), lines)]
