package postgres

import (
	"cmp"
	"context"
	"errors"
	"fmt"
	"slices"
	"time"

	"github.com/jackc/pgx/v5"

	"harvest"
)

// The shared side of the catalogue (harvest.SharedRuns): runs that many
// workers crawl at once. Every decision that one process makes in memory
// when it crawls alone is a statement here, so that it holds whichever
// worker makes it: a URL is leased with FOR UPDATE SKIP LOCKED to one
// worker, the page budget is taken under the run's row lock, a host's next
// request is claimed with one conditional UPDATE.

var _ harvest.SharedRuns = (*DB)(nil)

// openLock is the advisory lock key space of OpenRun (one run in progress
// per source).
const openLockSpace = "harvest-open-run:"

// OpenRun returns the source's run in progress, or starts one.
func (db *DB) OpenRun(ctx context.Context, source string, spec []byte, maxPages int) (harvest.SharedRun, bool, error) {
	conn, err := db.pool.Acquire(ctx)
	if err != nil {
		return harvest.SharedRun{}, false, fmt.Errorf("open run of %s: %w", source, err)
	}
	defer conn.Release()
	if _, err := conn.Exec(ctx, `SELECT pg_advisory_lock(hashtextextended($1, 0))`, openLockSpace+source); err != nil {
		return harvest.SharedRun{}, false, fmt.Errorf("open run of %s: %w", source, err)
	}
	defer conn.Exec(context.WithoutCancel(ctx), `SELECT pg_advisory_unlock(hashtextextended($1, 0))`, openLockSpace+source)
	run := harvest.SharedRun{Source: source}
	err = conn.QueryRow(ctx, `SELECT id, started, spec FROM shared_runs WHERE source = $1 AND state <> 'finished'`, source).
		Scan(&run.ID, &run.Started, &run.Spec)
	if err == nil {
		run.Started = run.Started.UTC()
		return run, false, nil
	}
	if !errors.Is(err, pgx.ErrNoRows) {
		return harvest.SharedRun{}, false, fmt.Errorf("open run of %s: %w", source, err)
	}
	started := time.Now().UTC().Truncate(time.Second)
	id, err := db.StartRun(ctx, source, started)
	if err != nil {
		return harvest.SharedRun{}, false, err
	}
	var budget *int
	if maxPages > 0 {
		budget = &maxPages
	}
	if _, err := conn.Exec(ctx, `INSERT INTO shared_runs (id, source, started, spec, pages_left) VALUES ($1, $2, $3, $4, $5)`,
		id, source, started, spec, budget); err != nil {
		return harvest.SharedRun{}, false, fmt.Errorf("open run of %s: %w", source, err)
	}
	return harvest.SharedRun{ID: id, Source: source, Started: started, Spec: spec}, true, nil
}

// ActiveRuns lists the runs in progress (and those whose finisher died:
// the next worker ends them), fewest live workers first.
func (db *DB) ActiveRuns(ctx context.Context) ([]harvest.SharedRun, error) {
	rows, err := db.pool.Query(ctx, `SELECT r.id, r.source, r.started, r.spec,
			(SELECT count(*) FROM shared_workers w WHERE w.run_id = r.id AND NOT w.gone AND w.alive_until > now())
		FROM shared_runs r WHERE r.state = 'crawling' OR (r.state = 'finishing' AND r.finish_expires < now())
		ORDER BY 5, r.id`)
	if err != nil {
		return nil, fmt.Errorf("active runs: %w", err)
	}
	var out []harvest.SharedRun
	for rows.Next() {
		var r harvest.SharedRun
		if err := rows.Scan(&r.ID, &r.Source, &r.Started, &r.Spec, &r.Workers); err != nil {
			return nil, fmt.Errorf("active runs: %w", err)
		}
		r.Started = r.Started.UTC()
		out = append(out, r)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("active runs: %w", err)
	}
	return out, nil
}

// Join makes owner a worker of run id.
func (db *DB) Join(ctx context.Context, id int64, owner string, lease time.Duration) (harvest.SharedFrontier, error) {
	if lease <= 0 {
		lease = time.Minute
	}
	if _, err := db.pool.Exec(ctx, `INSERT INTO shared_workers (run_id, owner, alive_until) VALUES ($1, $2, now() + $3)
		ON CONFLICT (run_id, owner) DO UPDATE SET alive_until = EXCLUDED.alive_until, gone = false`, id, owner, lease); err != nil {
		return nil, fmt.Errorf("join run %d: %w", id, err)
	}
	return &frontier{db: db, run: id, owner: owner, lease: lease}, nil
}

// Leave says owner stopped working on run id.
func (db *DB) Leave(ctx context.Context, id int64, owner string) error {
	if _, err := db.pool.Exec(ctx, `UPDATE shared_workers SET gone = true WHERE run_id = $1 AND owner = $2`, id, owner); err != nil {
		return fmt.Errorf("leave run %d: %w", id, err)
	}
	return nil
}

// frontier is one worker's view of a run's shared frontier.
type frontier struct {
	db    *DB
	run   int64
	owner string
	lease time.Duration
}

// Add queues the entries the run has not seen, in one statement.
func (f *frontier) Add(ctx context.Context, entries []harvest.FrontierEntry) ([]bool, error) {
	// One row per key: ON CONFLICT may not touch a row twice in one
	// statement.
	index := map[string]int{}
	var keys, urls, lastmods []string
	var depths []int32
	var sitemaps, optionals []bool
	for _, e := range entries {
		if i, ok := index[e.Key]; ok {
			if lastmods[i] == "" {
				lastmods[i] = e.Lastmod
			}
			continue
		}
		index[e.Key] = len(keys)
		keys, urls, lastmods = append(keys, e.Key), append(urls, e.URL), append(lastmods, e.Lastmod)
		depths, sitemaps, optionals = append(depths, int32(e.Depth)), append(sitemaps, e.Sitemap), append(optionals, e.Optional)
	}
	rows, err := f.db.pool.Query(ctx, `INSERT INTO shared_frontier AS f (run_id, url_key, url, depth, sitemap, optional, lastmod)
		SELECT $1, k, u, d, s, o, l FROM unnest($2::text[], $3::text[], $4::int[], $5::bool[], $6::bool[], $7::text[])
			WITH ORDINALITY AS t(k, u, d, s, o, l, n) ORDER BY n
		ON CONFLICT (run_id, url_key) DO UPDATE SET lastmod = EXCLUDED.lastmod
			WHERE f.state = 'queued' AND f.lastmod = '' AND EXCLUDED.lastmod <> ''
		RETURNING url_key, xmax = 0`, f.run, keys, urls, depths, sitemaps, optionals, lastmods)
	if err != nil {
		return nil, fmt.Errorf("frontier of run %d: add: %w", f.run, err)
	}
	added := map[string]bool{}
	for rows.Next() {
		var k string
		var inserted bool
		if err := rows.Scan(&k, &inserted); err != nil {
			return nil, fmt.Errorf("frontier of run %d: add: %w", f.run, err)
		}
		added[k] = inserted
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("frontier of run %d: add: %w", f.run, err)
	}
	out := make([]bool, len(entries))
	seen := map[string]bool{}
	for i, e := range entries {
		out[i] = added[e.Key] && !seen[e.Key]
		seen[e.Key] = true
	}
	return out, nil
}

// Claim marks a redirect's target seen and being fetched.
func (f *frontier) Claim(ctx context.Context, e harvest.FrontierEntry) (bool, error) {
	tag, err := f.db.pool.Exec(ctx, `INSERT INTO shared_frontier (run_id, url_key, url, state) VALUES ($1, $2, $3, 'done')
		ON CONFLICT (run_id, url_key) DO NOTHING`, f.run, e.Key, e.URL)
	if err != nil {
		return false, fmt.Errorf("frontier of run %d: claim %s: %w", f.run, e.URL, err)
	}
	return tag.RowsAffected() == 1, nil
}

// Lease hands out up to n entries: sitemaps first, then pages in the order
// found, pages only while the page budget lasts. Entries whose worker's
// lease lapsed are queued again first.
func (f *frontier) Lease(ctx context.Context, n int) ([]harvest.FrontierEntry, error) {
	var out []harvest.FrontierEntry
	err := pgx.BeginFunc(ctx, f.db.pool, func(tx pgx.Tx) error {
		if _, err := tx.Exec(ctx, `UPDATE shared_frontier SET state = 'queued', lease_owner = NULL, lease_expires = NULL
			WHERE run_id = $1 AND state = 'leased' AND lease_expires < now()`, f.run); err != nil {
			return err
		}
		// The page budget is taken under the run's row lock; a run
		// without one leaves the row alone.
		var budget *int
		if err := tx.QueryRow(ctx, `SELECT pages_left FROM shared_runs WHERE id = $1`, f.run).Scan(&budget); err != nil {
			return err
		}
		if budget != nil {
			if err := tx.QueryRow(ctx, `SELECT pages_left FROM shared_runs WHERE id = $1 FOR UPDATE`, f.run).Scan(&budget); err != nil {
				return err
			}
		}
		pick := func(sitemap bool, limit int) error {
			if limit <= 0 {
				return nil
			}
			rows, err := tx.Query(ctx, `UPDATE shared_frontier f SET state = 'leased', lease_owner = $4, lease_expires = now() + $5
				WHERE f.run_id = $1 AND f.url_key IN (
					SELECT url_key FROM shared_frontier WHERE run_id = $1 AND state = 'queued' AND sitemap = $2
					ORDER BY seq LIMIT $3 FOR UPDATE SKIP LOCKED)
				RETURNING f.url_key, f.url, f.depth, f.sitemap, f.optional, f.lastmod, f.seq`,
				f.run, sitemap, limit, f.owner, f.lease)
			if err != nil {
				return err
			}
			type leased struct {
				e   harvest.FrontierEntry
				seq int64
			}
			var got []leased
			for rows.Next() {
				var l leased
				if err := rows.Scan(&l.e.Key, &l.e.URL, &l.e.Depth, &l.e.Sitemap, &l.e.Optional, &l.e.Lastmod, &l.seq); err != nil {
					return err
				}
				l.e.State = harvest.EntryLeased
				got = append(got, l)
			}
			if err := rows.Err(); err != nil {
				return err
			}
			// In the order found (UPDATE … RETURNING keeps none).
			slices.SortFunc(got, func(a, b leased) int { return cmp.Compare(a.seq, b.seq) })
			for _, l := range got {
				out = append(out, l.e)
			}
			return nil
		}
		// Sitemaps first: they list the detail pages directly.
		if err := pick(true, n); err != nil {
			return err
		}
		pages := n - len(out)
		if budget != nil && *budget < pages {
			pages = *budget
		}
		before := len(out)
		if err := pick(false, pages); err != nil {
			return err
		}
		taken := len(out) - before
		if budget != nil && taken > 0 {
			if _, err := tx.Exec(ctx, `UPDATE shared_runs SET pages_left = pages_left - $2 WHERE id = $1`, f.run, taken); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("frontier of run %d: lease: %w", f.run, err)
	}
	return out, nil
}

// Done marks an entry done, whoever holds it now.
func (f *frontier) Done(ctx context.Context, key string) error {
	if _, err := f.db.pool.Exec(ctx, `UPDATE shared_frontier SET state = 'done', lease_owner = NULL, lease_expires = NULL
		WHERE run_id = $1 AND url_key = $2`, f.run, key); err != nil {
		return fmt.Errorf("frontier of run %d: done %s: %w", f.run, key, err)
	}
	return nil
}

// Release puts this worker's leased entry back in the queue.
func (f *frontier) Release(ctx context.Context, key string) error {
	if _, err := f.db.pool.Exec(ctx, `UPDATE shared_frontier SET state = 'queued', lease_owner = NULL, lease_expires = NULL
		WHERE run_id = $1 AND url_key = $2 AND state = 'leased' AND lease_owner = $3`, f.run, key, f.owner); err != nil {
		return fmt.Errorf("frontier of run %d: release %s: %w", f.run, key, err)
	}
	return nil
}

// Extend renews this worker's leases and its place among the run's
// workers.
func (f *frontier) Extend(ctx context.Context) error {
	b := &pgx.Batch{}
	b.Queue(`UPDATE shared_frontier SET lease_expires = now() + $3
		WHERE run_id = $1 AND state = 'leased' AND lease_owner = $2`, f.run, f.owner, f.lease)
	b.Queue(`UPDATE shared_workers SET alive_until = now() + $3 WHERE run_id = $1 AND owner = $2`, f.run, f.owner, f.lease)
	if err := f.db.pool.SendBatch(ctx, b).Close(); err != nil {
		return fmt.Errorf("frontier of run %d: extend leases: %w", f.run, err)
	}
	return nil
}

// State counts what is left of the run.
func (f *frontier) State(ctx context.Context) (queued, leased int, capped bool, err error) {
	var queuedPages int
	err = f.db.pool.QueryRow(ctx, `SELECT
			count(*) FILTER (WHERE state = 'queued' OR lease_expires < now()),
			count(*) FILTER (WHERE state = 'leased' AND lease_expires >= now()),
			count(*) FILTER (WHERE (state = 'queued' OR lease_expires < now()) AND NOT sitemap),
			COALESCE((SELECT pages_left FROM shared_runs WHERE id = $1), -1) = 0
		FROM shared_frontier WHERE run_id = $1 AND state <> 'done'`, f.run).Scan(&queued, &leased, &queuedPages, &capped)
	if err != nil {
		return 0, 0, false, fmt.Errorf("frontier of run %d: state: %w", f.run, err)
	}
	// Capped: pages wait that the spent budget lets nobody fetch (and no
	// sitemap is left to read).
	capped = capped && queuedPages > 0 && queued == queuedPages
	return queued, leased, capped, nil
}

// Seen marks records found by run id.
func (db *DB) Seen(ctx context.Context, id int64, ids []int64) error {
	if len(ids) == 0 {
		return nil
	}
	if _, err := db.pool.Exec(ctx, `INSERT INTO shared_seen (run_id, publication_id)
		SELECT $1, unnest($2::bigint[]) ON CONFLICT DO NOTHING`, id, ids); err != nil {
		return fmt.Errorf("run %d: mark seen: %w", id, err)
	}
	return nil
}

// Gone notes a page of run id that answered 404 or 410.
func (db *DB) Gone(ctx context.Context, id int64, url string) error {
	if _, err := db.pool.Exec(ctx, `INSERT INTO shared_gone (run_id, url) VALUES ($1, $2) ON CONFLICT DO NOTHING`, id, url); err != nil {
		return fmt.Errorf("run %d: note gone %s: %w", id, url, err)
	}
	return nil
}

// SeenIDs lists the records run id found.
func (db *DB) SeenIDs(ctx context.Context, id int64) ([]int64, error) {
	rows, err := db.pool.Query(ctx, `SELECT publication_id FROM shared_seen WHERE run_id = $1 ORDER BY 1`, id)
	if err != nil {
		return nil, fmt.Errorf("run %d: seen: %w", id, err)
	}
	ids, err := pgx.CollectRows(rows, pgx.RowTo[int64])
	if err != nil {
		return nil, fmt.Errorf("run %d: seen: %w", id, err)
	}
	return ids, nil
}

// GoneURLs lists the pages of run id that answered 404 or 410.
func (db *DB) GoneURLs(ctx context.Context, id int64) ([]string, error) {
	rows, err := db.pool.Query(ctx, `SELECT url FROM shared_gone WHERE run_id = $1 ORDER BY 1`, id)
	if err != nil {
		return nil, fmt.Errorf("run %d: gone: %w", id, err)
	}
	urls, err := pgx.CollectRows(rows, pgx.RowTo[string])
	if err != nil {
		return nil, fmt.Errorf("run %d: gone: %w", id, err)
	}
	return urls, nil
}

// AddCounts adds a worker's counts to the run's.
func (db *DB) AddCounts(ctx context.Context, id int64, c harvest.RunCounts) error {
	if _, err := db.pool.Exec(ctx, `UPDATE shared_runs SET pages = pages + $2, errors = errors + $3,
			starts_failed = starts_failed + $4, new = new + $5, changed = changed + $6, unchanged = unchanged + $7,
			duplicates = duplicates + $8, not_modified = not_modified + $9, skipped_lastmod = skipped_lastmod + $10
		WHERE id = $1`, id, c.Pages, c.Errors, c.StartsFailed, c.New, c.Changed, c.Unchanged, c.Duplicates,
		c.NotModified, c.SkippedLastmod); err != nil {
		return fmt.Errorf("run %d: add counts: %w", id, err)
	}
	return nil
}

// Counts returns what the workers of run id counted.
func (db *DB) Counts(ctx context.Context, id int64) (harvest.RunCounts, error) {
	var c harvest.RunCounts
	err := db.pool.QueryRow(ctx, `SELECT pages, errors, starts_failed, new, changed, unchanged, duplicates,
		not_modified, skipped_lastmod FROM shared_runs WHERE id = $1`, id).Scan(&c.Pages, &c.Errors, &c.StartsFailed,
		&c.New, &c.Changed, &c.Unchanged, &c.Duplicates, &c.NotModified, &c.SkippedLastmod)
	if err != nil {
		return c, fmt.Errorf("run %d: counts: %w", id, err)
	}
	return c, nil
}

// ClaimFinish lets one worker end a drained run, and another take over
// once the first has not finished within lease.
func (db *DB) ClaimFinish(ctx context.Context, id int64, owner string, lease time.Duration) (bool, error) {
	tag, err := db.pool.Exec(ctx, `UPDATE shared_runs SET state = 'finishing', finisher = $2, finish_expires = now() + $3
		WHERE id = $1 AND (state = 'crawling' OR (state = 'finishing' AND (finish_expires < now() OR finisher = $2)))`,
		id, owner, lease)
	if err != nil {
		return false, fmt.Errorf("run %d: claim finish: %w", id, err)
	}
	return tag.RowsAffected() == 1, nil
}

// LiveWorkers counts the workers of run id other than owner that are
// alive and have not left.
func (db *DB) LiveWorkers(ctx context.Context, id int64, owner string) (int, error) {
	var n int
	if err := db.pool.QueryRow(ctx, `SELECT count(*) FROM shared_workers
		WHERE run_id = $1 AND owner <> $2 AND NOT gone AND alive_until > now()`, id, owner).Scan(&n); err != nil {
		return 0, fmt.Errorf("run %d: workers: %w", id, err)
	}
	return n, nil
}

// Finished ends run id's shared state: its frontier, marks and workers
// go; its row stays, finished.
func (db *DB) Finished(ctx context.Context, id int64) error {
	err := pgx.BeginFunc(ctx, db.pool, func(tx pgx.Tx) error {
		for _, q := range []string{
			`DELETE FROM shared_frontier WHERE run_id = $1`,
			`DELETE FROM shared_seen WHERE run_id = $1`,
			`DELETE FROM shared_gone WHERE run_id = $1`,
			`DELETE FROM shared_workers WHERE run_id = $1`,
			`UPDATE shared_runs SET state = 'finished', finisher = NULL, finish_expires = NULL WHERE id = $1`,
		} {
			if _, err := tx.Exec(ctx, q, id); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		return fmt.Errorf("run %d: finish: %w", id, err)
	}
	return nil
}

// RunEnded reports whether run id has ended.
func (db *DB) RunEnded(ctx context.Context, id int64) (bool, error) {
	var state string
	err := db.pool.QueryRow(ctx, `SELECT state FROM shared_runs WHERE id = $1`, id).Scan(&state)
	if errors.Is(err, pgx.ErrNoRows) {
		return true, nil
	}
	if err != nil {
		return false, fmt.Errorf("run %d: state: %w", id, err)
	}
	return state == "finished", nil
}

// LeaderLock makes the caller the one scheduler that acts: a session
// advisory lock held on a connection of its own, so that a scheduler that
// dies gives it up with its connection.
func (db *DB) LeaderLock(ctx context.Context, name string) (func() error, error) {
	conn, err := db.pool.Acquire(ctx)
	if err != nil {
		return nil, fmt.Errorf("leader lock %s: %w", name, err)
	}
	for {
		var ok bool
		if err := conn.QueryRow(ctx, `SELECT pg_try_advisory_lock(hashtextextended($1, 0))`, "harvest-leader:"+name).Scan(&ok); err != nil {
			conn.Release()
			return nil, fmt.Errorf("leader lock %s: %w", name, err)
		}
		if ok {
			break
		}
		select {
		case <-ctx.Done():
			conn.Release()
			return nil, ctx.Err()
		case <-time.After(time.Second):
		}
	}
	return func() error {
		defer conn.Release()
		_, err := conn.Exec(context.Background(), `SELECT pg_advisory_unlock(hashtextextended($1, 0))`, "harvest-leader:"+name)
		return err
	}, nil
}

// Hosts returns the host gate of owner.
func (db *DB) Hosts(owner string) harvest.HostGate { return &hostGate{db: db, owner: owner} }

// Robots returns the shared robots.txt cache.
func (db *DB) Robots() harvest.RobotsCache { return robotsCache{db} }

// hostBusy bounds how long a host stays taken by a request whose worker
// died before it could say the request ended.
const hostBusy = time.Minute

type hostGate struct {
	db    *DB
	owner string
}

// Acquire waits until host may take a request, and takes it.
func (g *hostGate) Acquire(ctx context.Context, host string, delay time.Duration) (func(), error) {
	if _, err := g.db.pool.Exec(ctx, `INSERT INTO shared_hosts (host) VALUES ($1) ON CONFLICT DO NOTHING`, host); err != nil {
		return nil, fmt.Errorf("host %s: %w", host, err)
	}
	serial := delay > 0
	for {
		var waitSeconds float64
		var took bool
		err := g.db.pool.QueryRow(ctx, `WITH took AS (
				UPDATE shared_hosts SET busy_owner = CASE WHEN $3 THEN $2 ELSE busy_owner END,
					busy_until = CASE WHEN $3 THEN now() + $4::interval ELSE busy_until END
				WHERE host = $1 AND next_allowed <= now() AND (paused_until IS NULL OR paused_until <= now())
					AND (NOT $3 OR busy_until IS NULL OR busy_until < now())
				RETURNING true)
			SELECT EXISTS (SELECT 1 FROM took),
				(SELECT EXTRACT(EPOCH FROM GREATEST(next_allowed, COALESCE(paused_until, now()),
					CASE WHEN $3 THEN COALESCE(busy_until, now()) ELSE now() END, now()) - now())::float8
				 FROM shared_hosts WHERE host = $1)`, host, g.owner, serial, hostBusy).Scan(&took, &waitSeconds)
		if err != nil {
			return nil, fmt.Errorf("host %s: acquire: %w", host, err)
		}
		wait := time.Duration(waitSeconds * float64(time.Second))
		if took {
			break
		}
		// A request in flight elsewhere ends at an unknown time: ask again
		// soon, but not in a busy loop.
		wait = min(max(wait, 5*time.Millisecond), time.Second)
		select {
		case <-ctx.Done():
			return nil, ctx.Err()
		case <-time.After(wait):
		}
	}
	return func() {
		ctx := context.Background()
		if serial {
			g.db.pool.Exec(ctx, `UPDATE shared_hosts SET busy_owner = NULL, busy_until = NULL,
				next_allowed = GREATEST(next_allowed, now() + $3) WHERE host = $1 AND busy_owner = $2`, host, g.owner, delay)
		}
	}, nil
}

// Pause holds every request to host until the given time.
func (g *hostGate) Pause(ctx context.Context, host string, until time.Time) error {
	if _, err := g.db.pool.Exec(ctx, `INSERT INTO shared_hosts (host, paused_until) VALUES ($1, $2)
		ON CONFLICT (host) DO UPDATE SET paused_until = GREATEST(COALESCE(shared_hosts.paused_until, '-infinity'), EXCLUDED.paused_until)`,
		host, until); err != nil {
		return fmt.Errorf("host %s: pause: %w", host, err)
	}
	return nil
}

type robotsCache struct{ db *DB }

func (c robotsCache) Robots(ctx context.Context, origin string, since time.Time) (int, []byte, bool, error) {
	var status int
	var body []byte
	err := c.db.pool.QueryRow(ctx, `SELECT status, body FROM shared_robots WHERE origin = $1 AND fetched >= $2`, origin, since).
		Scan(&status, &body)
	if errors.Is(err, pgx.ErrNoRows) {
		return 0, nil, false, nil
	}
	if err != nil {
		return 0, nil, false, fmt.Errorf("robots.txt of %s: %w", origin, err)
	}
	return status, body, true, nil
}

func (c robotsCache) PutRobots(ctx context.Context, origin string, status int, body []byte) error {
	if _, err := c.db.pool.Exec(ctx, `INSERT INTO shared_robots (origin, status, body, fetched) VALUES ($1, $2, $3, now())
		ON CONFLICT (origin) DO UPDATE SET status = EXCLUDED.status, body = EXCLUDED.body, fetched = EXCLUDED.fetched`,
		origin, status, body); err != nil {
		return fmt.Errorf("robots.txt of %s: %w", origin, err)
	}
	return nil
}
