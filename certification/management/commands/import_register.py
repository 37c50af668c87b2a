from certification.imports import import_register
from core.management.import_command import ImportCommand


class Command(ImportCommand):
    help = (
        "Import the OCOP product register (one row per recognition decision of one product). See CONTRACT §5. "
        "--as USERNAME imports as that province officer: rows outside their areas are refused as row errors and the "
        "audit log names them; without --as the import runs as the system."
    )
    importer = staticmethod(import_register)
    action = "certification.manage"
