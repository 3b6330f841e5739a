-- 0005: mirrored download files (sources with mirror_files).
--
-- The latest file fetched for each download URL, by key: where its copy
-- is (path, named by sha256 inside the source's mirror directory) and
-- the validators that make the next fetch a conditional GET. A file's
-- earlier versions stay on disk; only the latest is remembered here. The
-- records themselves carry sha256, size and local_path in their
-- downloads JSON.
CREATE TABLE files (
    url_key       TEXT PRIMARY KEY,          -- urlnorm.Key(url)
    url           TEXT NOT NULL,             -- as last fetched
    sha256        TEXT NOT NULL,             -- lower-case hex of the content
    size          INTEGER NOT NULL,
    media_type    TEXT NOT NULL DEFAULT '',
    path          TEXT NOT NULL,             -- absolute path of the local copy
    etag          TEXT NOT NULL DEFAULT '',
    last_modified TEXT NOT NULL DEFAULT '',  -- the server's header, verbatim
    fetched_at    TEXT NOT NULL              -- when the content was last downloaded
) WITHOUT ROWID;

CREATE INDEX files_sha256 ON files (sha256);
