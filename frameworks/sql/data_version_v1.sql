-- One data version for everything the public site shows. Any write to curated data
-- (the admin, the loaders, a CSV import, a revert, a restore, the shell) changes it,
-- once per transaction however many statements run: the first statement of a
-- transaction sets a new token, the later ones see their own transaction id and
-- leave it. Pages are cached and validated (ETag, Last-Modified) by this token, so a
-- save is seen on the next request, on every instance.
--
-- An upsert rather than an update: a test suite's flush empties the table.

CREATE OR REPLACE FUNCTION frameworks_bump_data_version() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
    INSERT INTO frameworks_dataversion (id, token, transaction, changed)
    VALUES (1, gen_random_uuid(), txid_current(), now())
    ON CONFLICT (id) DO UPDATE
        SET token = excluded.token, transaction = excluded.transaction, changed = excluded.changed
        WHERE frameworks_dataversion.transaction IS DISTINCT FROM excluded.transaction;
    RETURN NULL;
END $$;

DO $$
DECLARE
    curated text;
BEGIN
    FOREACH curated IN ARRAY ARRAY[
        'frameworks_framework', 'frameworks_feature', 'frameworks_featuregroup',
        'frameworks_category', 'frameworks_source', 'frameworks_source_cites',
        'frameworks_claim', 'frameworks_verdict'
    ] LOOP
        EXECUTE format(
            'CREATE OR REPLACE TRIGGER frameworks_data_version'
            ' AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON %I'
            ' FOR EACH STATEMENT EXECUTE FUNCTION frameworks_bump_data_version()',
            curated
        );
    END LOOP;
END $$;
