"""The kitchen's rules: the only way its records change. Every public function that changes anything is one
`@service` transaction. One file per topic; the names views, hooks, tests and the bench use are here."""
from .common import MAX_CAPACITY, MAX_QUANTITY, MENU_DAYS, near_day, order_link
from .feedback import (
    acknowledge_feedback, describe_feedback, feedback_for_order, hidden_feedback, hide_feedback, kitchen_rating,
    leave_feedback, recent_feedback, reinstate_feedback,
)
from .kitchens import (
    buildings, kitchens, kitchens_run_by, operator_candidates, register_kitchen, resume_kitchen, still_coming,
    suspend_kitchen, update_kitchen,
)
from .meals import (
    DEFAULT_DEADLINES, LATEST_DEADLINE, cancel_meal, close_ordering, copy_last_week, default_deadline, kitchen_meals,
    publish_meal, set_capacity, to_local_input, upcoming_meals,
)
from .operator import advance_order, delivery_sheet, meal_day, ordered_twice
from .ordering import (
    AlreadyOrdered, OrderingClosed, SoldOut, cancel_order, check_order_input, live_orders_of, meal_orders,
    next_meal_without, order_again, order_by_key, orders_for, place_order, price_for, search_orders,
)
from .personal_data import erase_person, personal_data
from .profiles import (
    PHONE_LIKE, WELFARE_STATUSES, carers_for, profile_for, residents, set_welfare_status, update_profile,
)
from .settlement import (
    CSV_COLUMNS, FIGURES, ServedOrders, figure_records, month_bounds, monthly_summary, served_orders, settlement,
    settlement_sheets,
)
from .staff import LOW_RATING, person_summary, staff_queue, staff_queue_count
from .standing import (
    create_standing_order, end_standing_order, parse_weekdays, pause_standing_order, place_standing_order,
    place_standing_orders, skipped_meals, standing_orders_for, standing_orders_job,
)
from .subsidies import RULE_TEXTS, add_tier, describe_rule, get_settings, remove_tier, subsidy_for, tiers, update_settings
from .welfare import SAFE_HOW, open_welfare_checks, record_safe

__all__ = [
    "CSV_COLUMNS", "DEFAULT_DEADLINES", "FIGURES", "LATEST_DEADLINE", "LOW_RATING", "MAX_CAPACITY", "MAX_QUANTITY",
    "ServedOrders", "figure_records", "served_orders",
    "MENU_DAYS", "PHONE_LIKE", "RULE_TEXTS", "SAFE_HOW", "WELFARE_STATUSES", "AlreadyOrdered", "OrderingClosed",
    "SoldOut", "live_orders_of", "near_day", "next_meal_without", "ordered_twice", "price_for", "skipped_meals",
    "acknowledge_feedback", "add_tier", "advance_order", "buildings", "cancel_meal", "cancel_order", "carers_for",
    "check_order_input", "close_ordering", "copy_last_week", "create_standing_order", "default_deadline",
    "delivery_sheet", "describe_feedback", "describe_rule", "end_standing_order", "erase_person", "feedback_for_order",
    "get_settings", "hidden_feedback", "hide_feedback", "kitchen_meals", "kitchen_rating", "kitchens",
    "kitchens_run_by", "leave_feedback", "meal_day", "meal_orders", "month_bounds", "monthly_summary",
    "open_welfare_checks", "operator_candidates", "order_again", "order_by_key", "order_link", "orders_for",
    "parse_weekdays", "pause_standing_order", "person_summary", "personal_data", "place_order", "place_standing_order",
    "place_standing_orders", "profile_for", "publish_meal", "recent_feedback", "record_safe", "register_kitchen",
    "reinstate_feedback", "remove_tier", "residents", "resume_kitchen", "search_orders", "set_capacity",
    "set_welfare_status", "settlement", "settlement_sheets", "staff_queue", "staff_queue_count", "standing_orders_for",
    "standing_orders_job", "still_coming", "subsidy_for", "suspend_kitchen", "tiers", "to_local_input",
    "update_kitchen", "update_profile", "update_settings", "upcoming_meals",
]
