package bench

import (
	"math"
	"math/bits"
	"time"
)

// Latencies are recorded in a log-linear histogram in the style of
// HdrHistogram rather than as a list of samples, so a long run at national
// scale uses the same small, fixed memory as a short one and recording
// allocates nothing.
//
// Values are whole microseconds. Below 2^subBits µs (128 µs) every value has
// its own bucket, so those are exact; above, each power of two is split into
// 2^subBits equal buckets, so a bucket is never wider than 1/128 of its lower
// bound (under 0.8 % relative error). A percentile is the nearest-rank value
// (the smallest recorded value with at least p % of the samples at or below
// it), reported as the upper bound of the bucket that holds it and never
// above the exact maximum, so it can overstate a latency by under 0.8 % but
// never understate it.
const (
	subBits    = 7
	subCount   = 1 << subBits // buckets per power of two
	maxShift   = 30           // values up to 2^37 µs (38 hours) have their own buckets
	numBuckets = subCount + maxShift*subCount
)

// Histogram counts latencies. The zero value is ready to use; it is not
// safe for concurrent use (each virtual user keeps its own and they are
// merged at the end).
type Histogram struct {
	counts [numBuckets]uint64
	n      uint64
	sumUS  float64
	maxUS  uint64
}

// bucketOf returns the bucket index of v microseconds.
func bucketOf(v uint64) int {
	if v < subCount {
		return int(v)
	}
	shift := bits.Len64(v) - 1 - subBits // ≥ 0
	if shift >= maxShift {
		return numBuckets - 1
	}
	mantissa := v >> uint(shift) // in [subCount, 2*subCount)
	return subCount + shift*subCount + int(mantissa-subCount)
}

// bucketHigh is the largest value that falls in bucket i.
func bucketHigh(i int) uint64 {
	if i < subCount {
		return uint64(i)
	}
	shift := (i - subCount) / subCount
	mantissa := uint64(subCount + (i-subCount)%subCount)
	return (mantissa+1)<<uint(shift) - 1
}

// Record adds one latency.
func (h *Histogram) Record(d time.Duration) {
	us := d.Microseconds()
	if us < 0 {
		us = 0
	}
	v := uint64(us)
	h.counts[bucketOf(v)]++
	h.n++
	h.sumUS += float64(v)
	if v > h.maxUS {
		h.maxUS = v
	}
}

// Merge adds o's counts to h.
func (h *Histogram) Merge(o *Histogram) {
	if o.n == 0 {
		return
	}
	for i, c := range o.counts {
		h.counts[i] += c
	}
	h.n += o.n
	h.sumUS += o.sumUS
	if o.maxUS > h.maxUS {
		h.maxUS = o.maxUS
	}
}

// Count is the number of latencies recorded.
func (h *Histogram) Count() uint64 { return h.n }

// Max is the largest latency recorded, exactly.
func (h *Histogram) Max() time.Duration { return time.Duration(h.maxUS) * time.Microsecond }

// Mean is the average latency.
func (h *Histogram) Mean() time.Duration {
	if h.n == 0 {
		return 0
	}
	return time.Duration(h.sumUS/float64(h.n)) * time.Microsecond
}

// Percentile returns the nearest-rank p-th percentile (0 < p ≤ 100); 0 when
// nothing was recorded.
func (h *Histogram) Percentile(p float64) time.Duration {
	if h.n == 0 {
		return 0
	}
	// The small epsilon keeps float error (0.999*20000 = 19980.000000000004)
	// from moving the rank up by one.
	rank := uint64(math.Ceil(p/100*float64(h.n) - 1e-9))
	if rank < 1 {
		rank = 1
	}
	if rank > h.n {
		rank = h.n
	}
	var seen uint64
	for i, c := range h.counts {
		seen += c
		if seen >= rank {
			v := bucketHigh(i)
			if v > h.maxUS {
				v = h.maxUS
			}
			return time.Duration(v) * time.Microsecond
		}
	}
	return h.Max()
}
