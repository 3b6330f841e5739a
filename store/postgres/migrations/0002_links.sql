-- 0002: download link health, as store/sqlite's migration 0009.
--
-- The latest check of each download URL of a source, by key (the key of
-- publication_downloads, which says which records link to it). A check
-- that finds a file changed (ETag, Last-Modified or size) moves the
-- last_changed of the records that link to it; their content and hash
-- stay as they are.
CREATE TABLE link_checks (
    source        text NOT NULL,
    url_key       text NOT NULL,
    url           text NOT NULL,
    state         text NOT NULL,             -- ok, failing, broken, skipped
    kind          text NOT NULL DEFAULT '',
    status        integer NOT NULL DEFAULT 0,
    final_url     text NOT NULL DEFAULT '',
    media_type    text NOT NULL DEFAULT '',
    size          bigint NOT NULL DEFAULT 0,
    etag          text NOT NULL DEFAULT '',
    last_modified text NOT NULL DEFAULT '',
    checked_at    timestamptz NOT NULL,
    broken_since  timestamptz,
    failures      integer NOT NULL DEFAULT 0,
    changed_at    timestamptz,
    error         text NOT NULL DEFAULT '',
    PRIMARY KEY (source, url_key)
);

CREATE INDEX link_checks_state ON link_checks (source, state);

CREATE TRIGGER link_checks_version AFTER INSERT OR UPDATE OR DELETE ON link_checks
    FOR EACH STATEMENT EXECUTE FUNCTION harvest_bump_version();
