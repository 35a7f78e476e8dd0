from .indicators import Indicator
from .measures import Measure
from .people import Membership
from .units import Unit

__all__ = ["Unit", "Membership", "Measure", "Indicator"]
