package web

import (
	"context"
	"harvest"
	"net/http"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/promhttp"
)

// runStatuses are the values of a run's status, each reported for the
// last run of every source (1 for the one it ended with, 0 for the rest).
var runStatuses = []string{harvest.RunRunning, harvest.RunOK, harvest.RunPartial, harvest.RunCancelled, harvest.RunFailed}

var (
	descPages = prometheus.NewDesc("harvest_pages_fetched_total",
		"Pages fetched by all recorded runs of a source.", []string{"source"}, nil)
	descErrors = prometheus.NewDesc("harvest_fetch_errors_total",
		"Pages that failed (HTTP error, timeout, unparsable) in all recorded runs of a source.", []string{"source"}, nil)
	descRuns = prometheus.NewDesc("harvest_runs_total",
		"Recorded runs of a source, by the status they ended with.", []string{"source", "status"}, nil)
	descPublications = prometheus.NewDesc("harvest_publications",
		"Records in the catalogue, by source and status (active, removed).", []string{"source", "status"}, nil)
	descLastStart = prometheus.NewDesc("harvest_last_run_start_timestamp_seconds",
		"When the latest run of a source started (Unix time).", []string{"source"}, nil)
	descLastEnd = prometheus.NewDesc("harvest_last_run_end_timestamp_seconds",
		"When the latest run of a source ended (Unix time); absent while it runs.", []string{"source"}, nil)
	descLastStatus = prometheus.NewDesc("harvest_last_run_status",
		"The outcome of the latest run of a source: 1 for its status, 0 for the others.", []string{"source", "status"}, nil)
	descLastPages = prometheus.NewDesc("harvest_last_run_pages",
		"Pages fetched by the latest run of a source.", []string{"source"}, nil)
	descLastErrors = prometheus.NewDesc("harvest_last_run_errors",
		"Pages that failed in the latest run of a source.", []string{"source"}, nil)
)

// catalogueCollector reads its metrics from the catalogue at scrape time
// (the runs and publications tables), within the scrape's request.
type catalogueCollector struct {
	ctx context.Context
	db  harvest.CatalogueReader
}

func (c catalogueCollector) Describe(ch chan<- *prometheus.Desc) {
	for _, d := range []*prometheus.Desc{descPages, descErrors, descRuns, descPublications,
		descLastStart, descLastEnd, descLastStatus, descLastPages, descLastErrors,
		descLinksChecked, descLinksBroken, descLinks} {
		ch <- d
	}
}

func (c catalogueCollector) Collect(ch chan<- prometheus.Metric) {
	c.collectLinks(ch)
	sources, err := c.db.Sources(c.ctx)
	if err != nil {
		ch <- prometheus.NewInvalidMetric(descPublications, err)
		return
	}
	for _, s := range sources {
		ch <- prometheus.MustNewConstMetric(descPages, prometheus.CounterValue, float64(s.Pages), s.Name)
		ch <- prometheus.MustNewConstMetric(descErrors, prometheus.CounterValue, float64(s.Errors), s.Name)
		for status, n := range s.Runs {
			ch <- prometheus.MustNewConstMetric(descRuns, prometheus.CounterValue, float64(n), s.Name, status)
		}
		for _, status := range []string{harvest.StatusActive, harvest.StatusRemoved} {
			ch <- prometheus.MustNewConstMetric(descPublications, prometheus.GaugeValue, float64(s.Publications[status]), s.Name, status)
		}
		r := s.LastRun
		if r == nil {
			continue
		}
		ch <- prometheus.MustNewConstMetric(descLastStart, prometheus.GaugeValue, float64(r.Started.Unix()), s.Name)
		if !r.Finished.IsZero() {
			ch <- prometheus.MustNewConstMetric(descLastEnd, prometheus.GaugeValue, float64(r.Finished.Unix()), s.Name)
		}
		for _, status := range runStatuses {
			v := 0.0
			if r.Status == status {
				v = 1
			}
			ch <- prometheus.MustNewConstMetric(descLastStatus, prometheus.GaugeValue, v, s.Name, status)
		}
		ch <- prometheus.MustNewConstMetric(descLastPages, prometheus.GaugeValue, float64(r.Pages), s.Name)
		ch <- prometheus.MustNewConstMetric(descLastErrors, prometheus.GaugeValue, float64(r.Errors), s.Name)
	}
}

// metrics serves the Prometheus text format: the catalogue's metrics,
// read now, and the process's (Go runtime, HTTP requests served).
func (s *server) metrics(w http.ResponseWriter, r *http.Request) {
	reg := prometheus.NewRegistry()
	reg.MustRegister(catalogueCollector{ctx: r.Context(), db: s.db})
	promhttp.HandlerFor(prometheus.Gatherers{reg, s.process}, promhttp.HandlerOpts{
		ErrorLog:      slogPrinter{s},
		ErrorHandling: promhttp.HTTPErrorOnError,
	}).ServeHTTP(w, r)
}

// slogPrinter hands promhttp's errors to the server's logger.
type slogPrinter struct{ s *server }

func (p slogPrinter) Println(v ...any) { p.s.log.Error("metrics_error", "err", v) }
