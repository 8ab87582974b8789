-- The published value of every subject, derived from its claims.
-- docs/data.md explains the rule in prose; this is the one implementation.
-- Migration 0002 creates the view from this file. Once a release has run it,
-- change the rule in verdict_view_v2.sql with a new migration, not here.
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
-- Written so that a filter on framework_id or feature_id reaches the index on
-- frameworks_claim (no shared CTEs, every join carries framework_id): pages
-- look up verdicts per framework, and must not aggregate every claim each time.
--
-- Migrations create the view from this file, so it must not change once a
-- migration uses it: write verdict_view_v2.sql and a migration that replaces
-- the view instead.
CREATE VIEW frameworks_verdict AS
SELECT
    concat_ws(':', g.framework_id, g.kind, g.feature_id, g.category_id, nullif(g.metric, '')) AS key,
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
        WHEN g.kind = 'category' THEN g.sources < (
            SELECT count(DISTINCT s.source_id)
            FROM frameworks_claim AS s
            WHERE s.framework_id = g.framework_id AND s.kind = 'category'
        )
        ELSE false
    END AS disputed,
    p.id IS NOT NULL AS resolved,
    coalesce(p.preferred_note, '') AS resolution_note
FROM (
    SELECT
        c.framework_id, c.kind, c.feature_id, c.category_id, c.metric,
        count(DISTINCT c.source_id) AS sources,
        count(DISTINCT c.status) FILTER (WHERE c.status IN ('yes', 'partial', 'no')) AS statuses,
        min(c.status) FILTER (WHERE c.status IN ('yes', 'partial', 'no')) AS agreed_status,
        count(DISTINCT c.how) FILTER (WHERE c.status IN ('yes', 'partial') AND c.how <> '') AS hows,
        min(c.how) FILTER (WHERE c.status IN ('yes', 'partial') AND c.how <> '') AS agreed_how,
        string_agg(DISTINCT named.package, ', ' ORDER BY named.package)
            FILTER (WHERE c.status IN ('yes', 'partial')) AS packages,
        string_agg(DISTINCT c.note, ' ' ORDER BY c.note) FILTER (WHERE c.status = 'partial') AS partial_notes,
        count(DISTINCT c.year) AS years,
        min(c.year) AS earliest_year,
        count(DISTINCT c.value) AS figure_values,
        max(c.value) AS largest_value,
        max(c.as_of) AS as_of
    FROM frameworks_claim AS c
    -- A claim may name several packages ("Chameleon, Jinja2, Mako"): list each
    -- once. The extra rows this join makes change no other aggregate, as they
    -- are all DISTINCT or min/max.
    LEFT JOIN LATERAL unnest(string_to_array(nullif(c.package, ''), ', ')) AS named(package) ON true
    WHERE c.kind IN ('feature', 'maintenance', 'figure', 'first_release', 'category')
        -- A figure counts only on its newest as-of date.
        AND (c.kind <> 'figure' OR c.as_of = (
            SELECT max(n.as_of)
            FROM frameworks_claim AS n
            WHERE n.framework_id = c.framework_id AND n.kind = 'figure' AND n.metric = c.metric
        ))
    GROUP BY c.framework_id, c.kind, c.feature_id, c.category_id, c.metric
) AS g
LEFT JOIN frameworks_claim AS p
    ON p.preferred
    AND p.framework_id = g.framework_id
    AND p.kind = g.kind
    AND p.feature_id IS NOT DISTINCT FROM g.feature_id
    AND p.metric = g.metric;
