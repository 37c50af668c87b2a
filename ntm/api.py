from ninja import Router

router = Router(tags=["ntm"])

# Mounted at /api/v1/reports/ntm (CONTRACT §7) beside the OCOP report.
report_router = Router(tags=["reports"])
