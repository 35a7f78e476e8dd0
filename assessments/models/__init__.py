from .reminders import ReminderLog
from .reviews import ControlReview, ReviewItem

__all__ = ["ControlReview", "ReviewItem", "ReminderLog"]
