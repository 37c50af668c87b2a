"""Monitoring after recognition (issue 17): the yearly report of each certified product."""

import django.core.validators
import django.db.models.deletion
import django.utils.timezone
from django.conf import settings
from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [("programme", "0007_support_funding")]

    operations = [
        migrations.CreateModel(
            name="MonitoringReport",
            fields=[
                ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name="ID")),
                (
                    "year",
                    models.PositiveSmallIntegerField(
                        validators=[
                            django.core.validators.MinValueValidator(2018),
                            django.core.validators.MaxValueValidator(2100),
                        ],
                        verbose_name="năm báo cáo",
                    ),
                ),
                (
                    "status",
                    models.CharField(
                        choices=[
                            ("draft", "Đang lập"),
                            ("submitted", "Đã gửi, chờ tỉnh duyệt"),
                            ("returned", "Tỉnh trả lại"),
                            ("approved", "Đã duyệt"),
                        ],
                        default="draft",
                        max_length=10,
                        verbose_name="tình trạng",
                    ),
                ),
                (
                    "output_quantity",
                    models.DecimalField(
                        decimal_places=3,
                        max_digits=18,
                        validators=[
                            django.core.validators.MinValueValidator(0),
                            django.core.validators.MaxValueValidator(1000000000000),
                        ],
                        verbose_name="sản lượng",
                    ),
                ),
                (
                    "output_unit",
                    models.CharField(
                        help_text="Ví dụ: kg, tấn, lít, hộp.", max_length=30, verbose_name="đơn vị tính sản lượng"
                    ),
                ),
                (
                    "revenue",
                    models.DecimalField(
                        decimal_places=0,
                        max_digits=18,
                        validators=[
                            django.core.validators.MinValueValidator(0),
                            django.core.validators.MaxValueValidator(1000000000000000),
                        ],
                        verbose_name="doanh thu (đồng)",
                    ),
                ),
                (
                    "average_price",
                    models.DecimalField(
                        blank=True,
                        decimal_places=0,
                        max_digits=18,
                        null=True,
                        validators=[
                            django.core.validators.MinValueValidator(0),
                            django.core.validators.MaxValueValidator(1000000000000000),
                        ],
                        verbose_name="giá bán bình quân (đồng/đơn vị)",
                    ),
                ),
                (
                    "employees",
                    models.PositiveIntegerField(
                        default=0,
                        validators=[django.core.validators.MaxValueValidator(100000)],
                        verbose_name="số lao động",
                    ),
                ),
                (
                    "employees_ethnic_minority",
                    models.PositiveIntegerField(
                        default=0,
                        validators=[django.core.validators.MaxValueValidator(100000)],
                        verbose_name="lao động là người dân tộc thiểu số",
                    ),
                ),
                (
                    "employees_women",
                    models.PositiveIntegerField(
                        default=0,
                        validators=[django.core.validators.MaxValueValidator(100000)],
                        verbose_name="lao động nữ",
                    ),
                ),
                (
                    "raw_material_area_ha",
                    models.DecimalField(
                        blank=True,
                        decimal_places=2,
                        max_digits=12,
                        null=True,
                        validators=[
                            django.core.validators.MinValueValidator(0),
                            django.core.validators.MaxValueValidator(10000000),
                        ],
                        verbose_name="diện tích vùng nguyên liệu (ha)",
                    ),
                ),
                (
                    "households_linked",
                    models.PositiveIntegerField(
                        default=0,
                        validators=[django.core.validators.MaxValueValidator(100000)],
                        verbose_name="số hộ liên kết",
                    ),
                ),
                (
                    "markets",
                    models.TextField(
                        blank=True, help_text="Các tỉnh trong nước, xuất khẩu.", verbose_name="thị trường tiêu thụ"
                    ),
                ),
                ("channels", models.TextField(blank=True, verbose_name="kênh bán hàng")),
                ("problems", models.TextField(blank=True, verbose_name="khó khăn, kiến nghị")),
                ("submitted_at", models.DateTimeField(blank=True, editable=False, null=True, verbose_name="ngày gửi")),
                ("approved_at", models.DateTimeField(blank=True, editable=False, null=True, verbose_name="ngày duyệt")),
                ("return_reason", models.TextField(blank=True, editable=False, verbose_name="lý do trả lại")),
                (
                    "created_at",
                    models.DateTimeField(default=django.utils.timezone.now, editable=False, verbose_name="ngày tạo"),
                ),
                (
                    "updated_at",
                    models.DateTimeField(default=django.utils.timezone.now, editable=False, verbose_name="ngày sửa"),
                ),
                ("version", models.PositiveIntegerField(default=1, editable=False)),
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
                    "created_by",
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
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="monitoring_reports",
                        to="products.product",
                        verbose_name="sản phẩm",
                    ),
                ),
                (
                    "submitted_by",
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
                "verbose_name": "báo cáo sau công nhận",
                "verbose_name_plural": "báo cáo sau công nhận",
                "ordering": ["-year", "product_id"],
                "indexes": [models.Index(fields=["year", "status"], name="monitoring_year_status_idx")],
                "constraints": [
                    models.UniqueConstraint(fields=("product", "year"), name="monitoring_product_year_uniq"),
                    models.CheckConstraint(
                        condition=models.Q(
                            ("employees_ethnic_minority__lte", models.F("employees")),
                            ("employees_women__lte", models.F("employees")),
                        ),
                        name="monitoring_employee_parts_lte_total",
                    ),
                    models.CheckConstraint(
                        condition=models.Q(("output_quantity__gte", 0), ("revenue__gte", 0)),
                        name="monitoring_figures_nonnegative",
                    ),
                ],
            },
        ),
    ]
