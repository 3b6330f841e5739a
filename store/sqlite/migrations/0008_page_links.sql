-- 0008: a page's remembered links live in a table of their own.
--
-- A re-crawl touches every unchanged page (its fetched_at) and reads its
-- links; with the links (about 11 KB a page on a WordPress site) in the
-- pages row, every touch rewrote the whole row and its overflow pages:
-- at 50,000 pages a re-crawl wrote hundreds of MB to the WAL. Now a touch
-- rewrites a small row, and the links are written only when they change.
-- page_links is a rowid table: large rows are what rowid tables are for
-- (a WITHOUT ROWID table keeps them in its key's b-tree). The links are
-- one per line (a URL holds no line break), which reads back several
-- times faster than a JSON array.

CREATE TABLE page_links (
    source  TEXT NOT NULL,
    url_key TEXT NOT NULL,
    links   TEXT NOT NULL,
    UNIQUE (source, url_key)
);

INSERT INTO page_links (source, url_key, links)
    SELECT source, url_key, (SELECT group_concat(j.value, char(10) ORDER BY j.key) FROM json_each(pages.links) j)
    FROM pages WHERE json_array_length(links) > 0;

CREATE TABLE pages_new (
    source         TEXT NOT NULL,
    url_key        TEXT NOT NULL,
    url            TEXT NOT NULL,
    publication_id INTEGER REFERENCES publications (id) ON DELETE SET NULL,
    etag           TEXT NOT NULL DEFAULT '',
    last_modified  TEXT NOT NULL DEFAULT '',
    fetched_at     TEXT NOT NULL,
    PRIMARY KEY (source, url_key)
) WITHOUT ROWID;

INSERT INTO pages_new (source, url_key, url, publication_id, etag, last_modified, fetched_at)
    SELECT source, url_key, url, publication_id, etag, last_modified, fetched_at FROM pages;

DROP TABLE pages;
ALTER TABLE pages_new RENAME TO pages;
CREATE INDEX pages_publication ON pages (publication_id);
