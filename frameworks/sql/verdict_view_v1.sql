-- The published value of every subject, derived from claims (docs/data.md explains it in prose).
--
-- A subject is one framework and one of: a feature, a category, a figure's
-- metric, its first-release year, whether it is actively developed.
--
-- The rule, in order:
-- 1. An editor's preferred claim wins: its value is published, marked resolved,
--    with the editor's reason. The other claims stay visible.
-- 2. Feature support and "actively developed": claims saying "unknown" are set
--    aside. No claim left: unknown. Statuses differ: disputed. Otherwise that
--    status; "how" is published when all claims agree on it, and claims that
--    agree on the status but not on how (built in or an extension) are marked
--    disputed too. Packages named by the claims are listed as the detail.
-- 3. Figures: only the newest as-of date counts (older values are history, not
--    a disagreement). Two values on that date: disputed (sorted by the larger).
-- 4. First release: one year, or disputed (sorted by the earliest year).
-- 5. Categories: a framework is in every category any source puts it in; the
--    membership is disputed when some source that classifies the framework
--    does not put it there.
--
-- Migrations create the view from this file, so it must not change once a
-- migration uses it: write verdict_view_v2.sql and a migration that replaces
-- the view instead.
CREATE VIEW frameworks_verdict AS
WITH subject_claim AS (
    SELECT
        c.id, c.framework_id, c.source_id, c.kind, c.feature_id, c.category_id, c.metric,
        c.status, c.how, c.package, c.note, c.year, c.value, c.as_of,
        c.preferred, c.preferred_note,
        concat_ws(':', c.framework_id, c.kind, c.feature_id, c.category_id, nullif(c.metric, '')) AS key
    FROM frameworks_claim AS c
    WHERE c.kind IN ('feature', 'maintenance', 'figure', 'first_release', 'category')
),
newest_figure AS (
    SELECT key, max(as_of) AS as_of
    FROM subject_claim
    WHERE kind = 'figure'
    GROUP BY key
),
current_claim AS (
    SELECT sc.*
    FROM subject_claim AS sc
    LEFT JOIN newest_figure AS nf ON nf.key = sc.key
    WHERE sc.kind <> 'figure' OR sc.as_of = nf.as_of
),
classifying_sources AS (
    SELECT framework_id, count(DISTINCT source_id) AS sources
    FROM frameworks_claim
    WHERE kind = 'category'
    GROUP BY framework_id
),
grouped AS (
    SELECT
        key, framework_id, kind, feature_id, category_id, metric,
        count(DISTINCT source_id) AS sources,
        count(DISTINCT status) FILTER (WHERE status IN ('yes', 'partial', 'no')) AS statuses,
        min(status) FILTER (WHERE status IN ('yes', 'partial', 'no')) AS agreed_status,
        count(DISTINCT how) FILTER (WHERE status IN ('yes', 'partial') AND how <> '') AS hows,
        min(how) FILTER (WHERE status IN ('yes', 'partial') AND how <> '') AS agreed_how,
        string_agg(DISTINCT package, ', ' ORDER BY package)
            FILTER (WHERE status IN ('yes', 'partial') AND package <> '') AS packages,
        string_agg(DISTINCT note, ' ' ORDER BY note) FILTER (WHERE status = 'partial') AS partial_notes,
        count(DISTINCT year) AS years,
        min(year) AS earliest_year,
        count(DISTINCT value) AS figure_values,
        max(value) AS largest_value,
        max(as_of) AS as_of
    FROM current_claim
    GROUP BY key, framework_id, kind, feature_id, category_id, metric
)
SELECT
    g.key,
    g.framework_id,
    g.kind,
    g.feature_id,
    g.category_id,
    g.metric,
    CASE
        WHEN g.kind = 'category' THEN 'yes'
        WHEN g.kind NOT IN ('feature', 'maintenance') THEN ''
        WHEN p.id IS NOT NULL THEN p.status
        WHEN g.statuses = 0 THEN 'unknown'
        WHEN g.statuses > 1 THEN 'disputed'
        ELSE g.agreed_status
    END AS status,
    CASE
        WHEN p.id IS NOT NULL THEN p.how
        WHEN g.statuses = 1 AND g.hows = 1 THEN g.agreed_how
        ELSE ''
    END AS how,
    CASE WHEN p.id IS NOT NULL THEN p.package ELSE coalesce(g.packages, '') END AS detail,
    CASE
        WHEN p.id IS NOT NULL THEN (CASE WHEN p.status = 'partial' THEN p.note ELSE '' END)
        ELSE coalesce(g.partial_notes, '')
    END AS note,
    CASE WHEN p.id IS NOT NULL THEN p.year ELSE g.earliest_year END AS year,
    CASE WHEN p.id IS NOT NULL THEN p.value ELSE g.largest_value END AS value,
    CASE WHEN p.id IS NOT NULL THEN p.as_of ELSE g.as_of END AS as_of,
    CASE
        WHEN p.id IS NOT NULL THEN false
        WHEN g.kind IN ('feature', 'maintenance') THEN g.statuses > 1 OR g.hows > 1
        WHEN g.kind = 'figure' THEN g.figure_values > 1
        WHEN g.kind = 'first_release' THEN g.years > 1
        WHEN g.kind = 'category' THEN g.sources < cs.sources
        ELSE false
    END AS disputed,
    p.id IS NOT NULL AS resolved,
    coalesce(p.preferred_note, '') AS resolution_note
FROM grouped AS g
LEFT JOIN subject_claim AS p ON p.key = g.key AND p.preferred
LEFT JOIN classifying_sources AS cs ON cs.framework_id = g.framework_id;
