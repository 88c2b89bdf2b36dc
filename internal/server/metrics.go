package server

import (
	"net/http"
	"strconv"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/collectors"
	"github.com/prometheus/client_golang/prometheus/promhttp"

	"liaise/internal/sqlstore"
)

// metrics lives on its own registry (no global state), so tests can build
// many servers.
type metrics struct {
	reg      *prometheus.Registry
	requests *prometheus.CounterVec
	latency  *prometheus.HistogramVec
}

func newMetrics(db *sqlstore.DB) *metrics {
	m := &metrics{reg: prometheus.NewRegistry()}
	m.requests = prometheus.NewCounterVec(prometheus.CounterOpts{
		Name: "liaise_http_requests_total", Help: "HTTP requests by method, route pattern and status.",
	}, []string{"method", "route", "status"})
	m.latency = prometheus.NewHistogramVec(prometheus.HistogramOpts{
		Name: "liaise_http_request_duration_seconds", Help: "HTTP request latency by method and route pattern.",
		Buckets: []float64{.001, .0025, .005, .01, .02, .03, .05, .1, .25, .5, 1, 2.5, 5},
	}, []string{"method", "route"})
	m.reg.MustRegister(m.requests, m.latency,
		collectors.NewGoCollector(), collectors.NewProcessCollector(collectors.ProcessCollectorOpts{}))
	if db != nil {
		m.reg.MustRegister(dbCollector{db})
	}
	return m
}

func (m *metrics) observe(method, route string, status int, d time.Duration) {
	m.requests.WithLabelValues(method, route, strconv.Itoa(status)).Inc()
	m.latency.WithLabelValues(method, route).Observe(d.Seconds())
}

func (m *metrics) handler() http.Handler {
	return promhttp.HandlerFor(m.reg, promhttp.HandlerOpts{})
}

// dbCollector reports the database pools.
type dbCollector struct{ db *sqlstore.DB }

var (
	dbOpen  = prometheus.NewDesc("liaise_db_connections_open", "Open database connections by pool.", []string{"pool"}, nil)
	dbInUse = prometheus.NewDesc("liaise_db_connections_in_use", "Database connections in use by pool.", []string{"pool"}, nil)
	dbWait  = prometheus.NewDesc("liaise_db_wait_seconds_total", "Time spent waiting for a database connection by pool.", []string{"pool"}, nil)
	dbWaits = prometheus.NewDesc("liaise_db_waits_total", "Waits for a database connection by pool.", []string{"pool"}, nil)
)

func (c dbCollector) Describe(ch chan<- *prometheus.Desc) {
	ch <- dbOpen
	ch <- dbInUse
	ch <- dbWait
	ch <- dbWaits
}

func (c dbCollector) Collect(ch chan<- prometheus.Metric) {
	w, r := c.db.Stats()
	emit := func(pool string, open, inUse int, wait time.Duration, waits int64) {
		ch <- prometheus.MustNewConstMetric(dbOpen, prometheus.GaugeValue, float64(open), pool)
		ch <- prometheus.MustNewConstMetric(dbInUse, prometheus.GaugeValue, float64(inUse), pool)
		ch <- prometheus.MustNewConstMetric(dbWait, prometheus.CounterValue, wait.Seconds(), pool)
		ch <- prometheus.MustNewConstMetric(dbWaits, prometheus.CounterValue, float64(waits), pool)
	}
	emit("write", w.OpenConnections, w.InUse, w.WaitDuration, w.WaitCount)
	if c.db.Engine == sqlstore.SQLite {
		emit("read", r.OpenConnections, r.InUse, r.WaitDuration, r.WaitCount)
	}
}
