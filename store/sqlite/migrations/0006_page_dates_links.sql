-- 0006: the page's own dates and the publication's links to other
-- sites: posted (when the page was first published) and modified (when
-- it was last modified), YYYY-MM-DD or ''; external_links, a JSON array
-- of {"url","label"}. On the records and on their earlier versions.
--
-- The columns are added, not rebuilt: existing records read as having
-- none of them, and since the content hash counts each of them only
-- when present, their stored hashes stay valid (a re-crawl finds them
-- unchanged until a page really gains a date or a link).

ALTER TABLE publications ADD COLUMN posted         TEXT NOT NULL DEFAULT '';
ALTER TABLE publications ADD COLUMN modified       TEXT NOT NULL DEFAULT '';
ALTER TABLE publications ADD COLUMN external_links TEXT NOT NULL DEFAULT '[]';

ALTER TABLE revisions ADD COLUMN posted         TEXT NOT NULL DEFAULT '';
ALTER TABLE revisions ADD COLUMN modified       TEXT NOT NULL DEFAULT '';
ALTER TABLE revisions ADD COLUMN external_links TEXT NOT NULL DEFAULT '[]';
