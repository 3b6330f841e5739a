-- 0009: download link health.
--
-- The latest check of each download URL of a source, by key (the key of
-- publication_downloads, which says which records link to it). A check
-- that finds a file changed (ETag, Last-Modified or size) moves the
-- last_changed of the records that link to it; their content and hash
-- stay as they are. Rows stay when no record links to the URL any more:
-- the listings join publication_downloads, and a link that comes back
-- keeps its history.
CREATE TABLE link_checks (
    source        TEXT NOT NULL,
    url_key       TEXT NOT NULL,             -- urlnorm.Key(url)
    url           TEXT NOT NULL,             -- as last checked
    state         TEXT NOT NULL,             -- ok, failing, broken, skipped
    kind          TEXT NOT NULL DEFAULT '',  -- what is wrong ('' while ok)
    status        INTEGER NOT NULL DEFAULT 0,
    final_url     TEXT NOT NULL DEFAULT '',
    media_type    TEXT NOT NULL DEFAULT '',
    size          INTEGER NOT NULL DEFAULT 0,
    etag          TEXT NOT NULL DEFAULT '',
    last_modified TEXT NOT NULL DEFAULT '',  -- the server's header, verbatim
    checked_at    TEXT NOT NULL,
    broken_since  TEXT,                      -- NULL while not broken
    failures      INTEGER NOT NULL DEFAULT 0,
    changed_at    TEXT,                      -- when the file was last seen to change
    error         TEXT NOT NULL DEFAULT '',
    PRIMARY KEY (source, url_key)
) WITHOUT ROWID;

CREATE INDEX link_checks_state ON link_checks (source, state);

-- What the server shows moves with every check, like the records.
CREATE TRIGGER catalogue_state_link_insert AFTER INSERT ON link_checks BEGIN
    UPDATE catalogue_state SET version = version + 1, changed_at = strftime('%Y-%m-%dT%H:%M:%fZ', 'now') WHERE id = 1;
END;

CREATE TRIGGER catalogue_state_link_update AFTER UPDATE ON link_checks BEGIN
    UPDATE catalogue_state SET version = version + 1, changed_at = strftime('%Y-%m-%dT%H:%M:%fZ', 'now') WHERE id = 1;
END;
