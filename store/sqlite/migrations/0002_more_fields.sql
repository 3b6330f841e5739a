-- 0002: the fields the extractor reads beyond the first ones: authors (a
-- JSON array), the cover image, the listing site's name and the
-- publication type.

ALTER TABLE publications ADD COLUMN authors   TEXT NOT NULL DEFAULT '[]';
ALTER TABLE publications ADD COLUMN image     TEXT NOT NULL DEFAULT '';
ALTER TABLE publications ADD COLUMN site_name TEXT NOT NULL DEFAULT '';
ALTER TABLE publications ADD COLUMN type      TEXT NOT NULL DEFAULT '';
