"""Valid answers to the printed forms of 26/2026/QĐ-TTg (Phụ lục III) and the steps that use them, shared by tests."""

from products import workflow
from products.choices import DossierKind

MAU_01 = {
    "tinh": "Điện Biên",
    "nam": 2026,
    "ten_don_vi": "HTX Thanh Nưa",
    "nguoi_dai_dien": "Lò Văn Thưởng",
    "chuc_vu": "Giám đốc",
    "dia_chi": "Bản Co Muông, xã Thanh Nưa, tỉnh Điện Biên",
    "dien_thoai": "0215 3824 111",
    "email": "htx.thanhnua@example.vn",
    "ten_san_pham": "Gạo tám Điện Biên",
    "phan_nhom": "03",
    "so_luong_mau": 5,
    "noi_ky": "Thanh Nưa",
    "ngay_ky": "2026-12-01",
}

MAU_02 = {
    "ten_chu_the": "HTX Thanh Nưa",
    "loai_hinh": "Hợp tác xã",
    "dia_chi": "Bản Co Muông, xã Thanh Nưa, tỉnh Điện Biên",
    "dien_thoai": "0215 3824 111",
    "email": "",
    "dai_dien_ho_ten": "Lò Văn Thưởng",
    "dai_dien_gioi_tinh": "nam",
    "dai_dien_dan_toc": "Thái",
    "dai_dien_thuong_tru": "Bản Co Muông, xã Thanh Nưa",
    "ngay_thanh_lap": "2015-03-12",
    "so_giay_dang_ky": "62G000123",
    "san_pham_mo_ta": "Gạo tám thơm, túi 2 kg, TCCS 01:2024/HTXTN",
    "co_giay_dkkd": True,
    "da_cong_bo_chat_luong": True,
    "co_gcn_attp": True,
    "co_gcn_dieu_kien_sx": False,
    "co_shtt": True,
    "shtt_nhan_hieu": True,
    "shtt_chi_dan": False,
    "shtt_sang_che": False,
    "shtt_kieu_dang": False,
    "shtt_ban_quyen": False,
    "shtt_khac": "",
    "lich_su": "Thành lập năm 2015 từ tổ hợp tác trồng lúa tám.",
    "co_cau_to_chuc": "Hội đồng quản trị, ban kiểm soát, 42 thành viên.",
    "p2_vung_nguyen_lieu": "Vùng lúa 20 ha của thành viên; xay xát, đóng gói tại xưởng của HTX.",
    "p2_thay_doi_chat_luong": "Bao bì mới có tem truy xuất nguồn gốc.",
    "p2_thi_truong": "Siêu thị trong tỉnh, Hà Nội.",
    "p2_ket_qua": "Doanh thu 2,1 tỷ đồng, lợi nhuận 310 triệu đồng.",
    "p3_tu_danh_gia": "Phần A: 32 điểm; Phần B: 18 điểm; Phần C: 25 điểm.",
    "p4_ke_hoach": "Mở rộng vùng nguyên liệu lên 30 ha.",
    "noi_ky": "Thanh Nưa",
    "ngay_ky": "2026-12-01",
}

MAU_02_UPGRADE = {"thay_doi_nang_hang": "Đạt chứng nhận VietGAP năm 2026; xuất khẩu lô đầu sang Nhật Bản."}

MAU_02_RERATING = {
    "cap_nhat_nguyen_lieu": "Vùng nguyên liệu tăng từ 12 lên 20 ha.",
    "cap_nhat_cong_nghe": "Máy xay xát mới 2025.",
    "cap_nhat_bao_bi_nhan_mac": "Nhãn mới có mã QR.",
    "cap_nhat_cong_bo_chat_luong": "Công bố lại TCCS 01:2024.",
    "cap_nhat_kiem_nghiem": "Phiếu kiểm nghiệm 2024, 2025, 2026 đạt.",
    "cap_nhat_thi_truong": "Thêm 2 siêu thị ở Hà Nội.",
    "cap_nhat_san_luong": "120 tấn/năm.",
    "cap_nhat_doanh_thu": "2,1 tỷ đồng/năm.",
}

MAU_03 = {
    "ten_chu_the": "HTX Thanh Nưa",
    "loai_hinh": "Hợp tác xã",
    "dia_chi": "Bản Co Muông, xã Thanh Nưa, tỉnh Điện Biên",
    "dai_dien_ho_ten": "Lò Văn Thưởng",
    "dai_dien_gioi_tinh": "nam",
    "dai_dien_dan_toc": "Thái",
    "dai_dien_thuong_tru": "Bản Co Muông, xã Thanh Nưa",
    "san_pham": "Gạo tám Điện Biên",
    "nguyen_lieu": "Lúa tám của 42 hộ thành viên trên cánh đồng Mường Thanh thuộc xã.",
    "lao_dong": "15 lao động thường xuyên, đều thường trú tại xã.",
    "nguon_goc_y_tuong": "Sản phẩm truyền thống của đồng bào Thái.",
    "ban_sac": "Giống lúa tám bản địa, kinh nghiệm canh tác lâu đời trên cánh đồng Mường Thanh.",
}


def mau_02_for(kind: str) -> dict:
    extra = {DossierKind.UPGRADE: MAU_02_UPGRADE, DossierKind.RERATING: MAU_02_RERATING}.get(kind, {})
    return {**MAU_02, **extra}


def fill_forms(dossier, actor):
    """Mẫu số 01 and 02, as the producer (or the commune officer) fills them in."""
    workflow.save_registration_form(actor=actor, dossier=dossier, data=MAU_01)
    workflow.save_self_assessment(actor=actor, dossier=dossier, data=mau_02_for(dossier.kind))
    dossier.refresh_from_db()
    return dossier


def receive_and_report(dossier, officer, received_on=None):
    """The commune records the receipt and writes its report (Mẫu số 03)."""
    workflow.record_receipt(actor=officer, dossier=dossier, received_on=received_on, receipt_no="01-2026/PĐK-11-03328")
    workflow.save_commune_report(actor=officer, dossier=dossier, data=MAU_03)
    dossier.refresh_from_db()
    return dossier
