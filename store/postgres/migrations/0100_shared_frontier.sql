-- 0100: runs crawled by many workers at once. Everything one process keeps
-- of a run in memory when it crawls alone lives here: the frontier (each
-- URL leased to one worker at a time), the page budget, each host's pace
-- and robots.txt, the workers alive, the records seen and the pages gone,
-- and the counts the workers add up.

CREATE TABLE shared_runs (
	id         bigint PRIMARY KEY,           -- the runs record's id
	source     text NOT NULL,
	started    timestamptz NOT NULL,
	spec       bytea NOT NULL,               -- the source's configuration (JSON)
	state      text NOT NULL DEFAULT 'crawling' CHECK (state IN ('crawling', 'finishing', 'finished')),
	pages_left integer,                      -- NULL: no page budget
	finisher   text,
	finish_expires timestamptz,
	pages integer NOT NULL DEFAULT 0,
	errors integer NOT NULL DEFAULT 0,
	starts_failed integer NOT NULL DEFAULT 0,
	new integer NOT NULL DEFAULT 0,
	changed integer NOT NULL DEFAULT 0,
	unchanged integer NOT NULL DEFAULT 0,
	duplicates integer NOT NULL DEFAULT 0,
	not_modified integer NOT NULL DEFAULT 0,
	skipped_lastmod integer NOT NULL DEFAULT 0
);
-- One run in progress per source, whoever starts it.
CREATE UNIQUE INDEX shared_runs_open ON shared_runs (source) WHERE state <> 'finished';

CREATE TABLE shared_frontier (
	run_id   bigint NOT NULL REFERENCES shared_runs (id) ON DELETE CASCADE,
	url_key  text NOT NULL,
	seq      bigint GENERATED ALWAYS AS IDENTITY,
	url      text NOT NULL,
	depth    integer NOT NULL DEFAULT 0,
	sitemap  boolean NOT NULL DEFAULT false,
	optional boolean NOT NULL DEFAULT false,
	lastmod  text NOT NULL DEFAULT '',
	state    text NOT NULL DEFAULT 'queued' CHECK (state IN ('queued', 'leased', 'done')),
	lease_owner   text,
	lease_expires timestamptz,
	PRIMARY KEY (run_id, url_key)
);
CREATE INDEX shared_frontier_queued ON shared_frontier (run_id, sitemap DESC, seq) WHERE state = 'queued';
CREATE INDEX shared_frontier_leased ON shared_frontier (run_id, lease_owner, lease_expires) WHERE state = 'leased';

CREATE TABLE shared_workers (
	run_id      bigint NOT NULL REFERENCES shared_runs (id) ON DELETE CASCADE,
	owner       text NOT NULL,
	alive_until timestamptz NOT NULL,
	gone        boolean NOT NULL DEFAULT false,
	PRIMARY KEY (run_id, owner)
);

-- A host's pace, across runs and sources: next_allowed is when the next
-- request may start; busy_* the request in flight (hosts with a delay take
-- one at a time); paused_until a Retry-After.
CREATE TABLE shared_hosts (
	host         text PRIMARY KEY,
	next_allowed timestamptz NOT NULL DEFAULT '-infinity',
	busy_owner   text,
	busy_until   timestamptz,
	paused_until timestamptz
);

CREATE TABLE shared_robots (
	origin  text PRIMARY KEY,
	status  integer NOT NULL,
	body    bytea NOT NULL,
	fetched timestamptz NOT NULL
);

CREATE TABLE shared_seen (
	run_id         bigint NOT NULL REFERENCES shared_runs (id) ON DELETE CASCADE,
	publication_id bigint NOT NULL,
	PRIMARY KEY (run_id, publication_id)
);

CREATE TABLE shared_gone (
	run_id bigint NOT NULL REFERENCES shared_runs (id) ON DELETE CASCADE,
	url    text NOT NULL,
	PRIMARY KEY (run_id, url)
);
