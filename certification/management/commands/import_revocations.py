from certification.imports import import_revocations
from core.management.import_command import ImportCommand


class Command(ImportCommand):
    help = (
        "Import revocation decisions: from each decision date the product's current certificate is revoked. "
        "--as USERNAME imports as that province officer: rows outside their areas are refused as row errors and the "
        "audit log names them; without --as the import runs as the system."
    )
    importer = staticmethod(import_revocations)
    action = "certification.manage"
