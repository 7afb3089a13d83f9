from bibliography.names import *  # noqa: F403 — until the importers' split lands (issue 28)
from bibliography.names import split_name  # noqa: F401
