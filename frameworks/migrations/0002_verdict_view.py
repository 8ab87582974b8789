from pathlib import Path

from django.db import migrations

SQL = (Path(__file__).resolve().parent.parent / "sql" / "verdict_view_v1.sql").read_text()


class Migration(migrations.Migration):
    dependencies = [("frameworks", "0001_initial")]

    operations = [
        migrations.RunSQL(SQL, reverse_sql="DROP VIEW IF EXISTS frameworks_verdict"),
    ]
