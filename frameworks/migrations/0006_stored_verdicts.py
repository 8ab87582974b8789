"""Published values are stored in a table kept up to date by triggers, by the v2 rule.

The v1 view computed every verdict on every read; the rule now also weighs
time (a newer primary source supersedes older claims), and the result is
stored: see frameworks/sql/verdict_rule_v2.sql and verdict_store_v1.sql.
"""

from pathlib import Path

import django.contrib.postgres.fields
import django.db.models.deletion
from django.db import migrations, models

SQL = Path(__file__).resolve().parent.parent / "sql"
VIEW_V1 = (SQL / "verdict_view_v1.sql").read_text()
RULE_V2 = (SQL / "verdict_rule_v2.sql").read_text()
STORE_V1 = (SQL / "verdict_store_v1.sql").read_text()
FILL = "SELECT frameworks_store_verdicts(ARRAY(SELECT id FROM frameworks_framework));"
UNDO = """
DROP TRIGGER IF EXISTS frameworks_claims_inserted ON frameworks_claim;
DROP TRIGGER IF EXISTS frameworks_claims_updated ON frameworks_claim;
DROP TRIGGER IF EXISTS frameworks_claims_deleted ON frameworks_claim;
DROP TRIGGER IF EXISTS frameworks_sources_updated ON frameworks_source;
DROP TRIGGER IF EXISTS frameworks_frameworks_deleted ON frameworks_framework;
DROP FUNCTION IF EXISTS frameworks_claims_inserted, frameworks_claims_updated,
    frameworks_claims_deleted, frameworks_sources_updated, frameworks_frameworks_deleted;
DROP FUNCTION IF EXISTS frameworks_store_verdicts(bigint[]);
DROP FUNCTION IF EXISTS frameworks_verdicts_of(bigint);
"""


class Migration(migrations.Migration):
    dependencies = [("frameworks", "0005_sources_over_time")]

    operations = [
        migrations.RunSQL("DROP VIEW IF EXISTS frameworks_verdict", reverse_sql=VIEW_V1),
        migrations.DeleteModel(name="Verdict"),
        migrations.CreateModel(
            name="Verdict",
            fields=[
                ("key", models.CharField(max_length=100, primary_key=True, serialize=False)),
                ("kind", models.CharField(choices=[("feature", "Feature support"), ("category", "Category"), ("figure", "Figure"), ("first_release", "First release"), ("latest_release", "Latest release"), ("lifecycle", "Lifecycle"), ("licence", "Licence"), ("python", "Supported Python versions"), ("built_on", "Built on"), ("advice", "Advice")], max_length=20)),
                ("metric", models.CharField(choices=[("github_stars", "GitHub stars"), ("stackoverflow_questions", "Stack Overflow questions"), ("market_share", "Market share"), ("developer_usage", "Python developers using it"), ("would_use_again", "Users who want to keep using it"), ("requests_per_second", "Requests per second"), ("speedup", "Speed-up")], max_length=30)),
                ("status", models.CharField(choices=[("yes", "Supported"), ("partial", "Partial"), ("no", "Not supported"), ("unknown", "Unknown"), ("disputed", "Sources disagree")], max_length=10)),
                ("how", models.CharField(choices=[("built_in", "Built in"), ("official_extension", "Official extension"), ("third_party", "Third-party package")], max_length=20)),
                ("detail", models.TextField()),
                ("note", models.TextField()),
                ("since", models.CharField(max_length=40)),
                ("year", models.SmallIntegerField(null=True)),
                ("value", models.DecimalField(decimal_places=2, max_digits=14, null=True)),
                ("as_of", models.DateField(null=True)),
                ("version", models.CharField(max_length=40)),
                ("lifecycle", models.CharField(choices=[("active", "Active"), ("maintenance", "Maintenance only"), ("discontinued", "Discontinued")], max_length=20)),
                ("licence", models.CharField(max_length=100)),
                ("python_min", models.CharField(max_length=5)),
                ("python_max", models.CharField(max_length=5)),
                ("disputed", models.BooleanField()),
                ("resolved", models.BooleanField()),
                ("resolution_note", models.TextField()),
                ("superseded", django.contrib.postgres.fields.ArrayField(base_field=models.BigIntegerField(), default=list, size=None)),
                ("category", models.ForeignKey(db_constraint=False, null=True, on_delete=django.db.models.deletion.DO_NOTHING, related_name="verdicts", to="frameworks.category")),
                ("feature", models.ForeignKey(db_constraint=False, null=True, on_delete=django.db.models.deletion.DO_NOTHING, related_name="verdicts", to="frameworks.feature")),
                ("framework", models.ForeignKey(db_constraint=False, on_delete=django.db.models.deletion.DO_NOTHING, related_name="verdicts", to="frameworks.framework")),
                ("successor", models.ForeignKey(db_constraint=False, null=True, on_delete=django.db.models.deletion.DO_NOTHING, related_name="+", to="frameworks.framework")),
            ],
            options={
                "db_table": "frameworks_verdict",
                "indexes": [
                    models.Index(fields=["framework", "kind"], name="frameworks__framewo_7cda47_idx"),
                    models.Index(fields=["kind", "feature", "status"], name="frameworks__kind_5e6587_idx"),
                ],
            },
        ),
        migrations.RunSQL(RULE_V2 + STORE_V1 + FILL, reverse_sql=UNDO),
    ]
