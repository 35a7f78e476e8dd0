from .evidence import Evidence
from .indicators import Indicator
from .measures import Measure
from .people import Membership
from .progress import IndicatorActual, PlannedProgress, ProgressReport
from .units import Unit

__all__ = [
    "Unit",
    "Membership",
    "Measure",
    "Indicator",
    "PlannedProgress",
    "ProgressReport",
    "IndicatorActual",
    "Evidence",
]
