package crawler

import (
	"context"
	"net/url"

	"harvest"
)

// Files mirrors download files. When Options.Files is set, the crawler
// hands it each download of a publication that robots.txt allows, one at
// a time and at the file host's pace (see politeness), before the publication
// goes to the sink; Mirror fills the download's SHA256, Size and
// LocalPath.
type Files interface {
	Mirror(ctx context.Context, d *harvest.Download) error
}

// mirrorFiles runs p's downloads through Options.Files. A file that
// cannot be mirrored is logged and left as it is.
func (r *run) mirrorFiles(ctx context.Context, p *harvest.Publication) {
	for i := range p.Downloads {
		d := &p.Downloads[i]
		u, err := url.Parse(d.URL)
		if err != nil || (u.Scheme != "http" && u.Scheme != "https") {
			continue
		}
		if !r.robots.allowed(ctx, u) {
			r.log.Info("file_skipped", "url", d.URL, "reason", "disallowed by robots.txt")
			continue
		}
		release, err := r.polite.acquire(ctx, u)
		if err != nil {
			return
		}
		err = r.opts.Files.Mirror(ctx, d)
		release()
		if err != nil {
			if ctx.Err() != nil {
				return
			}
			r.log.Warn("file_failed", "url", d.URL, "err", err)
		}
	}
}
