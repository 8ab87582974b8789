-- Published values are stored, not recomputed on every read: frameworks_verdict
-- holds frameworks_verdicts_of(framework) for every framework, refreshed by the
-- triggers below inside the transaction that changes the claims (or a source's
-- dates), so a reader never sees claims and verdicts out of step.
-- The rule itself is in verdict_rule_v3.sql.
--
-- v2: each framework's verdicts are also summed up in one row of
-- frameworks_verdictsummary, in the same statement: what the table filters and sorts
-- on (first release, stars, lifecycle, categories, the features supported, by how).
-- Each process holds these rows for every published framework (pages/facts.py), and
-- reads them again after every edit: at a hundred times the data, summing up every
-- verdict then took 106 ms; reading the summaries takes a few.
--
-- A bulk load may set frameworks.defer_verdicts = 'on' for its transaction (SET
-- LOCAL) and store the verdicts of what it loaded once at the end, instead of
-- once per statement.

CREATE OR REPLACE FUNCTION frameworks_store_verdicts(fids bigint[]) RETURNS void
LANGUAGE sql VOLATILE AS $$
    DELETE FROM frameworks_verdict WHERE framework_id = ANY (fids);
    INSERT INTO frameworks_verdict (
        key, framework_id, kind, feature_id, category_id, metric, status, how, detail, note,
        since, year, value, as_of, version, lifecycle, successor_id, licence, python_min,
        python_max, disputed, resolved, resolution_note, superseded
    )
    SELECT v.* FROM unnest(fids) AS f(id)
    JOIN frameworks_framework AS fw ON fw.id = f.id,
    LATERAL frameworks_verdicts_of(f.id) AS v;

    DELETE FROM frameworks_verdictsummary WHERE framework_id = ANY (fids);
    INSERT INTO frameworks_verdictsummary (
        framework_id, first_release, github_stars, lifecycle, member_of, disputed_in,
        built_in, official_extension, third_party, unstated
    )
    SELECT framework_id,
        max(year) FILTER (WHERE kind = 'first_release'),
        max(value) FILTER (WHERE kind = 'figure' AND metric = 'github_stars'),
        coalesce(max(lifecycle) FILTER (WHERE kind = 'lifecycle'), ''),
        -- Ids as text, joined by commas: psycopg reads a text faster than an array.
        coalesce(string_agg(category_id::text, ',')
            FILTER (WHERE kind = 'category' AND status = 'yes'), ''),
        coalesce(string_agg(category_id::text, ',')
            FILTER (WHERE kind = 'category' AND status = 'yes' AND disputed), ''),
        -- The features supported, by how (the How vocabulary, and '' when unsaid).
        coalesce(string_agg(feature_id::text, ',')
            FILTER (WHERE kind = 'feature' AND status = 'yes' AND how = 'built_in'), ''),
        coalesce(string_agg(feature_id::text, ',')
            FILTER (WHERE kind = 'feature' AND status = 'yes' AND how = 'official_extension'), ''),
        coalesce(string_agg(feature_id::text, ',')
            FILTER (WHERE kind = 'feature' AND status = 'yes' AND how = 'third_party'), ''),
        coalesce(string_agg(feature_id::text, ',')
            FILTER (WHERE kind = 'feature' AND status = 'yes' AND how = ''), '')
    FROM frameworks_verdict
    WHERE framework_id = ANY (fids)
    GROUP BY framework_id;
$$;

CREATE OR REPLACE FUNCTION frameworks_claims_inserted() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
    IF current_setting('frameworks.defer_verdicts', true) = 'on' THEN RETURN NULL; END IF;
    PERFORM frameworks_store_verdicts(ARRAY(SELECT DISTINCT framework_id FROM new_rows));
    RETURN NULL;
END $$;

CREATE OR REPLACE FUNCTION frameworks_claims_updated() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
    IF current_setting('frameworks.defer_verdicts', true) = 'on' THEN RETURN NULL; END IF;
    PERFORM frameworks_store_verdicts(ARRAY(
        SELECT framework_id FROM new_rows UNION SELECT framework_id FROM old_rows
    ));
    RETURN NULL;
END $$;

CREATE OR REPLACE FUNCTION frameworks_claims_deleted() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
    IF current_setting('frameworks.defer_verdicts', true) = 'on' THEN RETURN NULL; END IF;
    PERFORM frameworks_store_verdicts(ARRAY(SELECT DISTINCT framework_id FROM old_rows));
    RETURN NULL;
END $$;

CREATE OR REPLACE FUNCTION frameworks_sources_updated() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
    IF current_setting('frameworks.defer_verdicts', true) = 'on' THEN RETURN NULL; END IF;
    PERFORM frameworks_store_verdicts(ARRAY(
        SELECT DISTINCT c.framework_id FROM frameworks_claim AS c
        WHERE c.source_id IN (SELECT id FROM new_rows)
    ));
    RETURN NULL;
END $$;

CREATE OR REPLACE FUNCTION frameworks_frameworks_deleted() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
    DELETE FROM frameworks_verdict WHERE framework_id IN (SELECT id FROM old_rows);
    DELETE FROM frameworks_verdictsummary WHERE framework_id IN (SELECT id FROM old_rows);
    RETURN NULL;
END $$;

DROP TRIGGER IF EXISTS frameworks_claims_inserted ON frameworks_claim;
CREATE TRIGGER frameworks_claims_inserted AFTER INSERT ON frameworks_claim
    REFERENCING NEW TABLE AS new_rows
    FOR EACH STATEMENT EXECUTE FUNCTION frameworks_claims_inserted();
DROP TRIGGER IF EXISTS frameworks_claims_updated ON frameworks_claim;
CREATE TRIGGER frameworks_claims_updated AFTER UPDATE ON frameworks_claim
    REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows
    FOR EACH STATEMENT EXECUTE FUNCTION frameworks_claims_updated();
DROP TRIGGER IF EXISTS frameworks_claims_deleted ON frameworks_claim;
CREATE TRIGGER frameworks_claims_deleted AFTER DELETE ON frameworks_claim
    REFERENCING OLD TABLE AS old_rows
    FOR EACH STATEMENT EXECUTE FUNCTION frameworks_claims_deleted();
-- Who is primary for a framework, and when a source holds, decide what is superseded.
DROP TRIGGER IF EXISTS frameworks_sources_updated ON frameworks_source;
CREATE TRIGGER frameworks_sources_updated AFTER UPDATE ON frameworks_source
    REFERENCING NEW TABLE AS new_rows
    FOR EACH STATEMENT EXECUTE FUNCTION frameworks_sources_updated();
DROP TRIGGER IF EXISTS frameworks_frameworks_deleted ON frameworks_framework;
CREATE TRIGGER frameworks_frameworks_deleted AFTER DELETE ON frameworks_framework
    REFERENCING OLD TABLE AS old_rows
    FOR EACH STATEMENT EXECUTE FUNCTION frameworks_frameworks_deleted();
