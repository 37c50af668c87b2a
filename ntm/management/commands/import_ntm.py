from core.management.import_command import ImportCommand
from ntm.imports import import_ntm


class Command(ImportCommand):
    help = (
        "Import NTM assessments (one row per commune per year: year, province, district, commune, criteria_set, "
        "tc1…tcN, optional recognition, decision_no, decision_date). See CONTRACT §7. --as USERNAME imports as that "
        "person: communes outside their areas are refused as row errors and the audit log names them; without --as "
        "the import runs as the system."
    )
    importer = staticmethod(import_ntm)
    action = "ntm.manage"
