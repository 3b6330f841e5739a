-- 0007: serving a large catalogue at a cost bounded by what a response
-- returns, not by the catalogue's size.
--
-- catalogue_state: one row, a change counter and the time of the last
-- change, bumped by triggers on every write to publications and runs.
-- The server's validators (ETag, Last-Modified) and its caches are keyed
-- by it.
--
-- facet_counts: how many records have each source, category and tag, by
-- status, kept by triggers as records are saved, changed, removed and
-- deleted (a value is counted once per record, as written, case kept).
--
-- publication_terms: each record's categories and tags, one row each
-- (ASCII case ignored: one row per value however it is spelt), with the
-- record's status and first_seen, so that a listing filtered by a tag or
-- a category reads an index in its order and counts from it.
--
-- Indexes for the orders a listing offers (id, newest first) under the
-- filters the page, the feed and the API use (status, source).

CREATE TABLE catalogue_state (
    id         INTEGER PRIMARY KEY CHECK (id = 1),
    version    INTEGER NOT NULL,
    changed_at TEXT NOT NULL    -- UTC, to the millisecond
);

INSERT INTO catalogue_state (id, version, changed_at)
VALUES (1, 1, COALESCE((SELECT MAX(last_changed) FROM publications), strftime('%Y-%m-%dT%H:%M:%fZ', 'now')));

CREATE TABLE facet_counts (
    kind   TEXT NOT NULL,   -- source, category or tag
    value  TEXT NOT NULL,
    status TEXT NOT NULL,
    n      INTEGER NOT NULL,
    PRIMARY KEY (kind, value, status)
) WITHOUT ROWID;

INSERT INTO facet_counts (kind, value, status, n)
SELECT 'source', source, status, COUNT(*) FROM publications GROUP BY source, status;
INSERT INTO facet_counts (kind, value, status, n)
SELECT 'category', j.value, p.status, COUNT(DISTINCT p.id)
FROM publications p, json_each(p.categories) j WHERE j.type = 'text' GROUP BY j.value, p.status;
INSERT INTO facet_counts (kind, value, status, n)
SELECT 'tag', j.value, p.status, COUNT(DISTINCT p.id)
FROM publications p, json_each(p.tags) j WHERE j.type = 'text' GROUP BY j.value, p.status;

CREATE TABLE publication_terms (
    kind           TEXT NOT NULL,   -- category or tag
    value          TEXT NOT NULL COLLATE NOCASE,
    publication_id INTEGER NOT NULL,
    status         TEXT NOT NULL,
    first_seen     TEXT NOT NULL,
    PRIMARY KEY (kind, value, publication_id)
) WITHOUT ROWID;

CREATE INDEX publication_terms_newest ON publication_terms (kind, value, status, first_seen, publication_id);

INSERT OR IGNORE INTO publication_terms (kind, value, publication_id, status, first_seen)
SELECT 'category', j.value, p.id, p.status, p.first_seen
FROM publications p, json_each(p.categories) j WHERE j.type = 'text';
INSERT OR IGNORE INTO publication_terms (kind, value, publication_id, status, first_seen)
SELECT 'tag', j.value, p.id, p.status, p.first_seen
FROM publications p, json_each(p.tags) j WHERE j.type = 'text';

CREATE INDEX publications_status_id ON publications (status);
CREATE INDEX publications_newest ON publications (first_seen);
CREATE INDEX publications_status_newest ON publications (status, first_seen);
CREATE INDEX publications_source_status_newest ON publications (source, status, first_seen);
CREATE INDEX publications_source_newest ON publications (source, first_seen);

-- The change counter.

CREATE TRIGGER catalogue_state_insert AFTER INSERT ON publications BEGIN
    UPDATE catalogue_state SET version = version + 1, changed_at = strftime('%Y-%m-%dT%H:%M:%fZ', 'now') WHERE id = 1;
END;

CREATE TRIGGER catalogue_state_update AFTER UPDATE ON publications BEGIN
    UPDATE catalogue_state SET version = version + 1, changed_at = strftime('%Y-%m-%dT%H:%M:%fZ', 'now') WHERE id = 1;
END;

CREATE TRIGGER catalogue_state_delete AFTER DELETE ON publications BEGIN
    UPDATE catalogue_state SET version = version + 1, changed_at = strftime('%Y-%m-%dT%H:%M:%fZ', 'now') WHERE id = 1;
END;

CREATE TRIGGER catalogue_state_run_insert AFTER INSERT ON runs BEGIN
    UPDATE catalogue_state SET version = version + 1, changed_at = strftime('%Y-%m-%dT%H:%M:%fZ', 'now') WHERE id = 1;
END;

CREATE TRIGGER catalogue_state_run_update AFTER UPDATE ON runs BEGIN
    UPDATE catalogue_state SET version = version + 1, changed_at = strftime('%Y-%m-%dT%H:%M:%fZ', 'now') WHERE id = 1;
END;

CREATE TRIGGER catalogue_state_run_delete AFTER DELETE ON runs BEGIN
    UPDATE catalogue_state SET version = version + 1, changed_at = strftime('%Y-%m-%dT%H:%M:%fZ', 'now') WHERE id = 1;
END;

-- Facet counts and terms: a new record adds its own.

CREATE TRIGGER facets_insert AFTER INSERT ON publications BEGIN
    INSERT INTO facet_counts (kind, value, status, n) VALUES ('source', new.source, new.status, 1)
        ON CONFLICT (kind, value, status) DO UPDATE SET n = n + 1;
    INSERT INTO facet_counts (kind, value, status, n)
        SELECT DISTINCT 'category', j.value, new.status, 1 FROM json_each(new.categories) j WHERE j.type = 'text'
        ON CONFLICT (kind, value, status) DO UPDATE SET n = n + 1;
    INSERT INTO facet_counts (kind, value, status, n)
        SELECT DISTINCT 'tag', j.value, new.status, 1 FROM json_each(new.tags) j WHERE j.type = 'text'
        ON CONFLICT (kind, value, status) DO UPDATE SET n = n + 1;
    INSERT OR IGNORE INTO publication_terms (kind, value, publication_id, status, first_seen)
        SELECT 'category', j.value, new.id, new.status, new.first_seen FROM json_each(new.categories) j WHERE j.type = 'text';
    INSERT OR IGNORE INTO publication_terms (kind, value, publication_id, status, first_seen)
        SELECT 'tag', j.value, new.id, new.status, new.first_seen FROM json_each(new.tags) j WHERE j.type = 'text';
END;

-- A deleted record takes its own away.

CREATE TRIGGER facets_delete AFTER DELETE ON publications BEGIN
    UPDATE facet_counts SET n = n - 1 WHERE kind = 'source' AND value = old.source AND status = old.status;
    UPDATE facet_counts SET n = n - 1 WHERE kind = 'category' AND status = old.status
        AND value IN (SELECT j.value FROM json_each(old.categories) j WHERE j.type = 'text');
    UPDATE facet_counts SET n = n - 1 WHERE kind = 'tag' AND status = old.status
        AND value IN (SELECT j.value FROM json_each(old.tags) j WHERE j.type = 'text');
    DELETE FROM facet_counts WHERE n <= 0;
    DELETE FROM publication_terms WHERE kind = 'category' AND publication_id = old.id
        AND value IN (SELECT j.value FROM json_each(old.categories) j WHERE j.type = 'text');
    DELETE FROM publication_terms WHERE kind = 'tag' AND publication_id = old.id
        AND value IN (SELECT j.value FROM json_each(old.tags) j WHERE j.type = 'text');
END;

-- A record whose source, status, categories, tags or first_seen change
-- (a re-crawl that finds it unchanged changes none of them, though it
-- writes status) takes the old away and adds the new.

CREATE TRIGGER facets_update AFTER UPDATE OF source, status, categories, tags, first_seen ON publications
WHEN old.source IS NOT new.source OR old.status IS NOT new.status
    OR old.categories IS NOT new.categories OR old.tags IS NOT new.tags
    OR old.first_seen IS NOT new.first_seen
BEGIN
    UPDATE facet_counts SET n = n - 1 WHERE kind = 'source' AND value = old.source AND status = old.status;
    UPDATE facet_counts SET n = n - 1 WHERE kind = 'category' AND status = old.status
        AND value IN (SELECT j.value FROM json_each(old.categories) j WHERE j.type = 'text');
    UPDATE facet_counts SET n = n - 1 WHERE kind = 'tag' AND status = old.status
        AND value IN (SELECT j.value FROM json_each(old.tags) j WHERE j.type = 'text');
    DELETE FROM facet_counts WHERE n <= 0;
    INSERT INTO facet_counts (kind, value, status, n) VALUES ('source', new.source, new.status, 1)
        ON CONFLICT (kind, value, status) DO UPDATE SET n = n + 1;
    INSERT INTO facet_counts (kind, value, status, n)
        SELECT DISTINCT 'category', j.value, new.status, 1 FROM json_each(new.categories) j WHERE j.type = 'text'
        ON CONFLICT (kind, value, status) DO UPDATE SET n = n + 1;
    INSERT INTO facet_counts (kind, value, status, n)
        SELECT DISTINCT 'tag', j.value, new.status, 1 FROM json_each(new.tags) j WHERE j.type = 'text'
        ON CONFLICT (kind, value, status) DO UPDATE SET n = n + 1;
    DELETE FROM publication_terms WHERE kind = 'category' AND publication_id = old.id
        AND value IN (SELECT j.value FROM json_each(old.categories) j WHERE j.type = 'text');
    DELETE FROM publication_terms WHERE kind = 'tag' AND publication_id = old.id
        AND value IN (SELECT j.value FROM json_each(old.tags) j WHERE j.type = 'text');
    INSERT OR IGNORE INTO publication_terms (kind, value, publication_id, status, first_seen)
        SELECT 'category', j.value, new.id, new.status, new.first_seen FROM json_each(new.categories) j WHERE j.type = 'text';
    INSERT OR IGNORE INTO publication_terms (kind, value, publication_id, status, first_seen)
        SELECT 'tag', j.value, new.id, new.status, new.first_seen FROM json_each(new.tags) j WHERE j.type = 'text';
END;
