from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [("programme", "0007_support_funding")]

    operations = []
