from certification.imports import import_revocations
from core.management.import_command import ImportCommand


class Command(ImportCommand):
    help = "Import revocation decisions: from each decision date the product's current certificate is revoked."
    importer = staticmethod(import_revocations)
