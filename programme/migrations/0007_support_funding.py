import django.core.validators
import django.db.models.deletion
import django.utils.timezone
from django.conf import settings
from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [("programme", "0006_linkage_details")]

    operations = [
        migrations.CreateModel(
            name="SupportLine",
            fields=[
                ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name="ID")),
                (
                    "year",
                    models.PositiveSmallIntegerField(
                        validators=[
                            django.core.validators.MinValueValidator(2018),
                            django.core.validators.MaxValueValidator(2100),
                        ],
                        verbose_name="năm",
                    ),
                ),
                (
                    "purpose",
                    models.CharField(
                        choices=[
                            ("packaging", "Bao bì, nhãn mác, mẫu mã"),
                            ("equipment", "Máy móc, thiết bị"),
                            ("raw-material", "Vùng nguyên liệu"),
                            ("trade-promotion", "Xúc tiến thương mại"),
                            ("training", "Đào tạo, tập huấn"),
                            ("certification", "Chứng nhận chất lượng (VietGAP, hữu cơ, …)"),
                            ("consulting", "Tư vấn xây dựng hồ sơ, sản phẩm"),
                            ("other", "Khác"),
                        ],
                        max_length=20,
                        verbose_name="nội dung hỗ trợ",
                    ),
                ),
                (
                    "source",
                    models.CharField(
                        choices=[
                            ("central", "Ngân sách trung ương"),
                            ("provincial", "Ngân sách tỉnh"),
                            ("local", "Ngân sách huyện, xã"),
                            ("ntm", "Chương trình mục tiêu quốc gia nông thôn mới"),
                            ("integrated", "Lồng ghép các chương trình, dự án khác"),
                            ("credit", "Vốn tín dụng"),
                            ("socialised", "Xã hội hóa (doanh nghiệp, người dân)"),
                        ],
                        max_length=15,
                        verbose_name="nguồn vốn",
                    ),
                ),
                (
                    "supporter",
                    models.CharField(
                        blank=True,
                        choices=[("province", "Tỉnh hỗ trợ"), ("district", "Huyện hỗ trợ"), ("commune", "Xã hỗ trợ")],
                        max_length=10,
                        verbose_name="cấp hỗ trợ",
                    ),
                ),
                (
                    "amount_planned",
                    models.DecimalField(
                        blank=True,
                        decimal_places=0,
                        help_text="Để trống nếu chưa xác định kinh phí.",
                        max_digits=18,
                        null=True,
                        validators=[
                            django.core.validators.MinValueValidator(0),
                            django.core.validators.MaxValueValidator(1000000000000000),
                        ],
                        verbose_name="kinh phí kế hoạch (đồng)",
                    ),
                ),
                (
                    "amount_disbursed",
                    models.DecimalField(
                        blank=True,
                        decimal_places=0,
                        max_digits=18,
                        null=True,
                        validators=[
                            django.core.validators.MinValueValidator(0),
                            django.core.validators.MaxValueValidator(1000000000000000),
                        ],
                        verbose_name="kinh phí đã giải ngân (đồng)",
                    ),
                ),
                ("disbursed_on", models.DateField(blank=True, null=True, verbose_name="ngày giải ngân")),
                ("decision_no", models.CharField(blank=True, max_length=60, verbose_name="số quyết định")),
                ("decision_date", models.DateField(blank=True, null=True, verbose_name="ngày quyết định")),
                ("note", models.TextField(blank=True, verbose_name="ghi chú")),
                (
                    "created_at",
                    models.DateTimeField(default=django.utils.timezone.now, editable=False, verbose_name="ngày tạo"),
                ),
                (
                    "commune",
                    models.ForeignKey(
                        blank=True,
                        null=True,
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="+",
                        to="areas.administrativeunit",
                        verbose_name="xã được hỗ trợ",
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
                    "linkage_project",
                    models.ForeignKey(
                        blank=True,
                        null=True,
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="support_lines",
                        to="programme.linkageproject",
                        verbose_name="dự án liên kết",
                    ),
                ),
                (
                    "new_commune",
                    models.ForeignKey(
                        blank=True,
                        editable=False,
                        null=True,
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="+",
                        to="areas.administrativeunit",
                        verbose_name="xã (địa giới mới)",
                    ),
                ),
                (
                    "new_province",
                    models.ForeignKey(
                        blank=True,
                        editable=False,
                        null=True,
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="+",
                        to="areas.administrativeunit",
                        verbose_name="tỉnh (địa giới mới)",
                    ),
                ),
                (
                    "old_commune",
                    models.ForeignKey(
                        blank=True,
                        editable=False,
                        null=True,
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="+",
                        to="areas.administrativeunit",
                        verbose_name="xã (địa giới cũ)",
                    ),
                ),
                (
                    "old_district",
                    models.ForeignKey(
                        blank=True,
                        editable=False,
                        null=True,
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="+",
                        to="areas.administrativeunit",
                        verbose_name="huyện (địa giới cũ)",
                    ),
                ),
                (
                    "old_province",
                    models.ForeignKey(
                        blank=True,
                        editable=False,
                        null=True,
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="+",
                        to="areas.administrativeunit",
                        verbose_name="tỉnh (địa giới cũ)",
                    ),
                ),
                (
                    "place",
                    models.ForeignKey(
                        blank=True,
                        editable=False,
                        null=True,
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="+",
                        to="areas.administrativeunit",
                        verbose_name="nơi thụ hưởng",
                    ),
                ),
                (
                    "plan_line",
                    models.ForeignKey(
                        blank=True,
                        null=True,
                        on_delete=django.db.models.deletion.SET_NULL,
                        related_name="support_lines",
                        to="programme.planline",
                        verbose_name="thuộc dòng kế hoạch",
                    ),
                ),
                (
                    "producer",
                    models.ForeignKey(
                        blank=True,
                        null=True,
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="support_lines",
                        to="producers.producer",
                        verbose_name="chủ thể",
                    ),
                ),
                (
                    "product",
                    models.ForeignKey(
                        blank=True,
                        null=True,
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="support_lines",
                        to="products.product",
                        verbose_name="sản phẩm",
                    ),
                ),
                (
                    "province",
                    models.ForeignKey(
                        help_text="Tỉnh theo dõi khoản hỗ trợ; đối tượng được hỗ trợ phải thuộc tỉnh này.",
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="+",
                        to="areas.administrativeunit",
                        verbose_name="tỉnh ghi nhận",
                    ),
                ),
            ],
            options={
                "verbose_name": "khoản hỗ trợ",
                "verbose_name_plural": "khoản hỗ trợ",
                "ordering": ["-year", "-id"],
                "indexes": [
                    models.Index(fields=["province", "year"], name="support_province_year_idx"),
                    models.Index(fields=["product"], name="support_product_idx"),
                    models.Index(fields=["new_province", "year"], name="support_new_province_idx"),
                    models.Index(fields=["old_province", "year"], name="support_old_province_idx"),
                ],
                "constraints": [
                    models.CheckConstraint(
                        condition=models.Q(
                            ("amount_planned__isnull", True), ("amount_planned__gte", 0), _connector="OR"
                        ),
                        name="support_planned_nonnegative",
                    ),
                    models.CheckConstraint(
                        condition=models.Q(
                            ("amount_disbursed__isnull", True), ("amount_disbursed__gte", 0), _connector="OR"
                        ),
                        name="support_disbursed_nonnegative",
                    ),
                    models.CheckConstraint(
                        condition=models.Q(
                            ("producer__isnull", False),
                            ("product__isnull", False),
                            ("linkage_project__isnull", False),
                            ("commune__isnull", False),
                            ("plan_line__isnull", False),
                            _connector="OR",
                        ),
                        name="support_has_beneficiary",
                    ),
                    models.CheckConstraint(
                        condition=models.Q(("year__gte", 2018), ("year__lte", 2100)), name="support_year_range"
                    ),
                ],
            },
        ),
    ]
