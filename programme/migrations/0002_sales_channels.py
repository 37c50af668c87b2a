# Sales channels of products (issue 16): outlets, e-commerce listings, distribution agreements.

import django.core.validators
import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("areas", "0001_initial"),
        ("products", "0008_national_scale_lists"),
        ("programme", "0001_initial"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.CreateModel(
            name="DistributionAgreement",
            fields=[
                ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name="ID")),
                ("created_at", models.DateTimeField(auto_now_add=True, verbose_name="ngày tạo")),
                (
                    "approved_at",
                    models.DateTimeField(blank=True, editable=False, null=True, verbose_name="ngày công khai"),
                ),
                ("removed_at", models.DateTimeField(blank=True, editable=False, null=True, verbose_name="ngày gỡ")),
                ("proposal", models.JSONField(blank=True, editable=False, null=True, verbose_name="thay đổi đề xuất")),
                ("proposal_removes", models.BooleanField(default=False, editable=False, verbose_name="đề xuất gỡ")),
                (
                    "review",
                    models.CharField(
                        blank=True,
                        choices=[
                            ("", "Không có thay đổi chờ duyệt"),
                            ("pending", "Chờ duyệt"),
                            ("rejected", "Bị từ chối"),
                        ],
                        default="",
                        max_length=10,
                        verbose_name="duyệt",
                    ),
                ),
                ("review_reason", models.TextField(blank=True, verbose_name="lý do từ chối")),
                (
                    "proposed_at",
                    models.DateTimeField(blank=True, editable=False, null=True, verbose_name="ngày đề xuất"),
                ),
                ("reviewed_at", models.DateTimeField(blank=True, editable=False, null=True, verbose_name="ngày duyệt")),
                ("partner", models.CharField(max_length=255, verbose_name="đối tác phân phối")),
                ("region", models.CharField(blank=True, max_length=255, verbose_name="khu vực phân phối")),
                ("starts_on", models.DateField(blank=True, null=True, verbose_name="từ ngày")),
                ("ends_on", models.DateField(blank=True, null=True, verbose_name="đến ngày")),
                ("note", models.TextField(blank=True, verbose_name="ghi chú")),
                (
                    "approved_by",
                    models.ForeignKey(
                        blank=True,
                        editable=False,
                        null=True,
                        on_delete=django.db.models.deletion.SET_NULL,
                        related_name="+",
                        to=settings.AUTH_USER_MODEL,
                    ),
                ),
                (
                    "product",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.PROTECT, to="products.product", verbose_name="sản phẩm"
                    ),
                ),
                (
                    "proposed_by",
                    models.ForeignKey(
                        blank=True,
                        editable=False,
                        null=True,
                        on_delete=django.db.models.deletion.SET_NULL,
                        related_name="+",
                        to=settings.AUTH_USER_MODEL,
                    ),
                ),
                (
                    "reviewed_by",
                    models.ForeignKey(
                        blank=True,
                        editable=False,
                        null=True,
                        on_delete=django.db.models.deletion.SET_NULL,
                        related_name="+",
                        to=settings.AUTH_USER_MODEL,
                    ),
                ),
            ],
            options={
                "verbose_name": "hợp đồng phân phối",
                "verbose_name_plural": "hợp đồng phân phối",
                "ordering": ["product", "-starts_on", "id"],
                "indexes": [models.Index(fields=["review"], name="programme_agreement_review_idx")],
                "constraints": [
                    models.CheckConstraint(
                        condition=models.Q(
                            ("starts_on__isnull", True),
                            ("ends_on__isnull", True),
                            ("ends_on__gte", models.F("starts_on")),
                            _connector="OR",
                        ),
                        name="programme_agreement_dates_order",
                    )
                ],
            },
        ),
        migrations.CreateModel(
            name="EcommerceListing",
            fields=[
                ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name="ID")),
                ("created_at", models.DateTimeField(auto_now_add=True, verbose_name="ngày tạo")),
                (
                    "approved_at",
                    models.DateTimeField(blank=True, editable=False, null=True, verbose_name="ngày công khai"),
                ),
                ("removed_at", models.DateTimeField(blank=True, editable=False, null=True, verbose_name="ngày gỡ")),
                ("proposal", models.JSONField(blank=True, editable=False, null=True, verbose_name="thay đổi đề xuất")),
                ("proposal_removes", models.BooleanField(default=False, editable=False, verbose_name="đề xuất gỡ")),
                (
                    "review",
                    models.CharField(
                        blank=True,
                        choices=[
                            ("", "Không có thay đổi chờ duyệt"),
                            ("pending", "Chờ duyệt"),
                            ("rejected", "Bị từ chối"),
                        ],
                        default="",
                        max_length=10,
                        verbose_name="duyệt",
                    ),
                ),
                ("review_reason", models.TextField(blank=True, verbose_name="lý do từ chối")),
                (
                    "proposed_at",
                    models.DateTimeField(blank=True, editable=False, null=True, verbose_name="ngày đề xuất"),
                ),
                ("reviewed_at", models.DateTimeField(blank=True, editable=False, null=True, verbose_name="ngày duyệt")),
                (
                    "platform",
                    models.CharField(
                        choices=[
                            ("shopee", "Shopee"),
                            ("lazada", "Lazada"),
                            ("tiki", "Tiki"),
                            ("tiktok-shop", "TikTok Shop"),
                            ("sendo", "Sendo"),
                            ("postmart", "Postmart / Voso"),
                            ("own-site", "Trang web của chủ thể"),
                            ("other", "Khác"),
                        ],
                        max_length=20,
                        verbose_name="sàn thương mại điện tử",
                    ),
                ),
                (
                    "url",
                    models.URLField(
                        max_length=1000,
                        validators=[
                            django.core.validators.URLValidator(
                                message="Nhập địa chỉ web đầy đủ của gian hàng, bắt đầu bằng http:// hoặc https://.",
                                schemes=("http", "https"),
                            )
                        ],
                        verbose_name="địa chỉ gian hàng",
                    ),
                ),
                ("checked_on", models.DateField(blank=True, null=True, verbose_name="ngày kiểm tra")),
                (
                    "link_state",
                    models.CharField(
                        choices=[
                            ("unchecked", "Chưa kiểm tra"),
                            ("ok", "Truy cập được"),
                            ("dead", "Không truy cập được"),
                        ],
                        default="unchecked",
                        editable=False,
                        max_length=10,
                        verbose_name="tình trạng liên kết",
                    ),
                ),
                (
                    "link_failures",
                    models.PositiveSmallIntegerField(
                        default=0, editable=False, verbose_name="số lần kiểm tra lỗi liên tiếp"
                    ),
                ),
                (
                    "link_status",
                    models.CharField(
                        blank=True, editable=False, max_length=100, verbose_name="kết quả kiểm tra gần nhất"
                    ),
                ),
                (
                    "link_dead_since",
                    models.DateField(blank=True, editable=False, null=True, verbose_name="không truy cập được từ ngày"),
                ),
                (
                    "approved_by",
                    models.ForeignKey(
                        blank=True,
                        editable=False,
                        null=True,
                        on_delete=django.db.models.deletion.SET_NULL,
                        related_name="+",
                        to=settings.AUTH_USER_MODEL,
                    ),
                ),
                (
                    "product",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.PROTECT, to="products.product", verbose_name="sản phẩm"
                    ),
                ),
                (
                    "proposed_by",
                    models.ForeignKey(
                        blank=True,
                        editable=False,
                        null=True,
                        on_delete=django.db.models.deletion.SET_NULL,
                        related_name="+",
                        to=settings.AUTH_USER_MODEL,
                    ),
                ),
                (
                    "reviewed_by",
                    models.ForeignKey(
                        blank=True,
                        editable=False,
                        null=True,
                        on_delete=django.db.models.deletion.SET_NULL,
                        related_name="+",
                        to=settings.AUTH_USER_MODEL,
                    ),
                ),
            ],
            options={
                "verbose_name": "gian hàng thương mại điện tử",
                "verbose_name_plural": "gian hàng thương mại điện tử",
                "ordering": ["product", "platform", "id"],
                "indexes": [
                    models.Index(fields=["product", "link_state"], name="programme_listing_state_idx"),
                    models.Index(fields=["review"], name="programme_listing_review_idx"),
                ],
            },
        ),
        migrations.CreateModel(
            name="Outlet",
            fields=[
                ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name="ID")),
                ("created_at", models.DateTimeField(auto_now_add=True, verbose_name="ngày tạo")),
                (
                    "approved_at",
                    models.DateTimeField(blank=True, editable=False, null=True, verbose_name="ngày công khai"),
                ),
                ("removed_at", models.DateTimeField(blank=True, editable=False, null=True, verbose_name="ngày gỡ")),
                ("proposal", models.JSONField(blank=True, editable=False, null=True, verbose_name="thay đổi đề xuất")),
                ("proposal_removes", models.BooleanField(default=False, editable=False, verbose_name="đề xuất gỡ")),
                (
                    "review",
                    models.CharField(
                        blank=True,
                        choices=[
                            ("", "Không có thay đổi chờ duyệt"),
                            ("pending", "Chờ duyệt"),
                            ("rejected", "Bị từ chối"),
                        ],
                        default="",
                        max_length=10,
                        verbose_name="duyệt",
                    ),
                ),
                ("review_reason", models.TextField(blank=True, verbose_name="lý do từ chối")),
                (
                    "proposed_at",
                    models.DateTimeField(blank=True, editable=False, null=True, verbose_name="ngày đề xuất"),
                ),
                ("reviewed_at", models.DateTimeField(blank=True, editable=False, null=True, verbose_name="ngày duyệt")),
                (
                    "kind",
                    models.CharField(
                        choices=[
                            ("ocop-shop", "Điểm bán OCOP"),
                            ("supermarket", "Siêu thị"),
                            ("tourist-site", "Điểm du lịch"),
                            ("showroom", "Phòng trưng bày"),
                            ("other", "Khác"),
                        ],
                        max_length=20,
                        verbose_name="loại điểm bán",
                    ),
                ),
                ("name", models.CharField(max_length=255, verbose_name="tên điểm bán")),
                ("address", models.CharField(blank=True, max_length=500, verbose_name="địa chỉ")),
                (
                    "approved_by",
                    models.ForeignKey(
                        blank=True,
                        editable=False,
                        null=True,
                        on_delete=django.db.models.deletion.SET_NULL,
                        related_name="+",
                        to=settings.AUTH_USER_MODEL,
                    ),
                ),
                (
                    "commune",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="+",
                        to="areas.administrativeunit",
                        verbose_name="xã, phường",
                    ),
                ),
                (
                    "product",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.PROTECT, to="products.product", verbose_name="sản phẩm"
                    ),
                ),
                (
                    "proposed_by",
                    models.ForeignKey(
                        blank=True,
                        editable=False,
                        null=True,
                        on_delete=django.db.models.deletion.SET_NULL,
                        related_name="+",
                        to=settings.AUTH_USER_MODEL,
                    ),
                ),
                (
                    "reviewed_by",
                    models.ForeignKey(
                        blank=True,
                        editable=False,
                        null=True,
                        on_delete=django.db.models.deletion.SET_NULL,
                        related_name="+",
                        to=settings.AUTH_USER_MODEL,
                    ),
                ),
            ],
            options={
                "verbose_name": "điểm bán, điểm trưng bày",
                "verbose_name_plural": "điểm bán, điểm trưng bày",
                "ordering": ["product", "name", "id"],
                "indexes": [
                    models.Index(fields=["product", "kind"], name="programme_outlet_kind_idx"),
                    models.Index(fields=["review"], name="programme_outlet_review_idx"),
                ],
            },
        ),
    ]
