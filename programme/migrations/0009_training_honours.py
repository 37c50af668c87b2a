import django.core.validators
import django.db.models.deletion
import django.utils.timezone
from django.conf import settings
from django.db import migrations, models

import programme.models.training


class Migration(migrations.Migration):
    dependencies = [("programme", "0008_monitoring")]

    operations = [
        migrations.CreateModel(
            name="CommunicationCampaign",
            fields=[
                ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name="ID")),
                ("title", models.CharField(max_length=255, verbose_name="tên hoạt động")),
                (
                    "channel",
                    models.CharField(
                        choices=[
                            ("radio", "Phát thanh"),
                            ("television", "Truyền hình"),
                            ("press", "Báo in"),
                            ("online", "Trang thông tin điện tử, mạng xã hội"),
                            ("print", "Tờ rơi, pano, áp phích"),
                            ("conference", "Hội nghị, sự kiện"),
                            ("other", "Khác"),
                        ],
                        max_length=15,
                        verbose_name="kênh truyền thông",
                    ),
                ),
                ("organiser", models.CharField(max_length=255, verbose_name="đơn vị thực hiện")),
                ("start_date", models.DateField(verbose_name="ngày bắt đầu")),
                ("end_date", models.DateField(verbose_name="ngày kết thúc")),
                (
                    "audience",
                    models.JSONField(
                        blank=True,
                        default=list,
                        validators=[programme.models.training._validate_audience],
                        verbose_name="đối tượng",
                    ),
                ),
                (
                    "reach",
                    models.PositiveIntegerField(
                        blank=True,
                        null=True,
                        validators=[
                            django.core.validators.MinValueValidator(0),
                            django.core.validators.MaxValueValidator(100000000),
                        ],
                        verbose_name="số người tiếp cận (ước tính)",
                    ),
                ),
                (
                    "items",
                    models.PositiveIntegerField(
                        blank=True,
                        null=True,
                        validators=[
                            django.core.validators.MinValueValidator(0),
                            django.core.validators.MaxValueValidator(100000000),
                        ],
                        verbose_name="số tin, bài, buổi phát sóng",
                    ),
                ),
                ("note", models.TextField(blank=True, verbose_name="ghi chú")),
                ("cancelled_at", models.DateTimeField(blank=True, editable=False, null=True, verbose_name="hủy lúc")),
                (
                    "cancel_reason",
                    models.CharField(blank=True, editable=False, max_length=500, verbose_name="lý do hủy"),
                ),
                (
                    "created_at",
                    models.DateTimeField(default=django.utils.timezone.now, editable=False, verbose_name="ngày tạo"),
                ),
                (
                    "area",
                    models.ForeignKey(
                        blank=True,
                        help_text="Để trống nếu do tỉnh thực hiện.",
                        null=True,
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="+",
                        to="areas.administrativeunit",
                        verbose_name="huyện, xã thực hiện",
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
                    "province",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="+",
                        to="areas.administrativeunit",
                        verbose_name="tỉnh quản lý",
                    ),
                ),
            ],
            options={
                "verbose_name": "hoạt động truyền thông",
                "verbose_name_plural": "hoạt động truyền thông",
                "ordering": ["-start_date", "-id"],
                "indexes": [models.Index(fields=["province", "start_date"], name="campaign_province_start_idx")],
                "constraints": [
                    models.CheckConstraint(
                        condition=models.Q(("end_date__gte", models.F("start_date"))), name="campaign_end_after_start"
                    )
                ],
            },
        ),
        migrations.CreateModel(
            name="Honour",
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
                    "kind",
                    models.CharField(
                        choices=[
                            ("producer", "Chủ thể tiêu biểu"),
                            ("product", "Sản phẩm tiêu biểu"),
                            ("other", "Khác"),
                        ],
                        max_length=10,
                        verbose_name="loại tôn vinh",
                    ),
                ),
                ("title", models.CharField(max_length=255, verbose_name="danh hiệu")),
                ("decision_no", models.CharField(blank=True, max_length=100, verbose_name="số quyết định")),
                ("decision_date", models.DateField(blank=True, null=True, verbose_name="ngày quyết định")),
                ("citation", models.TextField(blank=True, verbose_name="thành tích")),
                (
                    "created_at",
                    models.DateTimeField(default=django.utils.timezone.now, editable=False, verbose_name="ngày tạo"),
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
                    "producer",
                    models.ForeignKey(
                        blank=True,
                        null=True,
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="honours",
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
                        related_name="honours",
                        to="products.product",
                        verbose_name="sản phẩm",
                    ),
                ),
                (
                    "province",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="+",
                        to="areas.administrativeunit",
                        verbose_name="tỉnh tôn vinh",
                    ),
                ),
            ],
            options={
                "verbose_name": "tôn vinh",
                "verbose_name_plural": "tôn vinh",
                "ordering": ["-year", "kind", "id"],
                "indexes": [models.Index(fields=["province", "year"], name="honour_province_year_idx")],
                "constraints": [
                    models.CheckConstraint(
                        condition=models.Q(
                            models.Q(("producer__isnull", False), ("product__isnull", True)),
                            models.Q(("producer__isnull", True), ("product__isnull", False)),
                            _connector="OR",
                        ),
                        name="honour_one_honouree",
                    ),
                    models.CheckConstraint(
                        condition=models.Q(("year__gte", 2018), ("year__lte", 2100)), name="honour_year_range"
                    ),
                ],
            },
        ),
        migrations.CreateModel(
            name="TrainingCourse",
            fields=[
                ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name="ID")),
                ("title", models.CharField(max_length=255, verbose_name="tên lớp, hội nghị")),
                (
                    "kind",
                    models.CharField(
                        choices=[
                            ("training", "Tập huấn"),
                            ("conference", "Hội nghị giới thiệu, triển khai"),
                            ("study-tour", "Tham quan học tập mô hình"),
                            ("other", "Khác"),
                        ],
                        max_length=15,
                        verbose_name="hình thức",
                    ),
                ),
                ("organiser", models.CharField(max_length=255, verbose_name="đơn vị tổ chức")),
                ("place", models.CharField(max_length=255, verbose_name="địa điểm")),
                ("start_date", models.DateField(verbose_name="ngày bắt đầu")),
                ("end_date", models.DateField(verbose_name="ngày kết thúc")),
                (
                    "audience",
                    models.JSONField(
                        blank=True,
                        default=list,
                        validators=[programme.models.training._validate_audience],
                        verbose_name="đối tượng",
                    ),
                ),
                (
                    "participants",
                    models.PositiveIntegerField(
                        blank=True,
                        help_text="Để trống nếu chưa biết.",
                        null=True,
                        validators=[
                            django.core.validators.MinValueValidator(0),
                            django.core.validators.MaxValueValidator(100000000),
                        ],
                        verbose_name="số người tham dự",
                    ),
                ),
                (
                    "participants_women",
                    models.PositiveIntegerField(
                        default=0,
                        validators=[
                            django.core.validators.MinValueValidator(0),
                            django.core.validators.MaxValueValidator(100000000),
                        ],
                        verbose_name="trong đó nữ",
                    ),
                ),
                (
                    "participants_ethnic_minority",
                    models.PositiveIntegerField(
                        default=0,
                        validators=[
                            django.core.validators.MinValueValidator(0),
                            django.core.validators.MaxValueValidator(100000000),
                        ],
                        verbose_name="trong đó người dân tộc thiểu số",
                    ),
                ),
                (
                    "cost",
                    models.DecimalField(
                        blank=True,
                        decimal_places=0,
                        max_digits=18,
                        null=True,
                        validators=[
                            django.core.validators.MinValueValidator(0),
                            django.core.validators.MaxValueValidator(1000000000000000),
                        ],
                        verbose_name="kinh phí (đồng)",
                    ),
                ),
                (
                    "funding_source",
                    models.CharField(
                        blank=True,
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
                        verbose_name="nguồn kinh phí",
                    ),
                ),
                ("note", models.TextField(blank=True, verbose_name="ghi chú")),
                ("cancelled_at", models.DateTimeField(blank=True, editable=False, null=True, verbose_name="hủy lúc")),
                (
                    "cancel_reason",
                    models.CharField(blank=True, editable=False, max_length=500, verbose_name="lý do hủy"),
                ),
                (
                    "created_at",
                    models.DateTimeField(default=django.utils.timezone.now, editable=False, verbose_name="ngày tạo"),
                ),
                (
                    "area",
                    models.ForeignKey(
                        blank=True,
                        help_text="Để trống nếu do tỉnh tổ chức.",
                        null=True,
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="+",
                        to="areas.administrativeunit",
                        verbose_name="huyện, xã tổ chức",
                    ),
                ),
                (
                    "communes",
                    models.ManyToManyField(
                        blank=True,
                        related_name="training_courses",
                        to="areas.administrativeunit",
                        verbose_name="các xã có người tham dự",
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
                    "province",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="+",
                        to="areas.administrativeunit",
                        verbose_name="tỉnh quản lý",
                    ),
                ),
            ],
            options={
                "verbose_name": "lớp tập huấn",
                "verbose_name_plural": "lớp tập huấn",
                "ordering": ["-start_date", "-id"],
                "indexes": [models.Index(fields=["province", "start_date"], name="training_province_start_idx")],
                "constraints": [
                    models.CheckConstraint(
                        condition=models.Q(("end_date__gte", models.F("start_date"))), name="training_end_after_start"
                    ),
                    models.CheckConstraint(
                        condition=models.Q(
                            models.Q(
                                ("participants__isnull", True),
                                ("participants_ethnic_minority", 0),
                                ("participants_women", 0),
                            ),
                            models.Q(
                                ("participants_women__lte", models.F("participants")),
                                ("participants_ethnic_minority__lte", models.F("participants")),
                            ),
                            _connector="OR",
                        ),
                        name="training_counts_within_participants",
                    ),
                    models.CheckConstraint(
                        condition=models.Q(("cost__isnull", True), ("cost__gte", 0), _connector="OR"),
                        name="training_cost_nonnegative",
                    ),
                ],
            },
        ),
    ]
