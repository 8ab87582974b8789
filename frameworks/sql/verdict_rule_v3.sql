-- The published value of every subject of one framework, derived from its claims.
-- docs/data.md explains the rule in prose; this is the one implementation. The
-- verdicts are stored (frameworks_verdict), refreshed by triggers in the same
-- transaction as the claims that change them (verdict_store_v1.sql).
--
-- Migrations create this from the file, so once a release has run it, change
-- the rule in a new file (verdict_rule_v4.sql) with a new migration.
-- v3 (from v2): a category claim may say "unknown" (the source raises the
-- category without settling it); like an unknown feature claim it takes no
-- side, and a category with only such claims is published as unknown.
--
-- A subject is one framework and one of: a feature, a category, a figure's
-- metric, its first release, latest release, lifecycle, licence or supported
-- Python versions.
--
-- The rule, in order:
-- 1. An editor's preferred claim wins: its value is published, marked resolved,
--    with the editor's reason. The other claims stay visible.
-- 2. Time. Each source holds for a period: from its date (or, undated, the day
--    it was read) to the end of that date's precision (a "2020" article, to the
--    end of 2020). A primary source is one published by the framework's own
--    project. On a subject, the newest primary sources (those with the latest
--    start), when they agree, supersede every claim that disagrees with them
--    and holds only until before they start: those claims are shown as
--    "superseded", not counted. An undated source holds until the day it was
--    read; with no date at all, nothing is shown to be newer than it. Claims
--    from comparable times that disagree stay disputed.
--    (Features, categories, first release, lifecycle, licence, Python versions.)
-- 3. Feature support: claims saying "unknown" are set aside. None left:
--    unknown. Statuses differ: disputed. Otherwise that status; "how" is
--    published when all claims agree on it, and claims that agree on the
--    status but not on how (built in or an extension) are marked disputed too.
--    Packages named are the detail, partial notes the note, and the version it
--    arrived in ("since") is published when the claims that give one agree.
-- 4. Categories: a framework is in a category when a counted claim puts it
--    there. The membership is disputed when a counted claim says it is not, or
--    when a source that classifies the framework leaves that category out
--    (unless a newer primary source puts it there). Claims saying "unknown"
--    take no side: with no other claim the category is unknown, not "no".
-- 5. Figures and latest release: only the newest date counts; older values are
--    history, not a disagreement. Two values on that date: disputed (the larger
--    figure, the highest version are published for sorting).
-- 6. First release, lifecycle, licence, Python versions: one value, or disputed
--    with every value shown (the earliest year is published for sorting).
--
-- Written for one framework at a time (fid), so that a change to one claim
-- recomputes only its framework's verdicts, using the index on framework_id.
CREATE OR REPLACE FUNCTION frameworks_verdicts_of(fid bigint)
RETURNS TABLE (
    key varchar(100), framework_id bigint, kind varchar(20), feature_id bigint,
    category_id bigint, metric varchar(30), status varchar(10), how varchar(20), detail text,
    note text, since varchar(40), year smallint, value numeric(14, 2), as_of date,
    version varchar(40), lifecycle varchar(20), successor_id bigint, licence varchar(100),
    python_min varchar(5), python_max varchar(5), disputed boolean, resolved boolean,
    resolution_note text, superseded bigint[]
)
LANGUAGE sql STABLE AS $$
WITH claims AS (
    SELECT
        c.*,
        s.framework_id IS NOT NULL AND s.framework_id = c.framework_id AS from_primary,
        coalesce(s.date, s.retrieved) AS held_from,
        CASE
            WHEN s.date IS NULL THEN s.retrieved
            WHEN s.date_precision = 'year' THEN (date_trunc('year', s.date) + interval '1 year - 1 day')::date
            WHEN s.date_precision = 'month' THEN (date_trunc('month', s.date) + interval '1 month - 1 day')::date
            ELSE s.date
        END AS held_until,
        -- What the claim says, as the rule compares it; NULL when it takes no side.
        CASE c.kind
            WHEN 'feature' THEN nullif(c.status, 'unknown')
            WHEN 'category' THEN nullif(c.status, 'unknown')
            WHEN 'first_release' THEN c.year::text
            WHEN 'lifecycle' THEN c.lifecycle
            WHEN 'licence' THEN c.licence
            WHEN 'python' THEN c.python_min || '/' || c.python_max
        END AS stance
    FROM frameworks_claim AS c
    JOIN frameworks_source AS s ON s.id = c.source_id
    WHERE c.framework_id = fid
),
-- Per subject: when the newest primary sources start, and what they say if they agree.
newest AS (
    SELECT c.kind, c.feature_id, c.category_id, c.held_from,
        CASE WHEN count(DISTINCT c.stance) = 1 THEN min(c.stance) END AS stance,
        CASE WHEN count(DISTINCT c.how) FILTER (WHERE c.how <> '') = 1
            THEN min(c.how) FILTER (WHERE c.how <> '') ELSE '' END AS how
    FROM claims AS c
    WHERE c.from_primary AND c.stance IS NOT NULL AND c.held_from = (
        SELECT max(p.held_from) FROM claims AS p
        WHERE p.from_primary AND p.stance IS NOT NULL AND p.kind = c.kind
            AND p.feature_id IS NOT DISTINCT FROM c.feature_id
            AND p.category_id IS NOT DISTINCT FROM c.category_id
    )
    GROUP BY c.kind, c.feature_id, c.category_id, c.held_from
),
judged AS (
    SELECT
        c.*,
        coalesce(
            n.stance IS NOT NULL AND c.stance IS NOT NULL AND c.held_until < n.held_from
            AND (c.stance <> n.stance
                 OR (c.kind = 'feature' AND c.how <> '' AND n.how <> '' AND c.how <> n.how)),
            false
        ) AS superseded,
        -- Figures and releases: only the newest date counts, the rest is history.
        (c.kind = 'figure' AND c.as_of < max(c.as_of) OVER (PARTITION BY c.kind, c.metric))
        OR (c.kind = 'latest_release'
            AND c.release_date < max(c.release_date) OVER (PARTITION BY c.kind)) AS history,
        n.stance AS newest_stance,
        n.held_from AS newest_from
    FROM claims AS c
    LEFT JOIN newest AS n
        ON n.kind = c.kind
        AND n.feature_id IS NOT DISTINCT FROM c.feature_id
        AND n.category_id IS NOT DISTINCT FROM c.category_id
),
counted AS (
    SELECT * FROM judged WHERE NOT superseded AND NOT history
),
-- Sources that put the framework in some category: their silence on another one is dissent.
classifiers AS (
    SELECT DISTINCT source_id, held_until FROM counted WHERE kind = 'category' AND status = 'yes'
),
subjects AS (
    SELECT
        j.kind, j.feature_id, j.category_id, j.metric,
        min(j.newest_stance) AS newest_stance,
        min(j.newest_from) AS newest_from,
        array_agg(j.id ORDER BY j.id) FILTER (WHERE j.superseded) AS superseded
    FROM judged AS j
    GROUP BY j.kind, j.feature_id, j.category_id, j.metric
),
tallies AS (
    SELECT
        s.kind, s.feature_id, s.category_id, s.metric, s.newest_stance, s.newest_from, s.superseded,
        count(DISTINCT c.status) FILTER (WHERE c.status IN ('yes', 'partial', 'no')) AS statuses,
        min(c.status) FILTER (WHERE c.status IN ('yes', 'partial', 'no')) AS agreed_status,
        bool_or(c.status = 'yes') AS says_yes,
        bool_or(c.status = 'no') AS says_no,
        count(DISTINCT c.how) FILTER (WHERE c.status IN ('yes', 'partial') AND c.how <> '') AS hows,
        min(c.how) FILTER (WHERE c.status IN ('yes', 'partial') AND c.how <> '') AS agreed_how,
        (SELECT string_agg(DISTINCT named, ', ' ORDER BY named)
         FROM counted AS k, unnest(string_to_array(nullif(k.package, ''), ', ')) AS named
         WHERE k.kind = s.kind AND k.feature_id IS NOT DISTINCT FROM s.feature_id
            AND k.status IN ('yes', 'partial')) AS packages,
        string_agg(DISTINCT c.note, ' ' ORDER BY c.note) FILTER (WHERE c.status = 'partial') AS partial_notes,
        count(DISTINCT c.since) FILTER (WHERE c.status IN ('yes', 'partial') AND c.since <> '') AS sinces,
        min(c.since) FILTER (WHERE c.status IN ('yes', 'partial') AND c.since <> '') AS agreed_since,
        count(DISTINCT c.stance) AS stances,
        min(c.stance) AS agreed_stance,
        count(DISTINCT c.value) AS figure_values,
        max(c.value) AS largest_value,
        max(c.as_of) AS as_of,
        count(DISTINCT c.version) FILTER (WHERE c.kind = 'latest_release') AS versions,
        max(c.version) AS highest_version,
        max(c.release_date) AS release_date,
        min(c.year) AS earliest_year,
        max(c.year) AS latest_year,
        min(c.successor_id) AS successor_id,
        count(c.id) AS claims
    FROM subjects AS s
    LEFT JOIN counted AS c
        ON c.kind = s.kind
        AND c.feature_id IS NOT DISTINCT FROM s.feature_id
        AND c.category_id IS NOT DISTINCT FROM s.category_id
        AND c.metric = s.metric
    WHERE s.kind NOT IN ('built_on', 'advice')
    GROUP BY s.kind, s.feature_id, s.category_id, s.metric, s.newest_stance, s.newest_from,
        s.superseded
)
SELECT
    concat_ws(':', fid, t.kind, t.feature_id, t.category_id, nullif(t.metric, ''))::varchar(100) AS key,
    fid AS framework_id,
    t.kind::varchar(20),
    t.feature_id,
    t.category_id,
    t.metric::varchar(30),
    (CASE
        WHEN p.id IS NOT NULL AND t.kind IN ('feature', 'category') THEN p.status
        WHEN t.kind = 'feature' THEN
            CASE WHEN t.statuses = 0 THEN 'unknown' WHEN t.statuses > 1 THEN 'disputed'
                 ELSE t.agreed_status END
        WHEN t.kind = 'category' THEN
            CASE WHEN t.says_yes THEN 'yes' WHEN t.says_no THEN 'no' ELSE 'unknown' END
        ELSE ''
    END)::varchar(10) AS status,
    (CASE
        WHEN p.id IS NOT NULL THEN p.how
        WHEN t.statuses = 1 AND t.hows = 1 THEN t.agreed_how
        ELSE ''
    END)::varchar(20) AS how,
    CASE WHEN p.id IS NOT NULL THEN p.package ELSE coalesce(t.packages, '') END AS detail,
    CASE
        WHEN p.id IS NOT NULL THEN (CASE WHEN p.status = 'partial' THEN p.note ELSE '' END)
        ELSE coalesce(t.partial_notes, '')
    END AS note,
    (CASE
        WHEN p.id IS NOT NULL THEN p.since
        WHEN t.sinces = 1 THEN t.agreed_since
        ELSE ''
    END)::varchar(40) AS since,
    (CASE
        WHEN p.id IS NOT NULL THEN p.year
        WHEN t.kind = 'lifecycle' THEN t.latest_year
        ELSE t.earliest_year
    END)::smallint AS year,
    CASE WHEN p.id IS NOT NULL THEN p.value ELSE t.largest_value END AS value,
    CASE
        WHEN p.id IS NOT NULL THEN coalesce(p.as_of, p.release_date)
        WHEN t.kind = 'latest_release' THEN t.release_date
        ELSE t.as_of
    END AS as_of,
    (CASE WHEN p.id IS NOT NULL THEN p.version ELSE coalesce(t.highest_version, '') END)::varchar(40) AS version,
    (CASE
        WHEN p.id IS NOT NULL THEN p.lifecycle
        WHEN t.kind = 'lifecycle' AND t.stances = 1 THEN t.agreed_stance
        ELSE ''
    END)::varchar(20) AS lifecycle,
    CASE WHEN p.id IS NOT NULL THEN p.successor_id ELSE t.successor_id END AS successor_id,
    (CASE
        WHEN p.id IS NOT NULL THEN p.licence
        WHEN t.kind = 'licence' AND t.stances = 1 THEN t.agreed_stance
        ELSE ''
    END)::varchar(100) AS licence,
    (CASE
        WHEN p.id IS NOT NULL THEN p.python_min
        WHEN t.kind = 'python' AND t.stances = 1 THEN split_part(t.agreed_stance, '/', 1)
        ELSE ''
    END)::varchar(5) AS python_min,
    (CASE
        WHEN p.id IS NOT NULL THEN p.python_max
        WHEN t.kind = 'python' AND t.stances = 1 THEN split_part(t.agreed_stance, '/', 2)
        ELSE ''
    END)::varchar(5) AS python_max,
    CASE
        WHEN p.id IS NOT NULL THEN false
        WHEN t.kind = 'feature' THEN t.statuses > 1 OR t.hows > 1
        WHEN t.kind = 'category' THEN t.says_yes AND (t.says_no OR EXISTS (
            SELECT 1 FROM classifiers AS k
            WHERE NOT EXISTS (
                SELECT 1 FROM claims AS x
                WHERE x.kind = 'category' AND x.category_id = t.category_id
                    AND x.source_id = k.source_id
            )
            -- a newer primary source that puts it there answers older silence
            AND NOT coalesce(t.newest_stance = 'yes' AND k.held_until < t.newest_from, false)
        ))
        WHEN t.kind = 'figure' THEN t.figure_values > 1
        WHEN t.kind = 'latest_release' THEN t.versions > 1
        ELSE t.stances > 1
    END AS disputed,
    p.id IS NOT NULL AS resolved,
    coalesce(p.preferred_note, '') AS resolution_note,
    coalesce(t.superseded, '{}') AS superseded
FROM tallies AS t
LEFT JOIN frameworks_claim AS p
    ON p.preferred
    AND p.framework_id = fid
    AND p.kind = t.kind
    AND p.feature_id IS NOT DISTINCT FROM t.feature_id
    AND p.category_id IS NOT DISTINCT FROM t.category_id
    AND p.metric = t.metric
$$;
