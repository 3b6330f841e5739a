-- 0004: incremental and resumable crawls, and change tracking.

-- What earlier runs learned about each publication page: the validators
-- for a conditional GET, when it was fetched, the record it fed, and the
-- in-scope links it carried (so that a page answered 304 still feeds
-- discovery).
CREATE TABLE pages (
    source         TEXT NOT NULL,
    url_key        TEXT NOT NULL,
    url            TEXT NOT NULL,
    publication_id INTEGER REFERENCES publications (id) ON DELETE SET NULL,
    etag           TEXT NOT NULL DEFAULT '',
    last_modified  TEXT NOT NULL DEFAULT '',
    fetched_at     TEXT NOT NULL,
    links          TEXT NOT NULL DEFAULT '[]',
    PRIMARY KEY (source, url_key)
) WITHOUT ROWID;

CREATE INDEX pages_publication ON pages (publication_id);

-- Each earlier version of a changed record's content, with when it was
-- replaced.
CREATE TABLE revisions (
    id             INTEGER PRIMARY KEY,
    publication_id INTEGER NOT NULL REFERENCES publications (id) ON DELETE CASCADE,
    changed_at     TEXT NOT NULL,   -- when this version stopped being current
    title          TEXT NOT NULL,
    summary        TEXT NOT NULL,
    categories     TEXT NOT NULL,
    tags           TEXT NOT NULL,
    downloads      TEXT NOT NULL,
    publisher      TEXT NOT NULL,
    published      TEXT NOT NULL,
    language       TEXT NOT NULL,
    authors        TEXT NOT NULL,
    image          TEXT NOT NULL,
    site_name      TEXT NOT NULL,
    type           TEXT NOT NULL,
    content_hash   TEXT NOT NULL
);

CREATE INDEX revisions_publication ON revisions (publication_id, id);

-- Complete runs in a row that did not find a record; at the source's
-- threshold the record is marked removed.
ALTER TABLE publications ADD COLUMN missed_runs INTEGER NOT NULL DEFAULT 0;
CREATE INDEX publications_source_status ON publications (source, status);
CREATE INDEX publications_removed_at ON publications (removed_at);

-- The frontier of a source's current run: every URL queued, claimed or
-- done. It outlives the process, so a run killed at any moment resumes.
-- A claim is a lease (owner, expiry): a worker that dies loses its
-- claims when they expire, which lets several workers share one frontier
-- (in this SQLite catalogue one process holds a source at a time, and a
-- new process takes over every lease of a dead one).
CREATE TABLE frontier (
    source        TEXT NOT NULL,
    url_key       TEXT NOT NULL,
    url           TEXT NOT NULL,
    depth         INTEGER NOT NULL DEFAULT 0,
    kind          TEXT NOT NULL DEFAULT 'page',   -- page or sitemap
    optional      INTEGER NOT NULL DEFAULT 0,
    lastmod       TEXT NOT NULL DEFAULT '',       -- from the sitemap that listed it
    state         TEXT NOT NULL DEFAULT 'queued', -- queued, leased, done
    lease_owner   TEXT,
    lease_expires TEXT,
    seq           INTEGER NOT NULL,               -- queue order
    PRIMARY KEY (source, url_key)
) WITHOUT ROWID;

CREATE INDEX frontier_state ON frontier (source, state, seq);

-- The run a frontier belongs to, so that a resumed run knows when the
-- crawl it continues began.
CREATE TABLE frontier_runs (
    source     TEXT PRIMARY KEY,
    run_id     INTEGER NOT NULL,
    started    TEXT NOT NULL
);

ALTER TABLE runs ADD COLUMN not_modified    INTEGER NOT NULL DEFAULT 0;
ALTER TABLE runs ADD COLUMN skipped_lastmod INTEGER NOT NULL DEFAULT 0;
ALTER TABLE runs ADD COLUMN removed         INTEGER NOT NULL DEFAULT 0;
ALTER TABLE runs ADD COLUMN resumed_from    INTEGER;
