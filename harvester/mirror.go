package harvester

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"net/http"
	"time"

	"harvest"
	"harvest/config"
	"harvest/mirror"
	"harvest/netguard"
)

// mirrorState keeps package mirror's per-URL memory in the catalogue.
type mirrorState struct{ db harvest.FileMemory }

func (s mirrorState) Lookup(ctx context.Context, url string) (harvest.MirroredFile, bool, error) {
	return s.db.LookupFile(ctx, url)
}

func (s mirrorState) Remember(ctx context.Context, url string, f harvest.MirroredFile) error {
	return s.db.RememberFile(ctx, url, f)
}

// minFileRate is the slowest transfer a mirrored file is given time for:
// a file may take the source's timeout plus its size cap at this rate.
const minFileRate = 64 << 10 // bytes per second

// NewMirror returns the file mirror of a source with mirror_files, or nil
// when the source does not mirror files. Its client waits the source's
// timeout for response headers, and for the body as long as max_file_size
// takes at minFileRate.
func NewMirror(ctx context.Context, src config.Source, db harvest.Catalogue, log *slog.Logger) (*mirror.Mirror, error) {
	if !src.MirrorFiles {
		return nil, nil
	}
	dialer := &net.Dialer{Timeout: 10 * time.Second, KeepAlive: 30 * time.Second}
	if !src.AllowPrivateNetworks {
		// Download links may point anywhere: the same guard as the crawl.
		guard, err := netguard.ForStartURLs(ctx, src.StartURLs)
		if err != nil {
			return nil, fmt.Errorf("source %s: %w", src.Name, err)
		}
		dialer.Control = guard.Control
	}
	transport := &http.Transport{
		Proxy:                 http.ProxyFromEnvironment,
		DialContext:           dialer.DialContext,
		MaxIdleConnsPerHost:   2,
		IdleConnTimeout:       90 * time.Second,
		TLSHandshakeTimeout:   10 * time.Second,
		ResponseHeaderTimeout: src.Timeout,
		ForceAttemptHTTP2:     true,
	}
	client := &http.Client{
		Transport: transport,
		Timeout:   src.Timeout + time.Duration(src.MaxFileSize/minFileRate+1)*time.Second,
	}
	m, err := mirror.New(src.MirrorDir, client, mirror.Options{
		MaxSize:   src.MaxFileSize,
		UserAgent: src.UserAgent,
		Logger:    log.With("source", src.Name),
	}, mirrorState{db})
	if err != nil {
		return nil, fmt.Errorf("source %s: %w", src.Name, err)
	}
	return m, nil
}

// MirrorDownloads fetches each download of p into m and fills its SHA256,
// Size and LocalPath. A file that cannot be fetched this time (the
// network, the size cap, a 404) keeps the copy last fetched, when there is
// one, so that a passing failure does not count as a change of the
// record; the failure is logged, never returned. Only an error of the
// catalogue, or the context's, is returned.
func MirrorDownloads(ctx context.Context, m *mirror.Mirror, db harvest.Catalogue, log *slog.Logger, p *harvest.Publication) error {
	files := fileMirror{m: m, db: db, log: log.With("source", p.Source)}
	for i := range p.Downloads {
		if err := files.Mirror(ctx, &p.Downloads[i]); err != nil {
			return err
		}
	}
	return nil
}

// fileMirror is the crawler's Files: it mirrors one download, and when
// the fetch fails keeps the last copy it knows, so that a passing network
// error does not read as a change of the record.
type fileMirror struct {
	m   *mirror.Mirror
	db  harvest.Catalogue
	log *slog.Logger
}

func (fm fileMirror) Mirror(ctx context.Context, d *harvest.Download) error {
	f, err := fm.m.Fetch(ctx, d.URL)
	if err != nil {
		if ctx.Err() != nil {
			return ctx.Err()
		}
		if errors.Is(err, mirror.ErrUnsupportedURL) {
			fm.log.Debug("file_not_mirrored", "url", d.URL)
			return nil
		}
		fm.log.Warn("file_failed", "url", d.URL, "err", err)
		prev, ok, lerr := fm.db.LookupFile(ctx, d.URL)
		if lerr != nil || !ok {
			return lerr
		}
		f = prev
	}
	d.SHA256, d.Size, d.LocalPath = f.SHA256, f.Size, f.Path
	return nil
}
