"""The rules of the assessment by community type: every change goes through here (`@service`).

One file per topic; this package re-exports what views, hooks, the demo and tests use.
"""
from .exports import sheets
from .indicators import set_weights, weights
from .measures import MEASURES, Measure, Population, measure_named, offered, population, raw_values
from .personal_data import erase_person, personal_data
from .results import parse_year, publication, publish, standing_of, standings, visible
from .scoring import Candidate, Line, Standing, score

__all__ = [
    "sheets", "set_weights", "weights",
    "MEASURES", "Measure", "Population", "measure_named", "offered", "population", "raw_values",
    "erase_person", "personal_data",
    "parse_year", "publication", "publish", "standing_of", "standings", "visible",
    "Candidate", "Line", "Standing", "score",
]
