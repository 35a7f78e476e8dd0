from .framework import Criterion, Dimension, FocusPoint, Item
from .plan import Milestone, Plan
from .self_checks import *  # noqa: F403  組織診斷

__all__ = ["Plan", "Milestone", "Dimension", "Item", "FocusPoint", "Criterion"]
