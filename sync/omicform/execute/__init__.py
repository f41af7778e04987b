"""Apply: carrying out a plan's changes, recording each in state as soon as it is done."""

from omicform.execute.context import Outcome
from omicform.execute.executor import ApplyOptions, ApplyResult, apply_plan
from omicform.execute.freshness import StalePlan, check_fresh

__all__ = ["ApplyOptions", "ApplyResult", "Outcome", "StalePlan", "apply_plan", "check_fresh"]
