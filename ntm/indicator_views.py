"""The evidence files of NTM indicators (issue 18): download in the reader's scope, removal by the commune's officer.

Uploading happens with the assessment form itself (ntm.views.assessment → services.save_assessment).
"""

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import FileResponse, Http404
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from core.actions import perform
from core.scoping import get_in_scope_or_404
from ntm import services
from ntm.models import Assessment, IndicatorValue


def _value(request, pk: int, indicator: int, action: str) -> IndicatorValue:
    """The indicator's stored value with its file, of an assessment in the reader's scope for `action`; else 404."""
    if not request.user.has_perm(action):
        raise PermissionDenied
    assessment = get_in_scope_or_404(
        Assessment.objects.for_user(request.user, action).select_related("commune", "criteria_set"), pk=pk
    )
    value = (
        IndicatorValue.objects.filter(assessment=assessment, indicator_id=indicator)
        .select_related("indicator__criterion")
        .first()
    )
    if value is None or not value.evidence:
        raise Http404
    value.assessment = assessment
    return value


@login_required
def indicator_evidence(request, pk: int, indicator: int):
    """The only way to a stored evidence file: as an attachment, with the content type checked at upload."""
    value = _value(request, pk, indicator, "ntm.view")
    try:
        handle = value.evidence.open("rb")
    except FileNotFoundError as exc:
        raise Http404 from exc
    return FileResponse(
        handle, as_attachment=True, filename=value.evidence_name or "minh-chung", content_type=value.evidence_type
    )


@login_required
@require_POST
def indicator_evidence_remove(request, pk: int, indicator: int):
    value = _value(request, pk, indicator, "ntm.assess")
    return perform(
        request,
        lambda: services.remove_indicator_evidence(
            actor=request.user, assessment=value.assessment, indicator=value.indicator
        ),
        success=_("Đã gỡ tệp minh chứng “%(name)s” của chỉ tiêu %(c)s.")
        % {"name": value.evidence_name, "c": value.indicator.code},
        then=value.assessment.get_absolute_url(),
    )
