"""Each framework's verdicts summed up in a row kept with them (sql/verdict_store_v2.sql).

The facts each process holds are loaded from these rows after every edit, instead
of summing up every verdict (106 ms at a hundred times the data).
"""

from pathlib import Path

import django.db.models.deletion
from django.db import migrations, models

SQL = Path(__file__).resolve().parent.parent / "sql"
STORE_V1 = (SQL / "verdict_store_v1.sql").read_text()
STORE_V2 = (SQL / "verdict_store_v2.sql").read_text()
FILL = "SELECT frameworks_store_verdicts(ARRAY(SELECT id FROM frameworks_framework));"


class Migration(migrations.Migration):
    dependencies = [("frameworks", "0013_verdict_statistics")]

    operations = [
        migrations.CreateModel(
            name="VerdictSummary",
            fields=[
                ("framework", models.OneToOneField(db_constraint=False, on_delete=django.db.models.deletion.DO_NOTHING, primary_key=True, related_name="+", serialize=False, to="frameworks.framework")),
                ("first_release", models.SmallIntegerField(null=True)),
                ("github_stars", models.DecimalField(decimal_places=2, max_digits=14, null=True)),
                ("lifecycle", models.CharField(choices=[("active", "Active"), ("maintenance", "Maintenance only"), ("discontinued", "Discontinued")], max_length=20)),
                ("member_of", models.TextField()),
                ("disputed_in", models.TextField()),
                ("built_in", models.TextField()),
                ("official_extension", models.TextField()),
                ("third_party", models.TextField()),
                ("unstated", models.TextField()),
            ],
            options={"db_table": "frameworks_verdictsummary"},
        ),  # fmt: skip
        # The old definition back first: it writes no summaries, so the table can go.
        migrations.RunSQL(STORE_V2 + FILL, reverse_sql=STORE_V1),
    ]
