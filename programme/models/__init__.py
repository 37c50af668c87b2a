"""The programme's records beside the register, one model family per module (DESIGN.md)."""

from programme.models.channels import *  # noqa: F403
from programme.models.events import *  # noqa: F403
from programme.models.funding import *  # noqa: F403
from programme.models.linkages import *  # noqa: F403
from programme.models.monitoring import *  # noqa: F403
from programme.models.plans import *  # noqa: F403
from programme.models.training import *  # noqa: F403
