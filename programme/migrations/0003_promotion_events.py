import django.core.validators
import django.db.models.deletion
import django.utils.timezone
from django.conf import settings
from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("areas", "0001_initial"),
        ("producers", "0003_national_scale_lists"),
        ("products", "0008_national_scale_lists"),
        ("programme", "0002_sales_channels"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.CreateModel(
            name="Event",
            fields=[
                ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name="ID")),
                ("name", models.CharField(max_length=255, verbose_name="tên sự kiện")),
                (
                    "kind",
                    models.CharField(
                        choices=[
                            ("fair", "Hội chợ"),
                            ("exhibition", "Triển lãm"),
                            ("conference", "Hội nghị kết nối cung cầu"),
                            ("livestream", "Bán hàng qua livestream"),
                            ("other", "Khác"),
                        ],
                        max_length=15,
                        verbose_name="loại sự kiện",
                    ),
                ),
                (
                    "level",
                    models.CharField(
                        choices=[("province", "Cấp tỉnh"), ("national", "Cấp quốc gia"), ("international", "Quốc tế")],
                        max_length=15,
                        verbose_name="cấp",
                    ),
                ),
                ("organiser", models.CharField(max_length=255, verbose_name="đơn vị tổ chức")),
                ("start_date", models.DateField(verbose_name="ngày bắt đầu")),
                ("end_date", models.DateField(verbose_name="ngày kết thúc")),
                ("place", models.CharField(max_length=255, verbose_name="địa điểm")),
                ("description", models.TextField(blank=True, verbose_name="mô tả")),
                ("is_public", models.BooleanField(default=True, verbose_name="công khai")),
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
                        null=True,
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="+",
                        to="areas.administrativeunit",
                        verbose_name="đơn vị hành chính nơi tổ chức",
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
                        help_text="Tỉnh ghi nhận và quản lý sự kiện (không nhất thiết là nơi tổ chức).",
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="+",
                        to="areas.administrativeunit",
                        verbose_name="tỉnh quản lý",
                    ),
                ),
            ],
            options={
                "verbose_name": "sự kiện xúc tiến thương mại",
                "verbose_name_plural": "sự kiện xúc tiến thương mại",
                "ordering": ["-start_date", "-id"],
            },
        ),
        migrations.CreateModel(
            name="Participation",
            fields=[
                ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name="ID")),
                (
                    "status",
                    models.CharField(
                        choices=[
                            ("registered", "Đăng ký, chờ duyệt"),
                            ("accepted", "Được tham gia"),
                            ("declined", "Không được nhận"),
                        ],
                        default="registered",
                        max_length=12,
                        verbose_name="trạng thái",
                    ),
                ),
                ("decline_reason", models.CharField(blank=True, max_length=500, verbose_name="lý do không nhận")),
                (
                    "registered_at",
                    models.DateTimeField(
                        default=django.utils.timezone.now, editable=False, verbose_name="ngày đăng ký"
                    ),
                ),
                ("decided_at", models.DateTimeField(blank=True, editable=False, null=True, verbose_name="ngày duyệt")),
                (
                    "contracts_signed",
                    models.PositiveIntegerField(
                        blank=True,
                        null=True,
                        validators=[django.core.validators.MaxValueValidator(100000)],
                        verbose_name="số hợp đồng ký kết",
                    ),
                ),
                (
                    "sales_value",
                    models.DecimalField(
                        blank=True,
                        decimal_places=0,
                        max_digits=18,
                        null=True,
                        validators=[django.core.validators.MaxValueValidator(1000000000000000)],
                        verbose_name="doanh số (đồng)",
                    ),
                ),
                (
                    "new_buyers",
                    models.PositiveIntegerField(
                        blank=True,
                        null=True,
                        validators=[django.core.validators.MaxValueValidator(100000)],
                        verbose_name="số khách hàng mới",
                    ),
                ),
                ("results_note", models.TextField(blank=True, verbose_name="ghi chú kết quả")),
                (
                    "results_recorded_at",
                    models.DateTimeField(blank=True, editable=False, null=True, verbose_name="ngày ghi kết quả"),
                ),
                (
                    "decided_by",
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
                    "event",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="participations",
                        to="programme.event",
                        verbose_name="sự kiện",
                    ),
                ),
                (
                    "producer",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="event_participations",
                        to="producers.producer",
                        verbose_name="chủ thể",
                    ),
                ),
                (
                    "products",
                    models.ManyToManyField(
                        related_name="event_participations", to="products.product", verbose_name="sản phẩm trưng bày"
                    ),
                ),
                (
                    "registered_by",
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
                "verbose_name": "chủ thể tham gia sự kiện",
                "verbose_name_plural": "chủ thể tham gia sự kiện",
                "ordering": ["event", "id"],
            },
        ),
        migrations.AddIndex(
            model_name="event",
            index=models.Index(fields=["province", "start_date"], name="event_province_start_idx"),
        ),
        migrations.AddIndex(
            model_name="event",
            index=models.Index(fields=["end_date"], name="event_end_idx"),
        ),
        migrations.AddConstraint(
            model_name="event",
            constraint=models.CheckConstraint(
                condition=models.Q(("end_date__gte", models.F("start_date"))), name="event_end_after_start"
            ),
        ),
        migrations.AddIndex(
            model_name="participation",
            index=models.Index(fields=["producer", "status"], name="participation_producer_idx"),
        ),
        migrations.AddConstraint(
            model_name="participation",
            constraint=models.UniqueConstraint(fields=("event", "producer"), name="participation_event_producer_uniq"),
        ),
        migrations.AddConstraint(
            model_name="participation",
            constraint=models.CheckConstraint(
                condition=models.Q(("sales_value__isnull", True), ("sales_value__gte", 0), _connector="OR"),
                name="participation_sales_nonnegative",
            ),
        ),
    ]
