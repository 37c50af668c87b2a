from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [("programme", "0002_sales_channels")]
    operations = []
