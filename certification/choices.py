from django.db import models
from django.utils.translation import gettext_lazy as _


class IssuingLevel(models.TextChoices):
    DISTRICT = "district", _("UBND cấp huyện")
    PROVINCE = "province", _("UBND cấp tỉnh")
    MINISTRY = "ministry", _("Bộ (Nông nghiệp)")


class DecisionKind(models.TextChoices):
    RECOGNITION = "recognition", _("Công nhận")
    RE_RECOGNITION = "re-recognition", _("Công nhận lại")
    UPGRADE = "upgrade", _("Nâng hạng")
    REVOCATION = "revocation", _("Thu hồi")


class CertificateState(models.TextChoices):
    NOT_YET = "not-yet", _("Chưa có hiệu lực")
    VALID = "valid", _("Còn hiệu lực")
    EXPIRING = "expiring", _("Sắp hết hạn")
    EXPIRED = "expired", _("Hết hạn")
    REVOKED = "revoked", _("Đã thu hồi")
    SUPERSEDED = "superseded", _("Đã được thay thế")


class EndReason(models.TextChoices):
    NONE = "", _("—")
    SUPERSEDED = "superseded", _("Được thay thế bởi giấy chứng nhận sau")
    REVOKED = "revoked", _("Bị thu hồi")


class RevocationGround(models.TextChoices):
    """Grounds for revoking a certificate: 26/2026/QĐ-TTg Điều 8 khoản 1, in the article's words (points a–e), and
    "other" for a reason recorded as written that matches none of them (e.g. decisions imported from before 26/2026)."""

    FALSE_DOSSIER = (
        "false-dossier",
        _(
            "Chủ thể OCOP bị phát hiện cung cấp thông tin, tài liệu không trung thực hoặc giả mạo hồ sơ trong quá "
            "trình đăng ký đánh giá, phân hạng sản phẩm OCOP"
        ),
    )
    CRITERIA_NOT_MET = (
        "criteria-not-met",
        _(
            "Sản phẩm OCOP không còn đáp ứng các tiêu chí theo Bộ tiêu chí OCOP theo kết luận kiểm tra, giám sát của "
            "cơ quan có thẩm quyền"
        ),
    )
    LAW_BREACH = (
        "law-breach",
        _(
            "Sản phẩm OCOP vi phạm quy định pháp luật về chất lượng sản phẩm, an toàn thực phẩm, bảo vệ môi trường, "
            "sở hữu trí tuệ, ghi nhãn hàng hóa hoặc các quy định pháp luật khác có liên quan theo kết luận của cơ "
            "quan có thẩm quyền"
        ),
    )
    MARK_MISUSE = (
        "mark-misuse",
        _("Chủ thể OCOP sử dụng nhãn hiệu OCOP không đúng quy định, gây nhầm lẫn về sản phẩm được công nhận"),
    )
    PRODUCTION_STOPPED = "production-stopped", _("Chủ thể OCOP không còn hoạt động sản xuất sản phẩm OCOP")
    AUTHORITY_FINDING = (
        "authority-finding",
        _(
            "Trường hợp khác theo kết luận và đề nghị của cơ quan nhà nước có thẩm quyền về việc sản phẩm OCOP "
            "không đủ điều kiện tiếp tục được công nhận"
        ),
    )
    OTHER = "other", _("Lý do khác (ghi theo quyết định)")


# The point of Điều 8 khoản 1 each ground is written in ("" for OTHER).
GROUND_POINTS = {
    RevocationGround.FALSE_DOSSIER: "a",
    RevocationGround.CRITERIA_NOT_MET: "b",
    RevocationGround.LAW_BREACH: "c",
    RevocationGround.MARK_MISUSE: "d",
    RevocationGround.PRODUCTION_STOPPED: "đ",
    RevocationGround.AUTHORITY_FINDING: "e",
}

# Short names a spreadsheet may carry instead of the article's words (compared folded: case, diacritics, spaces and
# punctuation ignored). A reason text that is none of these, the code, the point or the article's words is "other".
GROUND_SHORT_NAMES = {
    RevocationGround.FALSE_DOSSIER: ("Giả mạo hồ sơ", "Cung cấp thông tin không trung thực"),
    RevocationGround.CRITERIA_NOT_MET: ("Không còn đáp ứng tiêu chí", "Không còn đáp ứng các tiêu chí"),
    RevocationGround.LAW_BREACH: (
        "Vi phạm quy định pháp luật",
        "Vi phạm an toàn thực phẩm",
        "Vi phạm quy định về an toàn thực phẩm",
    ),
    RevocationGround.MARK_MISUSE: ("Sử dụng nhãn hiệu OCOP không đúng quy định",),
    RevocationGround.PRODUCTION_STOPPED: (
        "Ngừng sản xuất",
        "Không còn sản xuất",
        "Không còn hoạt động sản xuất",
        "Không còn hoạt động sản xuất sản phẩm OCOP",
    ),
    RevocationGround.AUTHORITY_FINDING: (),
}


class InspectionKind(models.TextChoices):
    """26/2026 Điều 9 khoản 2 điểm a: hậu kiểm, kết hợp kiểm tra định kỳ và kiểm tra đột xuất."""

    PERIODIC = "periodic", _("Kiểm tra định kỳ")
    AD_HOC = "ad-hoc", _("Kiểm tra đột xuất")


class InspectingBody(models.TextChoices):
    """26/2026 Điều 9 khoản 4: the province's OCOP office (with the departments), the ministry's OCOP office; Điều
    10.2.b: the ministries' own specialised inspections."""

    PROVINCE = "province", _("Cơ quan tham mưu quản lý OCOP cấp tỉnh")
    MINISTRY = "ministry", _("Cơ quan tham mưu quản lý OCOP của Bộ Nông nghiệp và Môi trường")
    OTHER = "other", _("Cơ quan quản lý chuyên ngành khác")
