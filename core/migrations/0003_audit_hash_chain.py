"""Hash-chain the audit log: every entry stores its predecessor's hash and its own (see core.models.entry_hash);
existing entries are chained here in id order. The append-only triggers of 0002 are dropped while the hashes are
written (and because SQLite rebuilds the table to add columns and constraints, which loses them), then recreated."""

import importlib

from django.conf import settings
from django.db import migrations, models

append_only = importlib.import_module("core.migrations.0002_audit_append_only_trigger")


def chain_existing(apps, schema_editor):
    from core.models import entry_hash

    AuditEntry = apps.get_model("core", "AuditEntry")
    connection = schema_editor.connection
    fields = ["id", "created_at", "actor", "actor_label", "area", "object_type", "object_id", "object_label", "action",
              "before", "after", "request_id"]
    previous_hash, previous_at, hashes, redated = "", None, [], []
    for entry in AuditEntry.objects.using(connection.alias).order_by("id").only(*fields).iterator(chunk_size=2000):
        if previous_at is not None and entry.created_at < previous_at:
            # As core.models.link does: an entry is never dated before its predecessor.
            entry.created_at = previous_at
            redated.append((connection.ops.adapt_datetimefield_value(previous_at), entry.id))
        entry.entry_hash = entry_hash(entry.__dict__, previous_hash)
        hashes.append((previous_hash, entry.entry_hash, entry.id))
        previous_hash, previous_at = entry.entry_hash, entry.created_at
    # Plain UPDATEs by id: bulk_update's CASE expressions take minutes on SQLite for tens of thousands of rows.
    with connection.cursor() as cursor:
        cursor.executemany("UPDATE core_auditentry SET previous_hash = %s, entry_hash = %s WHERE id = %s", hashes)
        cursor.executemany("UPDATE core_auditentry SET created_at = %s WHERE id = %s", redated)


class Migration(migrations.Migration):

    dependencies = [
        ('areas', '0001_initial'),
        ('core', '0002_audit_append_only_trigger'),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.RunPython(append_only.backwards, append_only.forwards),
        migrations.AddField(
            model_name='auditentry',
            name='entry_hash',
            field=models.CharField(blank=True, default='', editable=False, max_length=64, verbose_name='mã băm'),
        ),
        migrations.AddField(
            model_name='auditentry',
            name='previous_hash',
            field=models.CharField(blank=True, default='', editable=False, max_length=64, verbose_name='mã băm mục trước'),
        ),
        migrations.RunPython(chain_existing, migrations.RunPython.noop),
        migrations.AddConstraint(
            model_name='auditentry',
            constraint=models.UniqueConstraint(fields=('previous_hash',), name='audit_chain_single_successor'),
        ),
        migrations.RunPython(append_only.forwards, append_only.backwards),
    ]
