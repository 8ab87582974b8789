"""A category claim may say "unknown", and the v3 rule sets such claims aside.

An article that compares a framework with a category ("like a microframework")
raises the category without putting the framework in it. The claim is kept, as
unknown with a note; see frameworks/sql/verdict_rule_v3.sql.
"""

from pathlib import Path

from django.db import migrations, models

SQL = Path(__file__).resolve().parent.parent / "sql"
RULE_V2 = (SQL / "verdict_rule_v2.sql").read_text()
RULE_V3 = (SQL / "verdict_rule_v3.sql").read_text()
REFILL = "SELECT frameworks_store_verdicts(ARRAY(SELECT id FROM frameworks_framework));"


class Migration(migrations.Migration):
    dependencies = [
        ("frameworks", "0011_framework_search_index"),
    ]

    operations = [
        migrations.RemoveConstraint(
            model_name="claim",
            name="claim_status_fits_its_kind",
        ),
        migrations.AddConstraint(
            model_name="claim",
            constraint=models.CheckConstraint(
                condition=models.Q(
                    models.Q(
                        models.Q(("kind", "feature"), _negated=True),
                        ("status", ""),
                        ("status__in", ("yes", "partial", "no", "unknown")),
                        _connector="OR",
                    ),
                    models.Q(
                        models.Q(("kind", "category"), _negated=True),
                        ("status", ""),
                        ("status__in", ("yes", "no", "unknown")),
                        _connector="OR",
                    ),
                ),
                name="claim_status_fits_its_kind",
                violation_error_message="Not a status this kind of claim takes (a category claim says yes, no or unknown).",
            ),
        ),
        migrations.AddConstraint(
            model_name="claim",
            constraint=models.CheckConstraint(
                condition=models.Q(
                    models.Q(("kind", "category"), ("status", "unknown"), _negated=True),
                    models.Q(("note", ""), _negated=True),
                    _connector="OR",
                ),
                name="unknown_category_has_note",
                violation_error_message="Say what the source does say: a category it leaves open always carries a note.",
            ),
        ),
        migrations.RunSQL(RULE_V3 + REFILL, reverse_sql=RULE_V2 + REFILL),
    ]
