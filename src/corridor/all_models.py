"""Imports every topic's tables so that Base.metadata knows them all (Alembic, tests)."""

from corridor.deconfliction import changes as feature_changes  # noqa: F401
from corridor.groups import models as groups_models
from corridor.incidents import models as incidents_models  # noqa: F401
from corridor.log import models as log_models
from corridor.notifications import models as notifications_models  # noqa: F401
from corridor.operations import models as operations_models  # noqa: F401
from corridor.pauses import models as pauses_models
from corridor.places import models as places_models  # noqa: F401

__all__ = ["groups_models", "log_models", "pauses_models"]
