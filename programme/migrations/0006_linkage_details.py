from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [("programme", "0005_linkage_projects")]

    operations = []
