# Linkage partners and yearly results, investment projects and raw-material areas (issue 17).

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
        ("programme", "0005_linkage_projects"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.CreateModel(
            name="InvestmentProject",
            fields=[
                ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name="ID")),
                ("name", models.CharField(max_length=500, verbose_name="tên dự án đầu tư")),
                ("investor_name", models.CharField(blank=True, max_length=255, verbose_name="tên nhà đầu tư")),
                (
                    "crop",
                    models.CharField(
                        help_text="Ví dụ: mắc ca, bơ, cà phê.", max_length=255, verbose_name="cây trồng, sản phẩm"
                    ),
                ),
                (
                    "planned_area_ha",
                    models.DecimalField(
                        blank=True,
                        decimal_places=2,
                        max_digits=12,
                        null=True,
                        validators=[
                            django.core.validators.MinValueValidator(0),
                            django.core.validators.MaxValueValidator(1000000),
                        ],
                        verbose_name="diện tích theo dự án (ha)",
                    ),
                ),
                (
                    "planted_area_ha",
                    models.DecimalField(
                        blank=True,
                        decimal_places=2,
                        max_digits=12,
                        null=True,
                        validators=[
                            django.core.validators.MinValueValidator(0),
                            django.core.validators.MaxValueValidator(1000000),
                        ],
                        verbose_name="diện tích đã trồng (ha)",
                    ),
                ),
                (
                    "stage",
                    models.CharField(
                        choices=[
                            ("survey", "Khảo sát"),
                            ("preparing", "Lập dự án"),
                            ("approved", "Đã phê duyệt, chấp thuận đầu tư"),
                            ("implementing", "Đang triển khai trồng, xây dựng"),
                            ("producing", "Đã cho sản phẩm"),
                            ("stopped", "Dừng thực hiện"),
                        ],
                        default="survey",
                        max_length=12,
                        verbose_name="giai đoạn",
                    ),
                ),
                (
                    "decision_no",
                    models.CharField(blank=True, max_length=60, verbose_name="số quyết định chủ trương, chấp thuận"),
                ),
                ("decision_date", models.DateField(blank=True, null=True, verbose_name="ngày quyết định")),
                ("note", models.TextField(blank=True, verbose_name="ghi chú")),
                (
                    "created_at",
                    models.DateTimeField(default=django.utils.timezone.now, editable=False, verbose_name="ngày tạo"),
                ),
            ],
            options={
                "verbose_name": "dự án đầu tư vùng nguyên liệu",
                "verbose_name_plural": "dự án đầu tư vùng nguyên liệu",
                "ordering": ["name", "id"],
            },
        ),
        migrations.CreateModel(
            name="LinkagePartner",
            fields=[
                ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name="ID")),
                ("name", models.CharField(max_length=255, verbose_name="tên bên liên kết")),
                (
                    "kind",
                    models.CharField(
                        choices=[
                            ("household", "Hộ gia đình"),
                            ("household-group", "Tổ hợp tác, nhóm hộ"),
                            ("cooperative", "Hợp tác xã"),
                            ("enterprise", "Doanh nghiệp"),
                            ("other", "Khác"),
                        ],
                        max_length=16,
                        verbose_name="loại",
                    ),
                ),
                (
                    "households",
                    models.PositiveIntegerField(
                        blank=True,
                        null=True,
                        validators=[django.core.validators.MaxValueValidator(1000000)],
                        verbose_name="số hộ",
                    ),
                ),
                (
                    "area_ha",
                    models.DecimalField(
                        blank=True,
                        decimal_places=2,
                        max_digits=12,
                        null=True,
                        validators=[
                            django.core.validators.MinValueValidator(0),
                            django.core.validators.MaxValueValidator(1000000),
                        ],
                        verbose_name="diện tích (ha)",
                    ),
                ),
                ("contract_no", models.CharField(blank=True, max_length=60, verbose_name="số hợp đồng")),
                ("contract_date", models.DateField(blank=True, null=True, verbose_name="ngày ký hợp đồng")),
                ("note", models.TextField(blank=True, verbose_name="ghi chú")),
            ],
            options={
                "verbose_name": "bên tham gia liên kết",
                "verbose_name_plural": "bên tham gia liên kết",
                "ordering": ["project", "name", "id"],
            },
        ),
        migrations.CreateModel(
            name="LinkageResult",
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
                    "area_ha",
                    models.DecimalField(
                        blank=True,
                        decimal_places=2,
                        max_digits=12,
                        null=True,
                        validators=[
                            django.core.validators.MinValueValidator(0),
                            django.core.validators.MaxValueValidator(1000000),
                        ],
                        verbose_name="diện tích thực hiện (ha)",
                    ),
                ),
                (
                    "output",
                    models.DecimalField(
                        blank=True,
                        decimal_places=2,
                        max_digits=14,
                        null=True,
                        validators=[
                            django.core.validators.MinValueValidator(0),
                            django.core.validators.MaxValueValidator(10000000000),
                        ],
                        verbose_name="sản lượng tiêu thụ qua liên kết",
                    ),
                ),
                (
                    "output_unit",
                    models.CharField(
                        blank=True, help_text="Ví dụ: tấn, kg, quả.", max_length=20, verbose_name="đơn vị sản lượng"
                    ),
                ),
                (
                    "value",
                    models.DecimalField(
                        blank=True,
                        decimal_places=0,
                        max_digits=18,
                        null=True,
                        validators=[
                            django.core.validators.MinValueValidator(0),
                            django.core.validators.MaxValueValidator(1000000000000000),
                        ],
                        verbose_name="giá trị (đồng)",
                    ),
                ),
                (
                    "households",
                    models.PositiveIntegerField(
                        blank=True,
                        null=True,
                        validators=[django.core.validators.MaxValueValidator(1000000)],
                        verbose_name="số hộ tham gia",
                    ),
                ),
                ("note", models.TextField(blank=True, verbose_name="ghi chú")),
                (
                    "recorded_at",
                    models.DateTimeField(default=django.utils.timezone.now, editable=False, verbose_name="ngày ghi"),
                ),
            ],
            options={
                "verbose_name": "kết quả liên kết trong năm",
                "verbose_name_plural": "kết quả liên kết theo năm",
                "ordering": ["project", "-year"],
            },
        ),
        migrations.CreateModel(
            name="RawMaterialArea",
            fields=[
                ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name="ID")),
                ("name", models.CharField(max_length=255, verbose_name="tên vùng nguyên liệu")),
                (
                    "area_ha",
                    models.DecimalField(
                        blank=True,
                        decimal_places=2,
                        max_digits=12,
                        null=True,
                        validators=[
                            django.core.validators.MinValueValidator(0),
                            django.core.validators.MaxValueValidator(1000000),
                        ],
                        verbose_name="diện tích (ha)",
                    ),
                ),
                (
                    "certification",
                    models.CharField(
                        choices=[
                            ("none", "Chưa chứng nhận"),
                            ("vietgap", "VietGAP"),
                            ("organic", "Hữu cơ"),
                            ("globalgap", "GlobalGAP"),
                            ("other", "Chứng nhận khác"),
                        ],
                        default="none",
                        max_length=10,
                        verbose_name="chứng nhận",
                    ),
                ),
                ("certificate_no", models.CharField(blank=True, max_length=60, verbose_name="số giấy chứng nhận")),
                ("certified_until", models.DateField(blank=True, null=True, verbose_name="chứng nhận có hiệu lực đến")),
                ("note", models.TextField(blank=True, verbose_name="ghi chú")),
                (
                    "created_at",
                    models.DateTimeField(default=django.utils.timezone.now, editable=False, verbose_name="ngày tạo"),
                ),
            ],
            options={
                "verbose_name": "vùng nguyên liệu",
                "verbose_name_plural": "vùng nguyên liệu",
                "ordering": ["product", "name", "id"],
            },
        ),
        migrations.CreateModel(
            name="RawMaterialAreaYear",
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
                    "area_ha",
                    models.DecimalField(
                        blank=True,
                        decimal_places=2,
                        max_digits=12,
                        null=True,
                        validators=[
                            django.core.validators.MinValueValidator(0),
                            django.core.validators.MaxValueValidator(1000000),
                        ],
                        verbose_name="diện tích (ha)",
                    ),
                ),
                (
                    "output_tonnes",
                    models.DecimalField(
                        blank=True,
                        decimal_places=2,
                        max_digits=14,
                        null=True,
                        validators=[
                            django.core.validators.MinValueValidator(0),
                            django.core.validators.MaxValueValidator(10000000000),
                        ],
                        verbose_name="sản lượng (tấn)",
                    ),
                ),
                (
                    "households",
                    models.PositiveIntegerField(
                        blank=True,
                        null=True,
                        validators=[django.core.validators.MaxValueValidator(1000000)],
                        verbose_name="số hộ tham gia",
                    ),
                ),
                ("note", models.TextField(blank=True, verbose_name="ghi chú")),
                (
                    "recorded_at",
                    models.DateTimeField(default=django.utils.timezone.now, editable=False, verbose_name="ngày ghi"),
                ),
            ],
            options={
                "verbose_name": "số liệu vùng nguyên liệu trong năm",
                "verbose_name_plural": "số liệu vùng nguyên liệu theo năm",
                "ordering": ["raw_area", "year"],
            },
        ),
        migrations.AddField(
            model_name="linkageproject",
            name="contract_value",
            field=models.DecimalField(
                blank=True,
                decimal_places=0,
                help_text="Tổng giá trị bao tiêu sản phẩm theo hợp đồng, nếu có.",
                max_digits=18,
                null=True,
                validators=[
                    django.core.validators.MinValueValidator(0),
                    django.core.validators.MaxValueValidator(1000000000000000),
                ],
                verbose_name="giá trị hợp đồng liên kết (đồng)",
            ),
        ),
        migrations.AddConstraint(
            model_name="linkageproject",
            constraint=models.CheckConstraint(
                condition=models.Q(
                    models.Q(("area_ha__isnull", True), ("area_ha__gte", 0), _connector="OR"),
                    models.Q(("support_approved__isnull", True), ("support_approved__gte", 0), _connector="OR"),
                    models.Q(("contract_value__isnull", True), ("contract_value__gte", 0), _connector="OR"),
                ),
                name="linkage_amounts_nonnegative",
            ),
        ),
        migrations.AddField(
            model_name="investmentproject",
            name="communes",
            field=models.ManyToManyField(
                blank=True, related_name="+", to="areas.administrativeunit", verbose_name="xã thực hiện"
            ),
        ),
        migrations.AddField(
            model_name="investmentproject",
            name="created_by",
            field=models.ForeignKey(
                blank=True,
                editable=False,
                null=True,
                on_delete=django.db.models.deletion.SET_NULL,
                related_name="+",
                to=settings.AUTH_USER_MODEL,
            ),
        ),
        migrations.AddField(
            model_name="investmentproject",
            name="investor",
            field=models.ForeignKey(
                blank=True,
                null=True,
                on_delete=django.db.models.deletion.PROTECT,
                related_name="investment_projects",
                to="producers.producer",
                verbose_name="nhà đầu tư trong danh sách chủ thể",
            ),
        ),
        migrations.AddField(
            model_name="investmentproject",
            name="province",
            field=models.ForeignKey(
                on_delete=django.db.models.deletion.PROTECT,
                related_name="+",
                to="areas.administrativeunit",
                verbose_name="tỉnh quản lý",
            ),
        ),
        migrations.AddField(
            model_name="linkagepartner",
            name="commune",
            field=models.ForeignKey(
                blank=True,
                null=True,
                on_delete=django.db.models.deletion.PROTECT,
                related_name="+",
                to="areas.administrativeunit",
                verbose_name="xã",
            ),
        ),
        migrations.AddField(
            model_name="linkagepartner",
            name="producer",
            field=models.ForeignKey(
                blank=True,
                null=True,
                on_delete=django.db.models.deletion.PROTECT,
                related_name="linkage_partnerships",
                to="producers.producer",
                verbose_name="chủ thể trong danh sách",
            ),
        ),
        migrations.AddField(
            model_name="linkagepartner",
            name="project",
            field=models.ForeignKey(
                on_delete=django.db.models.deletion.CASCADE,
                related_name="partners",
                to="programme.linkageproject",
                verbose_name="dự án liên kết",
            ),
        ),
        migrations.AddField(
            model_name="linkageresult",
            name="project",
            field=models.ForeignKey(
                on_delete=django.db.models.deletion.CASCADE,
                related_name="results",
                to="programme.linkageproject",
                verbose_name="dự án liên kết",
            ),
        ),
        migrations.AddField(
            model_name="linkageresult",
            name="recorded_by",
            field=models.ForeignKey(
                blank=True,
                editable=False,
                null=True,
                on_delete=django.db.models.deletion.SET_NULL,
                related_name="+",
                to=settings.AUTH_USER_MODEL,
            ),
        ),
        migrations.AddField(
            model_name="rawmaterialarea",
            name="communes",
            field=models.ManyToManyField(
                blank=True, related_name="+", to="areas.administrativeunit", verbose_name="xã có vùng nguyên liệu"
            ),
        ),
        migrations.AddField(
            model_name="rawmaterialarea",
            name="created_by",
            field=models.ForeignKey(
                blank=True,
                editable=False,
                null=True,
                on_delete=django.db.models.deletion.SET_NULL,
                related_name="+",
                to=settings.AUTH_USER_MODEL,
            ),
        ),
        migrations.AddField(
            model_name="rawmaterialarea",
            name="investment_project",
            field=models.ForeignKey(
                blank=True,
                null=True,
                on_delete=django.db.models.deletion.SET_NULL,
                related_name="raw_material_areas",
                to="programme.investmentproject",
                verbose_name="dự án đầu tư",
            ),
        ),
        migrations.AddField(
            model_name="rawmaterialarea",
            name="linkage_project",
            field=models.ForeignKey(
                blank=True,
                null=True,
                on_delete=django.db.models.deletion.SET_NULL,
                related_name="raw_material_areas",
                to="programme.linkageproject",
                verbose_name="dự án liên kết",
            ),
        ),
        migrations.AddField(
            model_name="rawmaterialarea",
            name="product",
            field=models.ForeignKey(
                on_delete=django.db.models.deletion.PROTECT,
                related_name="raw_material_areas",
                to="products.product",
                verbose_name="sản phẩm",
            ),
        ),
        migrations.AddField(
            model_name="rawmaterialareayear",
            name="raw_area",
            field=models.ForeignKey(
                on_delete=django.db.models.deletion.CASCADE,
                related_name="years",
                to="programme.rawmaterialarea",
                verbose_name="vùng nguyên liệu",
            ),
        ),
        migrations.AddField(
            model_name="rawmaterialareayear",
            name="recorded_by",
            field=models.ForeignKey(
                blank=True,
                editable=False,
                null=True,
                on_delete=django.db.models.deletion.SET_NULL,
                related_name="+",
                to=settings.AUTH_USER_MODEL,
            ),
        ),
        migrations.AddConstraint(
            model_name="investmentproject",
            constraint=models.CheckConstraint(
                condition=models.Q(
                    models.Q(("planned_area_ha__isnull", True), ("planned_area_ha__gte", 0), _connector="OR"),
                    models.Q(("planted_area_ha__isnull", True), ("planted_area_ha__gte", 0), _connector="OR"),
                ),
                name="investment_areas_nonnegative",
            ),
        ),
        migrations.AddConstraint(
            model_name="linkagepartner",
            constraint=models.CheckConstraint(
                condition=models.Q(("area_ha__isnull", True), ("area_ha__gte", 0), _connector="OR"),
                name="linkage_partner_area_nonnegative",
            ),
        ),
        migrations.AddConstraint(
            model_name="linkageresult",
            constraint=models.UniqueConstraint(fields=("project", "year"), name="linkage_result_project_year_uniq"),
        ),
        migrations.AddConstraint(
            model_name="linkageresult",
            constraint=models.CheckConstraint(
                condition=models.Q(
                    models.Q(("area_ha__isnull", True), ("area_ha__gte", 0), _connector="OR"),
                    models.Q(("output__isnull", True), ("output__gte", 0), _connector="OR"),
                    models.Q(("value__isnull", True), ("value__gte", 0), _connector="OR"),
                ),
                name="linkage_result_nonnegative",
            ),
        ),
        migrations.AddConstraint(
            model_name="linkageresult",
            constraint=models.CheckConstraint(
                condition=models.Q(("year__gte", 2018), ("year__lte", 2100)), name="linkage_result_year_range"
            ),
        ),
        migrations.AddConstraint(
            model_name="rawmaterialarea",
            constraint=models.CheckConstraint(
                condition=models.Q(("area_ha__isnull", True), ("area_ha__gte", 0), _connector="OR"),
                name="raw_area_nonnegative",
            ),
        ),
        migrations.AddConstraint(
            model_name="rawmaterialarea",
            constraint=models.CheckConstraint(
                condition=models.Q(
                    models.Q(("certification", "none"), _negated=True),
                    models.Q(("certificate_no", ""), ("certified_until__isnull", True)),
                    _connector="OR",
                ),
                name="raw_area_certificate_needs_certification",
            ),
        ),
        migrations.AddConstraint(
            model_name="rawmaterialareayear",
            constraint=models.UniqueConstraint(fields=("raw_area", "year"), name="raw_area_year_uniq"),
        ),
        migrations.AddConstraint(
            model_name="rawmaterialareayear",
            constraint=models.CheckConstraint(
                condition=models.Q(
                    models.Q(("area_ha__isnull", True), ("area_ha__gte", 0), _connector="OR"),
                    models.Q(("output_tonnes__isnull", True), ("output_tonnes__gte", 0), _connector="OR"),
                ),
                name="raw_area_year_nonnegative",
            ),
        ),
        migrations.AddConstraint(
            model_name="rawmaterialareayear",
            constraint=models.CheckConstraint(
                condition=models.Q(("year__gte", 2018), ("year__lte", 2100)), name="raw_area_year_range"
            ),
        ),
    ]
