from .drafts import MeasureDraft
from .evidence import Evidence
from .indicators import Indicator
from .measures import Measure
from .progress import IndicatorActual, PlannedProgress, ProgressReport

__all__ = [
    "Measure",
    "Indicator",
    "PlannedProgress",
    "ProgressReport",
    "IndicatorActual",
    "Evidence",
    "MeasureDraft",
]
