from .framework import Criterion, Dimension, FocusPoint, Item
from .people import Membership
from .plan import Milestone, Plan
from .self_checks import *  # noqa: F403  組織診斷
from .units import Unit

__all__ = ["Unit", "Membership", "Plan", "Milestone", "Dimension", "Item", "FocusPoint", "Criterion"]
