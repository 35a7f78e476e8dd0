from .framework import Criterion, Dimension, FocusPoint, Item
from .plan import Milestone, Plan

__all__ = ["Plan", "Milestone", "Dimension", "Item", "FocusPoint", "Criterion"]
