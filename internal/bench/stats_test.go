package bench

import (
	"math"
	"math/rand/v2"
	"slices"
	"testing"
	"time"
)

func us(n int64) time.Duration { return time.Duration(n) * time.Microsecond }

func TestPercentiles(t *testing.T) {
	seq := func(from, to, step int64) []time.Duration {
		var out []time.Duration
		for v := from; v <= to; v += step {
			out = append(out, us(v))
		}
		return out
	}
	tests := []struct {
		name               string
		values             []time.Duration
		p50, p95, p99, max time.Duration
		tolerance          float64 // relative; 0 = exact
	}{
		{name: "empty"},
		{name: "one value", values: []time.Duration{5 * time.Millisecond},
			p50: 5 * time.Millisecond, p95: 5 * time.Millisecond, p99: 5 * time.Millisecond, max: 5 * time.Millisecond},
		// Under 128 µs every value is its own bucket: nearest rank, exactly.
		{name: "1..100 µs", values: seq(1, 100, 1), p50: us(50), p95: us(95), p99: us(99), max: us(100)},
		{name: "two values", values: []time.Duration{us(10), us(90)}, p50: us(10), p95: us(90), p99: us(90), max: us(90)},
		// Larger values: within the histogram's resolution (1/128), never below.
		{name: "1..1000 ms", values: seq(1000, 1_000_000, 1000),
			p50: 500 * time.Millisecond, p95: 950 * time.Millisecond, p99: 990 * time.Millisecond, max: time.Second, tolerance: 1.0 / 128},
		{name: "long tail", values: append(slices.Repeat([]time.Duration{2 * time.Millisecond}, 990), slices.Repeat([]time.Duration{300 * time.Millisecond}, 10)...),
			p50: 2 * time.Millisecond, p95: 2 * time.Millisecond, p99: 2 * time.Millisecond, max: 300 * time.Millisecond, tolerance: 1.0 / 128},
		{name: "p99 in the tail", values: append(slices.Repeat([]time.Duration{2 * time.Millisecond}, 98), 300*time.Millisecond, 300*time.Millisecond),
			p50: 2 * time.Millisecond, p95: 2 * time.Millisecond, p99: 300 * time.Millisecond, max: 300 * time.Millisecond, tolerance: 1.0 / 128},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var h Histogram
			// Order must not matter.
			vals := slices.Clone(tt.values)
			rand.New(rand.NewPCG(1, 2)).Shuffle(len(vals), func(i, j int) { vals[i], vals[j] = vals[j], vals[i] })
			for _, v := range vals {
				h.Record(v)
			}
			if h.Count() != uint64(len(tt.values)) {
				t.Errorf("count = %d, want %d", h.Count(), len(tt.values))
			}
			check := func(what string, got, want time.Duration) {
				t.Helper()
				if got < want || float64(got-want) > tt.tolerance*float64(want) {
					t.Errorf("%s = %v, want %v (tolerance %.4f, never below)", what, got, want, tt.tolerance)
				}
			}
			check("p50", h.Percentile(50), tt.p50)
			check("p95", h.Percentile(95), tt.p95)
			check("p99", h.Percentile(99), tt.p99)
			if h.Max() != tt.max {
				t.Errorf("max = %v, want %v exactly", h.Max(), tt.max)
			}
		})
	}
}

// TestPercentileAgainstSortedSamples compares the histogram with the exact
// nearest-rank percentile of sorted samples on random latencies.
func TestPercentileAgainstSortedSamples(t *testing.T) {
	rng := rand.New(rand.NewPCG(7, 7))
	var h Histogram
	var samples []time.Duration
	for range 20000 {
		// Log-normal-ish: mostly a few ms, a tail to seconds.
		v := us(int64(200 + rng.ExpFloat64()*3000*float64(1+rng.IntN(3)*rng.IntN(3)*rng.IntN(10))))
		h.Record(v)
		samples = append(samples, v)
	}
	slices.Sort(samples)
	for _, p := range []float64{1, 10, 50, 90, 95, 99, 99.9, 100} {
		rank := int(math.Ceil(float64(len(samples))*p/100-1e-9)) - 1
		exact := samples[max(rank, 0)]
		got := h.Percentile(p)
		if got < exact || float64(got-exact) > float64(exact)/128 {
			t.Errorf("p%v = %v, exact %v", p, got, exact)
		}
	}
}

func TestBuckets(t *testing.T) {
	prev := -1
	for v := uint64(0); v < 1<<22; v += 1 + v/97 {
		b := bucketOf(v)
		if b < prev {
			t.Fatalf("bucketOf not monotonic at %d", v)
		}
		prev = b
		hi := bucketHigh(b)
		if hi < v {
			t.Fatalf("bucketHigh(bucketOf(%d)) = %d, below the value", v, hi)
		}
		if v >= subCount && float64(hi-v) > float64(v)/subCount {
			t.Fatalf("bucket of %d reaches %d: wider than 1/%d", v, hi, subCount)
		}
		if b > 0 && bucketHigh(b-1) >= v {
			t.Fatalf("%d also fits the bucket before its own", v)
		}
	}
	if bucketOf(1<<62) != numBuckets-1 {
		t.Error("huge values are not clamped to the last bucket")
	}
}

func TestMergeAndMean(t *testing.T) {
	var a, b, all Histogram
	for i := int64(1); i <= 1000; i++ {
		v := us(i * 37 % 5000)
		all.Record(v)
		if i%2 == 0 {
			a.Record(v)
		} else {
			b.Record(v)
		}
	}
	a.Merge(&b)
	a.Merge(&Histogram{})
	for _, p := range []float64{50, 95, 99} {
		if a.Percentile(p) != all.Percentile(p) {
			t.Errorf("merged p%v = %v, want %v", p, a.Percentile(p), all.Percentile(p))
		}
	}
	if a.Count() != all.Count() || a.Max() != all.Max() || a.Mean() != all.Mean() {
		t.Errorf("merged count/max/mean %d/%v/%v, want %d/%v/%v", a.Count(), a.Max(), a.Mean(), all.Count(), all.Max(), all.Mean())
	}
	var m Histogram
	m.Record(us(10))
	m.Record(us(30))
	if m.Mean() != us(20) {
		t.Errorf("mean = %v, want 20µs", m.Mean())
	}
}
