-- 0003: full-text search over title, summary, tags, categories and
-- publisher.
--
-- FTS4 (not FTS5: the go-sqlite3 driver builds FTS3/4 by default, FTS5
-- only under a build tag). The index is an external-content table over
-- publications: it stores the terms, not a second copy of the text, and
-- its docid is the publication's id. tags and categories are indexed as
-- their JSON text; the tokenizer drops the brackets and quotes.
--
-- Triggers keep it in sync. An update changes the index only when an
-- indexed column is written (a crawl seeing a page again updates
-- last_seen alone and costs the index nothing). The delete must run
-- before the row changes: FTS4 reads the old text from publications to
-- know which terms to remove.

CREATE VIRTUAL TABLE publication_search USING fts4(
    content="publications",
    title, summary, tags, categories, publisher,
    tokenize=unicode61 "remove_diacritics=1"
);

INSERT INTO publication_search (publication_search) VALUES ('rebuild');

CREATE TRIGGER publication_search_insert AFTER INSERT ON publications BEGIN
    INSERT INTO publication_search (docid, title, summary, tags, categories, publisher)
    VALUES (new.id, new.title, new.summary, new.tags, new.categories, new.publisher);
END;

CREATE TRIGGER publication_search_before_update
BEFORE UPDATE OF id, title, summary, tags, categories, publisher ON publications BEGIN
    DELETE FROM publication_search WHERE docid = old.id;
END;

CREATE TRIGGER publication_search_after_update
AFTER UPDATE OF id, title, summary, tags, categories, publisher ON publications BEGIN
    INSERT INTO publication_search (docid, title, summary, tags, categories, publisher)
    VALUES (new.id, new.title, new.summary, new.tags, new.categories, new.publisher);
END;

CREATE TRIGGER publication_search_delete BEFORE DELETE ON publications BEGIN
    DELETE FROM publication_search WHERE docid = old.id;
END;
