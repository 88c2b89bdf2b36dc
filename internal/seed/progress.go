package seed

import (
	"fmt"
	"time"
)

// progress prints a line to Options.Progress about once every
// ProgressEvery: people done, the rate, rows written and the time left.
type progress struct {
	opt         Options
	engine      string
	start, last time.Time
}

func newProgress(opt Options, engine string) *progress {
	now := time.Now()
	return &progress{opt: opt, engine: engine, start: now, last: now}
}

func sum(counts []int64) int64 {
	var n int64
	for _, c := range counts {
		n += c
	}
	return n
}

func (p *progress) update(people int, counts []int64) {
	now := time.Now()
	if now.Sub(p.last) < p.opt.ProgressEvery {
		return
	}
	p.last = now
	el := now.Sub(p.start).Seconds()
	rate := float64(people) / el
	eta := "–"
	if rate > 0 {
		eta = (time.Duration(float64(p.opt.People-people)/rate) * time.Second).Round(time.Second).String()
	}
	fmt.Fprintf(p.opt.Progress, "seed: %d of %d people (%.0f%%), %.0f people/s, %d rows (%.0f rows/s), about %s left\n",
		people, p.opt.People, 100*float64(people)/float64(p.opt.People), rate, sum(counts), float64(sum(counts))/el, eta)
}

func (p *progress) done(people int, counts []int64) {
	el := time.Since(p.start)
	fmt.Fprintf(p.opt.Progress, "seed: %d people and %d rows written to %s in %s (%.0f people/s, %.0f rows/s)\n",
		people, sum(counts), p.engine, el.Round(time.Millisecond), float64(people)/el.Seconds(), float64(sum(counts))/el.Seconds())
}
