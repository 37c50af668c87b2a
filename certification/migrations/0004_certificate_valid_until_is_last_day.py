"""`Certificate.valid_until` becomes the last valid day, inclusive (Civil Code 2015 Art. 147–148; issue "figures
officials can trust").

No stored date moves, and that is the migration of the rows: each stored date now means what its source meant.
- Certificates recorded without an explicit end stored decision date + 36 months (the same day of the 36th month,
  or that month's last day), read until now as the first day without validity. That day is the last valid day the
  law gives, so the certificate gains the day it had lost.
- Certificates imported with "Hiệu lực đến" stored the date the register prints, which is the last valid day on the
  certificate; it was read one day short.
The constraint allows a certificate whose last day is its first.
"""

from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("certification", "0003_revocation_grounds_and_inspections"),
    ]

    operations = [
        migrations.RemoveConstraint(model_name="certificate", name="certificate_dates"),
        migrations.AlterField(
            model_name="certificate",
            name="valid_until",
            field=models.DateField(
                help_text=(
                    "Ngày cuối cùng giấy chứng nhận còn hiệu lực (Bộ luật Dân sự 2015 Điều 147–148: thời hạn 36 "
                    "tháng kể từ ngày quyết định kết thúc vào cuối ngày tương ứng của tháng thứ 36)."
                ),
                verbose_name="hiệu lực đến hết ngày",
            ),
        ),
        migrations.AddConstraint(
            model_name="certificate",
            constraint=models.CheckConstraint(
                condition=models.Q(("valid_until__gte", models.F("valid_from"))), name="certificate_dates"
            ),
        ),
    ]
