package docgen

import (
	"io"
	"runtime"
	"runtime/metrics"
	"sync"
	"testing"
	"time"
)

// The documents of a large convention: 50 actions and 2,000 budget lines.
// Each must be written in under a second and 200 MB of memory; the
// benchmarks report, besides time and allocations, the peak of the live
// heap while they run (sampled every millisecond) in MB.
//
//	go test -run '^$' -bench 'Convention(DOCX|PDF|XLSX)' -benchmem ./internal/docgen/

func BenchmarkConventionDOCX(b *testing.B) {
	c := sampleConvention(50, 2000)
	benchDocument(b, func() error { return c.WriteDOCX(io.Discard) })
}

func BenchmarkConventionPDF(b *testing.B) {
	c := sampleConvention(50, 2000)
	benchDocument(b, func() error { return c.WritePDF(io.Discard) })
}

func benchDocument(b *testing.B, write func() error) {
	b.ReportAllocs()
	peak := watchHeap()
	for b.Loop() {
		if err := write(); err != nil {
			b.Fatal(err)
		}
	}
	b.ReportMetric(float64(peak())/(1<<20), "peak-heap-MB")
}

// watchHeap samples the live heap until the returned function is called,
// which gives the largest value seen.
func watchHeap() func() uint64 {
	runtime.GC()
	sample := []metrics.Sample{{Name: "/memory/classes/heap/objects:bytes"}}
	var (
		mu   sync.Mutex
		max  uint64
		done = make(chan struct{})
		wg   sync.WaitGroup
	)
	read := func() {
		metrics.Read(sample)
		v := sample[0].Value.Uint64()
		mu.Lock()
		if v > max {
			max = v
		}
		mu.Unlock()
	}
	wg.Add(1)
	go func() {
		defer wg.Done()
		t := time.NewTicker(time.Millisecond)
		defer t.Stop()
		for {
			select {
			case <-done:
				return
			case <-t.C:
				read()
			}
		}
	}()
	return func() uint64 {
		read()
		close(done)
		wg.Wait()
		mu.Lock()
		defer mu.Unlock()
		return max
	}
}
