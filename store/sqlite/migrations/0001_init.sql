-- 0001: the catalogue of publications, the URL and download indexes that
-- decide identity, and the history of runs.
--
-- Times are UTC RFC 3339 text to the second ("2006-01-02T15:04:05Z"), so
-- they sort and compare as text. Lists are JSON arrays.

CREATE TABLE publications (
    id            INTEGER PRIMARY KEY,
    source        TEXT NOT NULL,
    url           TEXT NOT NULL,             -- as first written
    url_key       TEXT NOT NULL,             -- urlnorm.Key(url)
    canonical_url TEXT NOT NULL,             -- as first written
    canonical_key TEXT NOT NULL,             -- urlnorm.Key(canonical_url)
    title         TEXT NOT NULL DEFAULT '',
    title_key     TEXT NOT NULL DEFAULT '',  -- lower case, white space collapsed
    summary       TEXT NOT NULL DEFAULT '',
    categories    TEXT NOT NULL DEFAULT '[]',
    tags          TEXT NOT NULL DEFAULT '[]',
    downloads     TEXT NOT NULL DEFAULT '[]', -- [{"url","label","media_type"}]
    publisher     TEXT NOT NULL DEFAULT '',
    published     TEXT NOT NULL DEFAULT '',  -- YYYY-MM-DD, YYYY or ''
    language      TEXT NOT NULL DEFAULT '',
    content_hash  TEXT NOT NULL,             -- SHA-256 of the fields above
    status        TEXT NOT NULL DEFAULT 'active', -- 'active' or 'removed'
    removed_at    TEXT,
    first_seen    TEXT NOT NULL,
    last_seen     TEXT NOT NULL,
    last_changed  TEXT NOT NULL
);

CREATE INDEX publications_source_id ON publications (source, id);
CREATE INDEX publications_last_changed ON publications (last_changed);

-- Every URL a publication was found under (its url, its canonical URL and
-- its duplicates), by key. One key belongs to one record of a source.
CREATE TABLE publication_urls (
    source         TEXT NOT NULL,
    url_key        TEXT NOT NULL,
    url            TEXT NOT NULL,            -- as first written
    publication_id INTEGER NOT NULL REFERENCES publications (id) ON DELETE CASCADE,
    first_seen     TEXT NOT NULL,
    PRIMARY KEY (source, url_key)
) WITHOUT ROWID;

CREATE INDEX publication_urls_publication ON publication_urls (publication_id);

-- The download files of each record's current version, by key: the same
-- file under another URL is how a publication found twice is recognised.
CREATE TABLE publication_downloads (
    source         TEXT NOT NULL,
    url_key        TEXT NOT NULL,
    publication_id INTEGER NOT NULL REFERENCES publications (id) ON DELETE CASCADE,
    PRIMARY KEY (source, url_key, publication_id)
) WITHOUT ROWID;

CREATE INDEX publication_downloads_publication ON publication_downloads (publication_id);

CREATE TABLE runs (
    id         INTEGER PRIMARY KEY,
    source     TEXT NOT NULL,
    started    TEXT NOT NULL,
    finished   TEXT,                         -- NULL while running
    status     TEXT NOT NULL DEFAULT 'running', -- running, ok, partial, cancelled, failed
    pages      INTEGER NOT NULL DEFAULT 0,
    errors     INTEGER NOT NULL DEFAULT 0,
    new        INTEGER NOT NULL DEFAULT 0,
    changed    INTEGER NOT NULL DEFAULT 0,
    unchanged  INTEGER NOT NULL DEFAULT 0,
    duplicates INTEGER NOT NULL DEFAULT 0,
    note       TEXT NOT NULL DEFAULT ''
);

CREATE INDEX runs_source_started ON runs (source, started);
