from .binder_entries import BinderEntry
from .binders import BinderBuild
from .commendations import *  # noqa: F403  獎懲
from .courtesy import *  # noqa: F403  電話禮貌測試
from .figures import PlanFigures
from .follow_ups import FollowUpAnswer, FollowUpEvidence
from .proposals import *  # noqa: F403  創意提案
from .reminders import ReminderLog
from .reviews import ControlReview, ReviewItem
from .scoring import ReviewerAssignment, Score, ScoringPrecinct, ScoringResult, ScoringRound, Settlement
from .submissions import Submission, SubmissionFile
from .surveys import *  # noqa: F403  滿意度調查、陳情案件
from .team import *  # noqa: F403  推動小組名冊
from .training import *  # noqa: F403  教育訓練

__all__ = [
    "BinderBuild", "BinderEntry", "ControlReview", "ReviewItem", "ReminderLog", "FollowUpAnswer", "FollowUpEvidence",
    "Submission", "SubmissionFile", "PlanFigures", "ScoringRound", "ScoringPrecinct", "ReviewerAssignment", "Score", "Settlement",
    "ScoringResult",
]
