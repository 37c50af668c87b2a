"""The programme's records beside the register, one model family per module (DESIGN.md)."""

from programme.models.channels import *  # noqa: F403
from programme.models.events import *  # noqa: F403
