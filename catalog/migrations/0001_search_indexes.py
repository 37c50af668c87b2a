"""Trigram indexes for the catalogue's search on PostgreSQL (catalog.search): `search_name LIKE '%word%'` on products,
producers and administrative units is served by pg_trgm GIN indexes instead of scanning the tables. The names are
folded in Python (core.text.fold) before they are stored and before they are searched, so unaccent is not needed.
SQLite has no such index; its search is the same query over smaller data sets."""

from django.db import migrations

INDEXES = [
    ("catalog_product_name_trgm", "products_product"),
    ("catalog_producer_name_trgm", "producers_producer"),
    ("catalog_unit_name_trgm", "areas_administrativeunit"),
]


def create(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    schema_editor.execute("CREATE EXTENSION IF NOT EXISTS pg_trgm")
    for name, table in INDEXES:
        schema_editor.execute(f"CREATE INDEX IF NOT EXISTS {name} ON {table} USING gin (search_name gin_trgm_ops)")


def drop(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    for name, _table in INDEXES:
        schema_editor.execute(f"DROP INDEX IF EXISTS {name}")


class Migration(migrations.Migration):
    dependencies = [
        ("areas", "0001_initial"),
        ("producers", "0003_national_scale_lists"),
        ("products", "0008_national_scale_lists"),
    ]

    operations = [migrations.RunPython(create, drop)]
