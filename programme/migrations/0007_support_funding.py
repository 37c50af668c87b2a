from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [("programme", "0006_linkage_details")]

    operations = []
