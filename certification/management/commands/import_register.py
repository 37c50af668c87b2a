from certification.imports import import_register
from core.management.import_command import ImportCommand


class Command(ImportCommand):
    help = "Import the OCOP product register (one row per recognition decision of one product). See CONTRACT §5."
    importer = staticmethod(import_register)
