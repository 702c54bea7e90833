"""Monthly, annual and district reports, computed only from the modules' published summaries."""
from ...periods import Period, month_period, parse_month, parse_year, year_period
from .annual import KINDS, AnnualReport, Figure, annual_report, annual_rows, annual_sheets, month_lines
from .district import KIND_ORDER, DistrictGroup, DistrictRow, district, district_sheets, rank
from .figures import (ELDER_AGE, MEALS_FIGURE, REPORTED, Report, community_report, elder_cutoff, indicators,
                      population, summaries)
from .labels import (ALLEYS, CATEGORY_LABELS, INDICATORS, KITCHEN, KITCHEN_FIGURES, KITCHEN_PEOPLE, MUTUALAID,
                     NEED_LABELS, POPULATION, REGISTERS, VISITS, category_label, need_label, raw, show)
from .spreadsheet import report_rows, report_sheets

__all__ = [
    "KINDS", "AnnualReport", "Figure", "annual_report", "annual_rows", "annual_sheets", "month_lines",
    "NEED_LABELS", "REGISTERS", "VISITS", "need_label",
    "ALLEYS", "CATEGORY_LABELS", "ELDER_AGE", "INDICATORS", "KIND_ORDER", "KITCHEN", "KITCHEN_FIGURES",
    "KITCHEN_PEOPLE", "MEALS_FIGURE", "MUTUALAID", "POPULATION", "REPORTED", "DistrictGroup", "DistrictRow", "Period",
    "Report", "category_label", "community_report", "district", "district_sheets", "elder_cutoff", "indicators", "month_period",
    "parse_month", "parse_year", "population", "rank", "raw", "report_rows", "report_sheets", "show", "summaries",
    "year_period",
]
