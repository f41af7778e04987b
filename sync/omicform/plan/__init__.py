"""The plan: what apply would do, as a value that can be shown, saved and applied."""

from omicform.errors import PlanError
from omicform.model.plan import ACTIONS, Change, FieldChange, Plan
from omicform.plan.planner import make_plan

__all__ = ["ACTIONS", "Change", "FieldChange", "Plan", "PlanError", "make_plan"]
