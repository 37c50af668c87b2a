"""All reference data in one call: what `load_reference_data`, the test setup and the demo use.

The steps are the domain apps' loaders, named in `settings.REFERENCE_DATA_STEPS` (dotted paths, run in order), so that
`core` depends on no domain app: the project's configuration, one layer up, says which apps bring reference data.
Each step takes `actor=` and returns the lines it reports.
"""

from django.conf import settings
from django.utils.module_loading import import_string


def load_all_reference_data(actor=None) -> list[str]:
    lines = []
    for path in settings.REFERENCE_DATA_STEPS:
        lines.extend(import_string(path)(actor=actor))
    return lines
