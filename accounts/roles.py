"""Roles and the actions they allow: the one table (DESIGN.md rule 2). Templates ask `perms.<app>.<action>`.

An action is allowed to a user if any of their memberships carries a role that lists it; *where* it is allowed
is the membership's area (accounts.scope). Later apps add their actions here.
"""

from django.db import models
from django.utils.translation import gettext_lazy as _


class Role(models.TextChoices):
    SYSTEM_ADMIN = "system_admin", _("Quản trị hệ thống")
    PROVINCE_OFFICER = "province_officer", _("Cán bộ tỉnh (Văn phòng điều phối NTM/OCOP)")
    COMMUNE_OFFICER = "commune_officer", _("Cán bộ xã")
    COUNCIL_MEMBER = "council_member", _("Thành viên Hội đồng đánh giá")
    ADVISORY_MEMBER = "advisory_member", _("Thành viên Tổ tư vấn")
    PRODUCER = "producer", _("Chủ thể OCOP")
    VIEWER = "viewer", _("Người xem")


# action → what it lets one do; documented in docs/permissions.md.
ACTIONS = {
    "areas.view": _("Xem đơn vị hành chính"),
    "areas.manage": _("Nạp và rà soát danh mục đơn vị hành chính"),
    "audit.view": _("Xem nhật ký thay đổi trong địa bàn"),
    "accounts.view_members": _("Xem người dùng và phân công trong địa bàn"),
    "accounts.manage_members": _("Phân công người dùng trong địa bàn"),
    "accounts.use_api": _("Dùng API bằng mã truy cập"),
    "producers.view": _("Xem chủ thể OCOP"),
    "producers.change": _("Thêm, sửa chủ thể OCOP"),
    "products.view": _("Xem sản phẩm, ý tưởng và hồ sơ"),
    "products.change": _("Thêm, sửa sản phẩm"),
    "products.register_idea": _("Đăng ký ý tưởng sản phẩm, chuẩn bị hồ sơ"),
    "products.screen": _("Sàng lọc ý tưởng, kiểm tra hồ sơ và chuyển tỉnh (cấp xã)"),
    "certification.view": _("Xem quyết định và giấy chứng nhận"),
    "certification.manage": _("Ghi quyết định công nhận, thu hồi; nhập sổ đăng ký"),
    "evaluation.manage": _("Tổ chức đợt đánh giá, lập hội đồng, đưa sản phẩm vào chấm"),
    "evaluation.score": _("Chấm điểm sản phẩm trong hội đồng được phân công"),
    "evaluation.manage_criteria": _("Soạn, kiểm tra và ban hành bộ tiêu chí OCOP (toàn quốc)"),
    "ntm.view": _("Xem đánh giá tiêu chí nông thôn mới của các xã"),
    "ntm.assess": _("Nhập và gửi kết quả tự đánh giá tiêu chí nông thôn mới của xã"),
    "ntm.approve": _("Duyệt, khóa và mở khóa kết quả đánh giá nông thôn mới; nhắc xã chưa báo cáo"),
    "ntm.manage": _("Nhập dữ liệu, quyết định công nhận, nhóm xã và bộ tiêu chí nông thôn mới"),
    "ntm.request": _("Đăng ký mức nông thôn mới, nộp và bổ sung hồ sơ đề nghị công nhận của xã"),
    "ntm.appraise": _("Thẩm định hồ sơ đề nghị công nhận nông thôn mới theo từng tiêu chí, trả lại hoặc đề nghị"),
    "programme.view": _(
        "Xem chương trình OCOP: kế hoạch, dự án liên kết, hỗ trợ, theo dõi sau công nhận, kênh bán hàng, "
        "xúc tiến thương mại"
    ),
    "programme.edit_channels": _("Đề xuất điểm bán, gian hàng thương mại điện tử, hợp đồng phân phối của sản phẩm"),
    "programme.moderate_channels": _("Duyệt thay đổi kênh bán hàng trước khi công khai"),
    "programme.manage_events": _("Ghi sự kiện xúc tiến thương mại, người tham gia và kết quả"),
    "programme.join_events": _("Đăng ký tham gia sự kiện xúc tiến thương mại"),
    "programme.manage_plans": _("Lập đề án, kế hoạch OCOP năm, chỉ tiêu và sản phẩm trong kế hoạch của địa bàn"),
    "programme.manage_linkages": _("Ghi dự án liên kết sản xuất, dự án đầu tư và vùng nguyên liệu"),
    "programme.manage_funding": _("Ghi các khoản hỗ trợ (kế hoạch, giải ngân) và nguồn kinh phí"),
    "programme.report_monitoring": _("Lập báo cáo tình hình sản xuất, kinh doanh hằng năm của sản phẩm OCOP"),
    "programme.approve_monitoring": _("Duyệt báo cáo sau công nhận, ghi tôn vinh chủ thể và sản phẩm"),
    "programme.manage_training": _("Ghi lớp tập huấn và hoạt động truyền thông về OCOP"),
}

ROLE_ACTIONS: dict[str, frozenset[str]] = {
    Role.SYSTEM_ADMIN: frozenset(ACTIONS),
    Role.PROVINCE_OFFICER: frozenset(
        {
            "areas.view",
            "audit.view",
            "accounts.view_members",
            "accounts.manage_members",
            "accounts.use_api",
            "producers.view",
            "producers.change",
            "products.view",
            "products.change",
            "certification.view",
            "certification.manage",
            "evaluation.manage",
            "ntm.view",
            "ntm.approve",
            "ntm.manage",
            "ntm.appraise",
            "programme.view",
            "programme.moderate_channels",
            "programme.manage_events",
            "programme.manage_plans",
            "programme.manage_linkages",
            "programme.manage_funding",
            "programme.report_monitoring",
            "programme.approve_monitoring",
            "programme.manage_training",
        }
    ),
    Role.COMMUNE_OFFICER: frozenset(
        {
            "areas.view",
            "audit.view",
            "accounts.view_members",
            "accounts.use_api",
            "producers.view",
            "producers.change",
            "products.view",
            "products.change",
            "products.register_idea",
            "products.screen",
            "certification.view",
            "ntm.view",
            "ntm.assess",
            "ntm.request",
            "programme.view",
            "programme.moderate_channels",
            "programme.manage_plans",
            "programme.report_monitoring",
            "programme.manage_training",
        }
    ),
    Role.COUNCIL_MEMBER: frozenset(
        {"areas.view", "accounts.use_api", "producers.view", "products.view", "certification.view", "evaluation.score"}
    ),
    Role.ADVISORY_MEMBER: frozenset(
        {"areas.view", "accounts.use_api", "producers.view", "products.view", "certification.view", "evaluation.score"}
    ),
    # A producer's scope is their commune, narrowed to the producers they are linked to (Producer.accounts).
    Role.PRODUCER: frozenset(
        {
            "areas.view",
            "accounts.use_api",
            "producers.view",
            "products.view",
            "products.register_idea",
            "certification.view",
            "programme.view",
            "programme.edit_channels",
            "programme.join_events",
            "programme.report_monitoring",
        }
    ),
    Role.VIEWER: frozenset(
        {
            "areas.view",
            "audit.view",
            "accounts.use_api",
            "producers.view",
            "products.view",
            "certification.view",
            "ntm.view",
            "programme.view",
        }
    ),
}

# Roles whose membership may carry no area: they reach the whole country.
NATIONWIDE_ROLES = frozenset({Role.SYSTEM_ADMIN})


def role_allows(role: str, action: str) -> bool:
    return action in ROLE_ACTIONS.get(role, frozenset())
