"""The printed forms of a dossier under 26/2026/QĐ-TTg (Phụ lục III, evaluation/criteria/qd-26-2026-forms.txt), as
Django forms whose fields follow the printed blanks in order, grouped in the printed sections.

- Mẫu số 01 Phiếu đăng ký đánh giá, phân hạng sản phẩm OCOP (`RegistrationForm`), filled in by the producer;
- Mẫu số 02 Báo cáo tự đánh giá về sản phẩm (`SelfAssessmentForm`), filled in by the producer; Điều 6.1 b and c add,
  for an upgrade, the changes from the recognised product and, for a re-rating, the updates since the recognition;
- Mẫu số 03 Báo cáo đánh giá một số nội dung của hồ sơ (`CommuneReportForm`), filled in by the commune (Điều 7.2).

What the printed form derives from the record is not asked again: the kind of dossier ("Lần đăng ký đánh giá", Mẫu 01
item 4) is the dossier's kind; the receiving bodies' part of Mẫu 01 is the commune's receipt; the closing proposal of
Mẫu 03 names the commune, the province, the product and the producer. A form is saved as a JSON object of its fields
(`to_json`) by the services of products.workflow, which validate it again with the same class.
"""

import datetime

from django import forms
from django.utils.translation import gettext_lazy as _

from core.forms import BootstrapMixin
from products.choices import CategoryLevel, CategorySystem, DossierKind

GENDERS = [("nam", _("Nam")), ("nu", _("Nữ"))]


def _text(label, *, required=True, rows=None, help_text="", max_length=None):
    widget = forms.Textarea(attrs={"rows": rows}) if rows else None
    kwargs = {"label": label, "required": required, "help_text": help_text}
    if widget is not None:
        kwargs["widget"] = widget
        kwargs["max_length"] = max_length or 20000
    else:
        kwargs["max_length"] = max_length or 255
    return forms.CharField(**kwargs)


def _date(label):
    return forms.DateField(label=label, widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"))


def _tick(label):
    return forms.BooleanField(label=label, required=False)


class PrintedForm(BootstrapMixin, forms.Form):
    """A printed form: `sections` lists (heading, field names) in the printed order; saved as JSON."""

    title = ""
    number = ""
    sections: list[tuple[str, list[str]]] = []

    def section_rows(self):
        """[(heading, [bound fields])] for the fields this instance keeps (kind-specific ones may be removed)."""
        rows = []
        for heading, names in self.sections:
            fields = [self[name] for name in names if name in self.fields]
            if fields:
                rows.append((heading, fields))
        return rows

    def to_json(self) -> dict:
        """The cleaned data as JSON values: dates as yyyy-mm-dd, everything else as is."""
        data = {}
        for name in self.fields:
            value = self.cleaned_data.get(name)
            if isinstance(value, datetime.date):
                value = value.isoformat()
            data[name] = value
        return data

    def first_error(self) -> tuple[str | None, str]:
        """(field, "Label: message") of the first error in the printed order, for a service's refusal."""
        for name, field in self.fields.items():
            if name in self.errors:
                return name, f"{field.label}: {self.errors[name][0]}"
        errors = self.non_field_errors()
        return None, errors[0] if errors else ""


# ── Mẫu số 01 ──────────────────────────────────────────────────────────────────────────────────────────────────────


def subgroup_choices(product) -> list[tuple[str, str]]:
    """The 26/2026 phân nhóm (Phụ lục I) under the product's ngành (its 148 group), as "Nhóm — Phân nhóm"."""
    from products.models import ProductCategory

    rows = (
        ProductCategory.objects.filter(
            system=CategorySystem.S2026, level=CategoryLevel.SUBGROUP, parent__maps_to=product.group_id
        )
        .select_related("parent")
        .order_by("position")
    )
    return [(c.code, f"{c.parent.name} — {c.name}" if c.parent.name != c.name else c.name) for c in rows]


class RegistrationForm(PrintedForm):
    title = _("Phiếu đăng ký tham gia đánh giá, phân hạng sản phẩm OCOP")
    number = _("Mẫu số 01")

    tinh = _text(_("Của tỉnh"), max_length=100)
    nam = forms.IntegerField(label=_("Năm"), min_value=2000, max_value=2100)
    ten_don_vi = _text(_("Tên đơn vị"))
    nguoi_dai_dien = _text(_("Họ tên người đại diện pháp lý"), max_length=150)
    chuc_vu = _text(_("Chức vụ"), max_length=150)
    dia_chi = _text(_("Địa chỉ liên hệ"))
    dien_thoai = _text(_("Điện thoại"), max_length=30)
    email = forms.EmailField(label=_("Email"), required=False)
    ten_san_pham = _text(_("Tên sản phẩm"))
    phan_nhom = forms.ChoiceField(
        label=_("Nhóm sản phẩm đăng ký (Ngành, Nhóm, Phân nhóm)"),
        help_text=_("Theo Phụ lục I về Danh mục phân loại sản phẩm tham gia đánh giá, phân hạng sản phẩm OCOP."),
    )
    so_luong_mau = forms.IntegerField(label=_("Sản phẩm mẫu (số lượng)"), min_value=0, required=False)
    noi_ky = _text(_("Địa danh (nơi ký)"), max_length=100)
    ngay_ky = _date(_("Ngày ký"))

    sections = [
        (_("Tỉnh, năm đăng ký"), ["tinh", "nam"]),
        (
            _("1. Thông tin về đơn vị đăng ký"),
            ["ten_don_vi", "nguoi_dai_dien", "chuc_vu", "dia_chi", "dien_thoai", "email"],
        ),
        (_("2. Tên sản phẩm"), ["ten_san_pham"]),
        (_("3. Nhóm sản phẩm đăng ký"), ["phan_nhom"]),
        (_("5. Tài liệu kèm theo"), ["so_luong_mau"]),
        (_("Đại diện ký"), ["noi_ky", "ngay_ky"]),
    ]

    def __init__(self, *args, dossier, **kwargs):
        super().__init__(*args, **kwargs)
        self.dossier = dossier
        self.fields["phan_nhom"].choices = [("", _("— Chọn phân nhóm —")), *subgroup_choices(dossier.product)]


# ── Mẫu số 02 ──────────────────────────────────────────────────────────────────────────────────────────────────────

UPGRADE_FIELDS = ["thay_doi_nang_hang"]
RERATING_FIELDS = [
    "cap_nhat_nguyen_lieu",
    "cap_nhat_cong_nghe",
    "cap_nhat_bao_bi_nhan_mac",
    "cap_nhat_cong_bo_chat_luong",
    "cap_nhat_kiem_nghiem",
    "cap_nhat_thi_truong",
    "cap_nhat_san_luong",
    "cap_nhat_doanh_thu",
]


class SelfAssessmentForm(PrintedForm):
    title = _("Báo cáo tự đánh giá về sản phẩm")
    number = _("Mẫu số 02")

    # Phần I. Thông tin chung
    ten_chu_the = _text(_("1. Tên chủ thể"))
    loai_hinh = _text(_("2. Loại hình tổ chức"), max_length=100)
    dia_chi = _text(_("3. Địa chỉ"))
    dien_thoai = _text(_("4. Điện thoại"), max_length=30)
    email = forms.EmailField(label=_("Email"), required=False)
    dai_dien_ho_ten = _text(_("5. Người đại diện pháp luật — Họ tên"), max_length=150)
    dai_dien_gioi_tinh = forms.ChoiceField(label=_("Giới tính"), choices=[("", "—"), *GENDERS])
    dai_dien_dan_toc = _text(_("Dân tộc"), max_length=50)
    dai_dien_thuong_tru = _text(_("Địa chỉ thường trú"))
    ngay_thanh_lap = _date(_("6. Ngày thành lập/đăng ký kinh doanh"))
    so_giay_dang_ky = _text(_("Số giấy đăng ký (nếu có)"), required=False, max_length=50)
    san_pham_mo_ta = _text(_("7. Tên sản phẩm/dịch vụ, mô tả về quy cách sản phẩm, tiêu chuẩn"), rows=3)
    co_giay_dkkd = _tick(_("a) Giấy đăng ký kinh doanh"))
    da_cong_bo_chat_luong = _tick(_("b) Đã công bố chất lượng sản phẩm theo quy định"))
    co_gcn_attp = _tick(
        _(
            "c) Đã có các điều kiện sản xuất theo quy định: Giấy chứng nhận cơ sở đủ điều kiện vệ sinh an toàn thực "
            "phẩm theo quy định của pháp luật cho sản xuất sản phẩm"
        )
    )
    co_gcn_dieu_kien_sx = _tick(
        _(
            "c) Giấy chứng nhận cơ sở đủ điều kiện sản xuất bắt buộc theo quy định cho sản phẩm (đối với các sản "
            "phẩm bắt buộc theo quy định)"
        )
    )
    co_shtt = _tick(_("d) Đã có đăng ký sở hữu trí tuệ"))
    shtt_nhan_hieu = _tick(_("d) + Giấy chứng nhận đăng ký nhãn hiệu"))
    shtt_chi_dan = _tick(
        _("d) + Văn bản ghi nhận quyền sử dụng chỉ dẫn địa lý, nhãn hiệu tập thể, nhãn hiệu chứng nhận")
    )
    shtt_sang_che = _tick(_("d) + Bằng sáng chế"))
    shtt_kieu_dang = _tick(_("d) + Bằng độc quyền kiểu dáng công nghiệp"))
    shtt_ban_quyen = _tick(_("d) + Giấy chứng nhận bản quyền tác giả"))
    shtt_khac = _text(_("d) + Khác (ghi rõ)"), required=False)
    lich_su = _text(_("8. Lịch sử hình thành của chủ thể (nêu các giai đoạn hình thành và phát triển)"), rows=4)
    co_cau_to_chuc = _text(_("9. Cơ cấu tổ chức của chủ thể"), rows=3)
    # Phần II. Kết quả thực hiện phương án sản xuất kinh doanh
    p2_vung_nguyen_lieu = _text(
        _("Tổ chức vùng nguyên liệu, công nghệ sản xuất, sơ chế, chế biến, đóng gói sản phẩm của chủ thể"), rows=4
    )
    p2_thay_doi_chat_luong = _text(
        _(
            "Sự thay đổi về chất lượng sản phẩm: chất lượng, tiêu chuẩn chất lượng, bao bì, nhãn mác, hình thức "
            "đóng gói,..."
        ),
        rows=4,
    )
    p2_thi_truong = _text(_("Thị trường phân phối sản phẩm"), rows=3)
    p2_ket_qua = _text(_("Kết quả sản xuất, kinh doanh: doanh thu, lợi nhuận"), rows=3)
    # Phần III. Đánh giá kết quả thực hiện theo Bộ tiêu chí sản phẩm OCOP
    p3_tu_danh_gia = _text(
        _("Tự đánh giá kết quả (điểm số) theo thứ tự từng tiêu chí; mô tả, chứng minh kết quả tương ứng"),
        rows=8,
        help_text=_(
            "Căn cứ Bộ tiêu chí tương ứng với sản phẩm đăng ký. Tài liệu minh chứng tải lên ở phần Thành phần hồ sơ "
            "và được liệt kê vào phụ lục của báo cáo."
        ),
    )
    thay_doi_nang_hang = _text(
        _("Nội dung và tài liệu minh chứng về những thay đổi so với sản phẩm OCOP đã được công nhận"),
        rows=5,
        help_text=_("Hồ sơ nâng hạng (Điều 6 khoản 1 điểm b Quyết định 26/2026/QĐ-TTg)."),
    )
    cap_nhat_nguyen_lieu = _text(_("Cập nhật về nguyên liệu"), rows=2)
    cap_nhat_cong_nghe = _text(_("Cập nhật về công nghệ sử dụng"), rows=2)
    cap_nhat_bao_bi_nhan_mac = _text(_("Cập nhật về bao bì, nhãn mác"), rows=2)
    cap_nhat_cong_bo_chat_luong = _text(_("Cập nhật về công bố chất lượng"), rows=2)
    cap_nhat_kiem_nghiem = _text(_("Các phiếu kiểm nghiệm định kỳ"), rows=2)
    cap_nhat_thi_truong = _text(_("Cập nhật về thị trường tiêu thụ"), rows=2)
    cap_nhat_san_luong = _text(_("Cập nhật về sản lượng"), rows=2)
    cap_nhat_doanh_thu = _text(_("Cập nhật về doanh thu"), rows=2)
    # Phần IV. Kế hoạch sản xuất, kinh doanh
    p4_ke_hoach = _text(
        _(
            "Những định hướng, kế hoạch của chủ sở hữu trong thời gian tới về phát triển sản phẩm, tổ chức sản xuất, "
            "thị trường"
        ),
        rows=5,
    )
    noi_ky = _text(_("Địa danh (nơi ký)"), max_length=100)
    ngay_ky = _date(_("Ngày ký"))

    sections = [
        (
            _("Phần I. Thông tin chung"),
            [
                "ten_chu_the",
                "loai_hinh",
                "dia_chi",
                "dien_thoai",
                "email",
                "dai_dien_ho_ten",
                "dai_dien_gioi_tinh",
                "dai_dien_dan_toc",
                "dai_dien_thuong_tru",
                "ngay_thanh_lap",
                "so_giay_dang_ky",
                "san_pham_mo_ta",
            ],
        ),
        (
            _("Đánh dấu vào mục tương ứng"),
            [
                "co_giay_dkkd",
                "da_cong_bo_chat_luong",
                "co_gcn_attp",
                "co_gcn_dieu_kien_sx",
                "co_shtt",
                "shtt_nhan_hieu",
                "shtt_chi_dan",
                "shtt_sang_che",
                "shtt_kieu_dang",
                "shtt_ban_quyen",
                "shtt_khac",
            ],
        ),
        (_("Lịch sử và tổ chức"), ["lich_su", "co_cau_to_chuc"]),
        (
            _("Phần II. Kết quả thực hiện phương án sản xuất kinh doanh"),
            ["p2_vung_nguyen_lieu", "p2_thay_doi_chat_luong", "p2_thi_truong", "p2_ket_qua"],
        ),
        (_("Phần III. Đánh giá kết quả thực hiện theo Bộ tiêu chí sản phẩm OCOP"), ["p3_tu_danh_gia"]),
        (_("Hồ sơ nâng hạng: những thay đổi so với sản phẩm OCOP đã được công nhận"), UPGRADE_FIELDS),
        (
            _(
                "Hồ sơ đánh giá, phân hạng lại: nội dung mới, những thay đổi và kết quả đạt được sau thời gian "
                "được công nhận OCOP"
            ),
            RERATING_FIELDS,
        ),
        (_("Phần IV. Kế hoạch sản xuất, kinh doanh"), ["p4_ke_hoach"]),
        (_("Đại diện theo pháp luật của cơ sở ký"), ["noi_ky", "ngay_ky"]),
    ]

    def __init__(self, *args, dossier, **kwargs):
        super().__init__(*args, **kwargs)
        self.dossier = dossier
        if dossier.kind != DossierKind.UPGRADE:
            for name in UPGRADE_FIELDS:
                del self.fields[name]
        if dossier.kind != DossierKind.RERATING:
            for name in RERATING_FIELDS:
                del self.fields[name]


# ── Mẫu số 03 ──────────────────────────────────────────────────────────────────────────────────────────────────────


class CommuneReportForm(PrintedForm):
    title = _("Báo cáo đánh giá một số nội dung của hồ sơ đăng ký tham gia đánh giá, phân hạng sản phẩm OCOP")
    number = _("Mẫu số 03")

    ten_chu_the = _text(_("1. Tên chủ thể"))
    loai_hinh = _text(_("2. Loại hình tổ chức"), max_length=100)
    dia_chi = _text(_("3. Địa chỉ"))
    dai_dien_ho_ten = _text(_("4. Người đại diện pháp luật — Họ tên"), max_length=150)
    dai_dien_gioi_tinh = forms.ChoiceField(label=_("Giới tính"), choices=[("", "—"), *GENDERS])
    dai_dien_dan_toc = _text(_("Dân tộc"), max_length=50)
    dai_dien_thuong_tru = _text(_("Địa chỉ thường trú"))
    san_pham = _text(_("5. Sản phẩm đăng ký đánh giá"))
    nguyen_lieu = _text(
        _("1. Về sử dụng nguyên liệu địa phương"),
        rows=5,
        help_text=_(
            "Nội dung thể hiện rõ mô tả của chủ thể và đánh giá về tình hình sử dụng nguyên liệu thực tế của chủ thể "
            "trên địa bàn xã."
        ),
    )
    lao_dong = _text(
        _("2. Về sử dụng lao động địa phương"),
        rows=5,
        help_text=_(
            "Nội dung thể hiện rõ mô tả của chủ thể và đánh giá về tình hình sử dụng thực tế về lao động địa phương "
            "của chủ thể trên địa bàn xã."
        ),
    )
    nguon_goc_y_tuong = _text(
        _("3. Nguồn gốc ý tưởng sản phẩm"),
        rows=5,
        help_text=_(
            "Nhận xét về nguồn gốc sản phẩm (truyền thống, sản phẩm mới) của chủ thể dựa trên thực tế của địa phương."
        ),
    )
    ban_sac = _text(
        _("4. Bản sắc/trí tuệ địa phương"),
        rows=5,
        help_text=_(
            "Đánh giá các giá trị văn hóa, tri thức bản địa (giống, nguyên liệu, điều kiện sản xuất), kinh nghiệm sản "
            "xuất của cộng đồng và phương thức sản xuất đặc trưng của địa phương, tạo nên sự khác biệt của sản phẩm."
        ),
    )

    sections = [
        (
            _("I. Thông tin chung về hồ sơ sản phẩm"),
            [
                "ten_chu_the",
                "loai_hinh",
                "dia_chi",
                "dai_dien_ho_ten",
                "dai_dien_gioi_tinh",
                "dai_dien_dan_toc",
                "dai_dien_thuong_tru",
                "san_pham",
            ],
        ),
        (
            _("II. Đánh giá một số nội dung của hồ sơ sản phẩm"),
            ["nguyen_lieu", "lao_dong", "nguon_goc_y_tuong", "ban_sac"],
        ),
    ]

    def __init__(self, *args, dossier, **kwargs):
        super().__init__(*args, **kwargs)
        self.dossier = dossier


FORMS = {"mau-01": RegistrationForm, "mau-02": SelfAssessmentForm, "mau-03": CommuneReportForm}
FORM_FIELDS = {"mau-01": "registration_form", "mau-02": "self_assessment", "mau-03": "commune_report"}


# ── What a new form starts with ────────────────────────────────────────────────────────────────────────────────────


def initial_for(code: str, dossier, today: datetime.date) -> dict:
    """The stored answers, or for a form not filled in yet what the record already knows (the producer, the
    product, the commune), so nobody types twice what the system holds. Mẫu 03 starts from Mẫu 02's general part."""
    stored = getattr(dossier, FORM_FIELDS[code]) or {}
    if stored:
        return dict(stored)
    product = dossier.product
    producer = product.producer
    commune = product.location
    province = commune.province
    common = {
        "ten_chu_the": producer.name,
        "loai_hinh": producer.get_producer_type_display(),
        "dia_chi": producer.address,
        "dien_thoai": producer.phone,
        "email": producer.email,
        "dai_dien_ho_ten": producer.legal_representative,
        "noi_ky": commune.name,
        "ngay_ky": today.isoformat(),
    }
    if code == "mau-01":
        subgroup = product.subgroup
        return {
            "tinh": province.short_name if province else "",  # printed "của tỉnh ……"
            "nam": today.year,
            "ten_don_vi": producer.name,
            "nguoi_dai_dien": producer.legal_representative,
            "dia_chi": producer.address,
            "dien_thoai": producer.phone,
            "email": producer.email,
            "ten_san_pham": product.name,
            "phan_nhom": subgroup.code if subgroup and subgroup.system == CategorySystem.S2026 else "",
            "noi_ky": commune.name,
            "ngay_ky": today.isoformat(),
        }
    if code == "mau-02":
        return {**common, "so_giay_dang_ky": producer.registration_no, "san_pham_mo_ta": product.name}
    general = dossier.self_assessment or common
    keep = ["ten_chu_the", "loai_hinh", "dia_chi", "dai_dien_ho_ten", "dai_dien_gioi_tinh", "dai_dien_dan_toc"]
    initial = {name: general.get(name, "") for name in [*keep, "dai_dien_thuong_tru"]}
    initial["san_pham"] = product.name
    return initial
