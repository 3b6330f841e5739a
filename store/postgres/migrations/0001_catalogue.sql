-- 0001: the catalogue (publications, URLs, downloads, revisions, runs,
-- page memory, mirrored files, the frontier journal and the serving
-- tables), the same as store/sqlite's schema after its migration 0008.
--
-- Times are timestamptz, written by the Go side in UTC and to the second
-- (as SQLite stores them), so that both backends read back equal values.
-- Lists of strings are text[]; lists of objects (downloads, external
-- links) are jsonb, decoded by the Go side into the same structs.

CREATE TABLE publications (
    id             bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    source         text NOT NULL,
    url            text NOT NULL,             -- as first written
    url_key        text NOT NULL,             -- urlnorm.Key(url)
    canonical_url  text NOT NULL,             -- as first written
    canonical_key  text NOT NULL,             -- urlnorm.Key(canonical_url)
    title          text NOT NULL DEFAULT '',
    title_key      text NOT NULL DEFAULT '',  -- lower case, white space collapsed
    summary        text NOT NULL DEFAULT '',
    categories     text[] NOT NULL DEFAULT '{}',
    tags           text[] NOT NULL DEFAULT '{}',
    downloads      jsonb NOT NULL DEFAULT '[]',
    publisher      text NOT NULL DEFAULT '',
    published      text NOT NULL DEFAULT '',
    language       text NOT NULL DEFAULT '',
    authors        text[] NOT NULL DEFAULT '{}',
    image          text NOT NULL DEFAULT '',
    site_name      text NOT NULL DEFAULT '',
    type           text NOT NULL DEFAULT '',
    posted         text NOT NULL DEFAULT '',
    modified       text NOT NULL DEFAULT '',
    external_links jsonb NOT NULL DEFAULT '[]',
    content_hash   text NOT NULL,
    status         text NOT NULL DEFAULT 'active', -- 'active' or 'removed'
    removed_at     timestamptz,
    first_seen     timestamptz NOT NULL,
    last_seen      timestamptz NOT NULL,
    last_changed   timestamptz NOT NULL,
    missed_runs    integer NOT NULL DEFAULT 0,
    -- The full-text document, built by the Go side from the title (A),
    -- tags and categories (B), publisher (C) and summary (D): its words
    -- split as SQLite's unicode61 splits them, lower-cased and without
    -- diacritics, so that no text search configuration or extension is
    -- needed (see search.go).
    search         tsvector NOT NULL DEFAULT ''
);

CREATE INDEX publications_source_id ON publications (source, id);
CREATE INDEX publications_source_status ON publications (source, status);
CREATE INDEX publications_last_changed ON publications (last_changed);
CREATE INDEX publications_status_id ON publications (status, id);
CREATE INDEX publications_newest ON publications (first_seen, id);
CREATE INDEX publications_status_newest ON publications (status, first_seen, id);
CREATE INDEX publications_source_newest ON publications (source, first_seen, id);
CREATE INDEX publications_source_status_newest ON publications (source, status, first_seen, id);
CREATE INDEX publications_search ON publications USING gin (search);

-- Every URL a publication was found under (its url, its canonical URL and
-- its duplicates), by key. One key belongs to one record of a source.
CREATE TABLE publication_urls (
    source         text NOT NULL,
    url_key        text NOT NULL,
    url            text NOT NULL,
    publication_id bigint NOT NULL REFERENCES publications (id) ON DELETE CASCADE,
    first_seen     timestamptz NOT NULL,
    PRIMARY KEY (source, url_key)
);

CREATE INDEX publication_urls_publication ON publication_urls (publication_id);

-- The download files of each record's current version, by key.
CREATE TABLE publication_downloads (
    source         text NOT NULL,
    url_key        text NOT NULL,
    publication_id bigint NOT NULL REFERENCES publications (id) ON DELETE CASCADE,
    PRIMARY KEY (source, url_key, publication_id)
);

CREATE INDEX publication_downloads_publication ON publication_downloads (publication_id);

-- Each earlier version of a changed record's content.
CREATE TABLE revisions (
    id             bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    publication_id bigint NOT NULL REFERENCES publications (id) ON DELETE CASCADE,
    changed_at     timestamptz NOT NULL,  -- when this version stopped being current
    title          text NOT NULL,
    summary        text NOT NULL,
    categories     text[] NOT NULL,
    tags           text[] NOT NULL,
    downloads      jsonb NOT NULL,
    publisher      text NOT NULL,
    published      text NOT NULL,
    language       text NOT NULL,
    authors        text[] NOT NULL,
    image          text NOT NULL,
    site_name      text NOT NULL,
    type           text NOT NULL,
    posted         text NOT NULL DEFAULT '',
    modified       text NOT NULL DEFAULT '',
    external_links jsonb NOT NULL DEFAULT '[]',
    content_hash   text NOT NULL
);

CREATE INDEX revisions_publication ON revisions (publication_id, id);

CREATE TABLE runs (
    id              bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    source          text NOT NULL,
    started         timestamptz NOT NULL,
    finished        timestamptz,             -- NULL while running
    status          text NOT NULL DEFAULT 'running',
    pages           integer NOT NULL DEFAULT 0,
    errors          integer NOT NULL DEFAULT 0,
    new             integer NOT NULL DEFAULT 0,
    changed         integer NOT NULL DEFAULT 0,
    unchanged       integer NOT NULL DEFAULT 0,
    duplicates      integer NOT NULL DEFAULT 0,
    note            text NOT NULL DEFAULT '',
    not_modified    integer NOT NULL DEFAULT 0,
    skipped_lastmod integer NOT NULL DEFAULT 0,
    removed         integer NOT NULL DEFAULT 0,
    resumed_from    bigint
);

CREATE INDEX runs_source_started ON runs (source, started, id);
CREATE INDEX runs_started ON runs (started, id);

-- What earlier runs learned about each publication page. The links are
-- rewritten only when they change (see RememberPage), so that a touch
-- (fetched_at) leaves their TOASTed value where it is.
CREATE TABLE pages (
    source         text NOT NULL,
    url_key        text NOT NULL,
    url            text NOT NULL,
    publication_id bigint REFERENCES publications (id) ON DELETE SET NULL,
    etag           text NOT NULL DEFAULT '',
    last_modified  text NOT NULL DEFAULT '',
    fetched_at     timestamptz NOT NULL,
    links          text[] NOT NULL DEFAULT '{}',
    PRIMARY KEY (source, url_key)
);

CREATE INDEX pages_publication ON pages (publication_id);

-- Mirrored download files: the latest fetched for each download URL.
CREATE TABLE files (
    url_key       text PRIMARY KEY,
    url           text NOT NULL,
    sha256        text NOT NULL,
    size          bigint NOT NULL,
    media_type    text NOT NULL DEFAULT '',
    path          text NOT NULL,
    etag          text NOT NULL DEFAULT '',
    last_modified text NOT NULL DEFAULT '',
    fetched_at    timestamptz NOT NULL
);

CREATE INDEX files_sha256 ON files (sha256);

-- The frontier journal of a source's run crawled by one process (the
-- shared frontier of many workers is another set of tables).
CREATE TABLE frontier (
    source        text NOT NULL,
    url_key       text NOT NULL,
    url           text NOT NULL,
    depth         integer NOT NULL DEFAULT 0,
    kind          text NOT NULL DEFAULT 'page',   -- page or sitemap
    optional      boolean NOT NULL DEFAULT false,
    lastmod       text NOT NULL DEFAULT '',
    state         text NOT NULL DEFAULT 'queued', -- queued, leased, done
    lease_owner   text,
    lease_expires timestamptz,
    seq           bigint NOT NULL,                -- queue order
    PRIMARY KEY (source, url_key)
);

CREATE INDEX frontier_seq ON frontier (source, seq);

CREATE TABLE frontier_runs (
    source  text PRIMARY KEY,
    run_id  bigint NOT NULL,
    started timestamptz NOT NULL
);

-- Serving.
--
-- catalogue_state: the change counter, kept in shards (one per
-- pg_backend_pid() % 64) so that concurrent writers in many processes do
-- not queue on one row: the version is the sum of the shards (plus one),
-- read in one snapshot, and grows with every committed write; its time
-- is the latest of theirs.
CREATE TABLE catalogue_state (
    shard      integer PRIMARY KEY,
    version    bigint NOT NULL,
    changed_at timestamptz NOT NULL
);

-- facet_counts: how many records have each source, category and tag, by
-- status, sharded as catalogue_state (a shard's count may be negative:
-- only their sum means anything).
CREATE TABLE facet_counts (
    kind   text NOT NULL,   -- source, category or tag
    value  text NOT NULL,
    status text NOT NULL,
    shard  integer NOT NULL,
    n      bigint NOT NULL,
    PRIMARY KEY (kind, value, status, shard)
);

-- publication_terms: each record's categories and tags, one row each,
-- ASCII case folded (as SQLite's NOCASE), for the tag and category
-- filters and their counts.
CREATE TABLE publication_terms (
    kind           text NOT NULL,
    value          text NOT NULL,  -- ASCII lower case
    publication_id bigint NOT NULL,
    status         text NOT NULL,
    first_seen     timestamptz NOT NULL,
    PRIMARY KEY (kind, value, publication_id)
);

CREATE INDEX publication_terms_newest ON publication_terms (kind, value, status, first_seen, publication_id);
CREATE INDEX publication_terms_publication ON publication_terms (publication_id);

CREATE FUNCTION harvest_ascii_lower(s text) RETURNS text
LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE
AS $$ SELECT translate(s, 'ABCDEFGHIJKLMNOPQRSTUVWXYZ', 'abcdefghijklmnopqrstuvwxyz') $$;

-- Every statement writing publications or runs moves the version.
CREATE FUNCTION harvest_bump_version() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
    INSERT INTO catalogue_state AS s (shard, version, changed_at)
    VALUES (pg_backend_pid() % 64, 1, clock_timestamp())
    ON CONFLICT (shard) DO UPDATE SET version = s.version + 1,
        changed_at = GREATEST(s.changed_at, excluded.changed_at);
    RETURN NULL;
END $$;

CREATE TRIGGER publications_version AFTER INSERT OR UPDATE OR DELETE ON publications
    FOR EACH STATEMENT EXECUTE FUNCTION harvest_bump_version();
CREATE TRIGGER runs_version AFTER INSERT OR UPDATE OR DELETE ON runs
    FOR EACH STATEMENT EXECUTE FUNCTION harvest_bump_version();

-- Facet counts and terms follow each record: the old row's are taken
-- away and the new row's added, as one net change per value.
CREATE FUNCTION harvest_publication_serving() RETURNS trigger
LANGUAGE plpgsql AS $$
DECLARE
    has_old boolean := TG_OP <> 'INSERT';
    has_new boolean := TG_OP <> 'DELETE';
BEGIN
    IF TG_OP = 'UPDATE' AND OLD.source = NEW.source AND OLD.status = NEW.status
        AND OLD.categories = NEW.categories AND OLD.tags = NEW.tags
        AND OLD.first_seen = NEW.first_seen THEN
        RETURN NULL;
    END IF;
    INSERT INTO facet_counts AS f (kind, value, status, shard, n)
    SELECT d.kind, d.value, d.status, pg_backend_pid() % 64, SUM(d.n)
    FROM (
        SELECT 'source' AS kind, OLD.source AS value, OLD.status AS status, -1 AS n WHERE has_old
        UNION ALL SELECT DISTINCT 'category', c, OLD.status, -1 FROM unnest(OLD.categories) c WHERE has_old
        UNION ALL SELECT DISTINCT 'tag', t, OLD.status, -1 FROM unnest(OLD.tags) t WHERE has_old
        UNION ALL SELECT 'source', NEW.source, NEW.status, 1 WHERE has_new
        UNION ALL SELECT DISTINCT 'category', c, NEW.status, 1 FROM unnest(NEW.categories) c WHERE has_new
        UNION ALL SELECT DISTINCT 'tag', t, NEW.status, 1 FROM unnest(NEW.tags) t WHERE has_new
    ) d
    GROUP BY d.kind, d.value, d.status
    HAVING SUM(d.n) <> 0
    ORDER BY d.kind, d.value, d.status
    ON CONFLICT (kind, value, status, shard) DO UPDATE SET n = f.n + excluded.n;

    IF has_old THEN
        DELETE FROM publication_terms WHERE publication_id = OLD.id;
    END IF;
    IF has_new THEN
        INSERT INTO publication_terms (kind, value, publication_id, status, first_seen)
        SELECT 'category', harvest_ascii_lower(c), NEW.id, NEW.status, NEW.first_seen FROM unnest(NEW.categories) c
        UNION ALL
        SELECT 'tag', harvest_ascii_lower(t), NEW.id, NEW.status, NEW.first_seen FROM unnest(NEW.tags) t
        ON CONFLICT DO NOTHING;
    END IF;
    RETURN NULL;
END $$;

CREATE TRIGGER publications_serving AFTER INSERT OR UPDATE OR DELETE ON publications
    FOR EACH ROW EXECUTE FUNCTION harvest_publication_serving();

-- The catalogue's first version is when it was created.
INSERT INTO catalogue_state (shard, version, changed_at) VALUES (-1, 0, clock_timestamp());
