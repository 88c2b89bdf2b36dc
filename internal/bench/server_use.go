package bench

import (
	"bufio"
	"bytes"
	"context"
	"math"
	"strconv"
	"strings"
)

// ServerUse is what the server process itself spent on an operation, read
// from its Prometheus /metrics at the start and the end of the measured
// window. On a shared machine throughput moves with the neighbours; CPU time
// a request moves much less, so it is the figure to compare changes by.
// The database server's own CPU (PostgreSQL) is not included.
type ServerUse struct {
	CPUMSPerRequest float64 `json:"cpu_ms_per_request"`
	CPUS            float64 `json:"cpu_s"`
	RSSMB           float64 `json:"rss_mb"`
}

// serverSample is one reading of the server's metrics.
type serverSample struct {
	cpu, rss float64
	ok       bool
}

// sampleServer reads process_cpu_seconds_total and
// process_resident_memory_bytes from /metrics; ok is false when the server
// does not expose them (the bench then reports no server figures).
func (c *client) sampleServer(ctx context.Context) serverSample {
	var buf bytes.Buffer
	r, err := c.do(ctx, &buf, "GET", "/metrics", auth{}, "", nil)
	if err != nil || r.Status != 200 {
		return serverSample{}
	}
	return parseServerMetrics(r.Body)
}

func parseServerMetrics(body []byte) serverSample {
	var s serverSample
	var haveCPU, haveRSS bool
	sc := bufio.NewScanner(bytes.NewReader(body))
	for sc.Scan() {
		name, value, ok := strings.Cut(sc.Text(), " ")
		if !ok {
			continue
		}
		f, err := strconv.ParseFloat(strings.TrimSpace(value), 64)
		if err != nil {
			continue
		}
		switch name {
		case "process_cpu_seconds_total":
			s.cpu, haveCPU = f, true
		case "process_resident_memory_bytes":
			s.rss, haveRSS = f, true
		}
	}
	s.ok = haveCPU && haveRSS
	return s
}

// serverUse is the server's use between two samples over n requests (nil
// when either sample failed or nothing completed).
func serverUse(before, after serverSample, n uint64) *ServerUse {
	if !before.ok || !after.ok || n == 0 || after.cpu < before.cpu {
		return nil
	}
	cpu := after.cpu - before.cpu
	return &ServerUse{CPUMSPerRequest: round3(cpu * 1000 / float64(n)), CPUS: round3(cpu), RSSMB: math.Round(after.rss/1e6*10) / 10}
}
