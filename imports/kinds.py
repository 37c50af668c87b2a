"""The import kinds named in settings.IMPORT_KINDS: importer, columns, permission action, label, upload page."""

from dataclasses import dataclass

from django.conf import settings
from django.http import Http404
from django.utils.module_loading import import_string


@dataclass(frozen=True)
class Kind:
    key: str
    importer: str
    columns_path: str
    action: str
    label: str
    upload: str

    def run(self, *args, **kwargs):
        return import_string(self.importer)(*args, **kwargs)

    def columns(self) -> list:
        found = import_string(self.columns_path)
        return list(found() if callable(found) else found)


def get(key: str) -> Kind:
    try:
        spec = settings.IMPORT_KINDS[key]
    except KeyError as exc:
        raise Http404 from exc
    return Kind(key, spec["importer"], spec["columns"], spec["action"], str(spec["label"]), spec["upload"])


def all_kinds() -> list[Kind]:
    return [get(key) for key in settings.IMPORT_KINDS]


def ntm_columns():
    """The NTM file's columns depend on the criteria sets loaded (tc1 … tcN)."""
    from ntm.imports import columns
    from ntm.models import CriteriaSet

    return columns(CriteriaSet.objects.prefetch_related("criteria"))
