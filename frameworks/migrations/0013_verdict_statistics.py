"""Extended statistics on the verdicts' kind, status and category.

The three are correlated (only category verdicts have a category), and without these
statistics PostgreSQL takes "frameworks in this category" to be about a hundredth of
what it is: a framework page's nearest alternatives then scan every feature verdict
of every framework in the category (21 ms at 100 times the data) instead of starting
from the page's own features (6 ms).
"""

from django.db import migrations

CREATE = """
CREATE STATISTICS IF NOT EXISTS frameworks_verdict_kind_status_category (dependencies, mcv)
    ON kind, status, category_id FROM frameworks_verdict;
ANALYZE frameworks_verdict;
"""
DROP = "DROP STATISTICS IF EXISTS frameworks_verdict_kind_status_category;"


class Migration(migrations.Migration):
    dependencies = [("frameworks", "0012_category_claims_may_leave_it_open")]

    operations = [migrations.RunSQL(CREATE, reverse_sql=DROP)]
