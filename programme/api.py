"""`/api/v1/programme/…`: plans, linkage projects, funding, monitoring reports, training (one router per family)."""

from ninja import Router

from api.auth import AUTH
from programme.api_actuals import router as actuals_router
from programme.api_funding import router as funding_router
from programme.api_linkages import router as linkages_router
from programme.api_monitoring import router as monitoring_router
from programme.api_plans import router as plans_router
from programme.api_training import router as training_router

router = Router(tags=["programme"], auth=AUTH)
router.add_router("", plans_router)
router.add_router("", actuals_router)
router.add_router("", linkages_router)
router.add_router("", funding_router)
router.add_router("", monitoring_router)
router.add_router("", training_router)
