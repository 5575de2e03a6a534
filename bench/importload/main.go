// Command importload measures the import of a France-wide commune file:
// 34,875 rows × 60 indicator columns (about 2.1 million values), generated
// by package synth into a temporary file, then imported into a fresh SQLite
// file and a fresh PostgreSQL schema through the same code as
// POST /api/v1/imports (diagnostic.ReadTable, then store.ImportIndicators).
// Each database is measured in a process of its own, so that its peak
// resident memory (VmHWM) is its own; the peak Go heap is sampled every
// 5 ms. The same file is then imported a second time, which replaces every
// value.
//
//	go run ./bench/importload
//	go run ./bench/importload -columns 60 -db sqlite
//	go run ./bench/importload -db 'postgres://postgres@127.0.0.1:5432/test?sslmode=disable'
//
// Linux only (/proc). See bench/README.md and docs/performance.md.
package main

import (
	"bufio"
	"context"
	"encoding/json"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"runtime/metrics"
	"runtime/pprof"
	"strconv"
	"strings"
	"sync/atomic"
	"time"

	"ctg/bench/dataset"
	"ctg/bench/importload/synth"
	"ctg/internal/diagnostic"
	"ctg/internal/store"
	"ctg/internal/territory"
)

// result is what a child process reports on its last line.
type result struct {
	Dialect      string  `json:"dialect"`
	Rows         int     `json:"rows"`
	Values       int     `json:"values"`
	Secret       int     `json:"secret"`
	ReadSeconds  float64 `json:"read_s"`
	FirstSeconds float64 `json:"first_s"`
	AgainSeconds float64 `json:"again_s"`
	PeakRSSMiB   float64 `json:"peak_rss_mib"`
	PeakHeapMiB  float64 `json:"peak_heap_mib"`
	FileMiB      float64 `json:"file_mib"`
}

func main() {
	columns := flag.Int("columns", 60, "indicator columns")
	dbs := flag.String("db", "sqlite,"+postgresURL(), "databases, comma-separated: sqlite, or a postgres:// URL")
	child := flag.String("child", "", "internal: the file a child process imports")
	cpuprofile := flag.String("cpuprofile", "", "write a CPU profile of each import to this file, suffixed with the dialect")
	flag.Parse()
	if os.Getenv("CTG_DEBUG") != "" {
		slog.SetDefault(slog.New(slog.NewTextHandler(os.Stderr, &slog.HandlerOptions{Level: slog.LevelDebug})))
	} else {
		slog.SetDefault(slog.New(slog.NewTextHandler(io.Discard, nil)))
	}
	ctx := context.Background()
	if *child != "" {
		if *cpuprofile != "" {
			f, err := os.Create(*cpuprofile)
			if err == nil {
				pprof.StartCPUProfile(f)
				defer pprof.StopCPUProfile()
			}
		}
		r, err := measure(ctx, *dbs, *child, *columns)
		if err != nil {
			fmt.Fprintln(os.Stderr, "importload:", err)
			pprof.StopCPUProfile()
			os.Exit(1)
		}
		json.NewEncoder(os.Stdout).Encode(r)
		return
	}
	if err := run(ctx, strings.Split(*dbs, ","), *columns, *cpuprofile); err != nil {
		fmt.Fprintln(os.Stderr, "importload:", err)
		os.Exit(1)
	}
}

func postgresURL() string {
	if u := os.Getenv("CTG_TEST_POSTGRES"); u != "" {
		return u
	}
	return "postgres://postgres@127.0.0.1:5432/test?sslmode=disable"
}

func run(ctx context.Context, dbs []string, columns int, cpuprofile string) error {
	ref, err := territory.Load()
	if err != nil {
		return err
	}
	dir, err := os.MkdirTemp("", "importload")
	if err != nil {
		return err
	}
	defer os.RemoveAll(dir)
	file := filepath.Join(dir, "communes.csv")
	f, err := os.Create(file)
	if err != nil {
		return err
	}
	if err := synth.Write(f, ref, synth.Indicators(columns), 1); err != nil {
		return err
	}
	if err := f.Close(); err != nil {
		return err
	}
	fmt.Printf("%d communes × %d indicator columns, %d CPU, %s\n", ref.NumCommunes(), columns, runtime.NumCPU(), runtime.Version())
	fmt.Printf("%-10s %9s %10s %8s %9s %11s %11s %10s %11s\n", "database", "file MiB", "values", "read s", "import s", "re-import s", "peak RSS", "peak heap", "values/s")
	for _, db := range dbs {
		db = strings.TrimSpace(db)
		args := []string{"-child", file, "-db", db, "-columns", strconv.Itoa(columns)}
		if cpuprofile != "" {
			name := "sqlite"
			if dataset.IsPostgres(db) {
				name = "postgres"
			}
			args = append(args, "-cpuprofile", cpuprofile+"."+name)
		}
		cmd := exec.CommandContext(ctx, os.Args[0], args...)
		cmd.Stderr = os.Stderr
		out, err := cmd.Output()
		if err != nil {
			return fmt.Errorf("%s: %w", db, err)
		}
		var r result
		lines := strings.Split(strings.TrimSpace(string(out)), "\n")
		if err := json.Unmarshal([]byte(lines[len(lines)-1]), &r); err != nil {
			return fmt.Errorf("%s: %w", db, err)
		}
		fmt.Printf("%-10s %9.1f %10d %8.2f %9.2f %11.2f %7.0f MiB %6.0f MiB %11.0f\n", r.Dialect, r.FileMiB, r.Values+r.Secret,
			r.ReadSeconds, r.FirstSeconds, r.AgainSeconds, r.PeakRSSMiB, r.PeakHeapMiB, float64(r.Values+r.Secret)/r.FirstSeconds)
	}
	return nil
}

// measure runs in the child: a fresh database, the custom indicators, then
// the import timed twice.
func measure(ctx context.Context, db, file string, columns int) (*result, error) {
	var peakHeap atomic.Uint64
	stop := sampleHeap(&peakHeap)
	defer stop()
	ref, err := territory.Load()
	if err != nil {
		return nil, err
	}
	dsn := db
	if dataset.IsPostgres(db) {
		fresh, cleanup, err := dataset.FreshSchema(ctx, db)
		if err != nil {
			return nil, err
		}
		defer cleanup()
		dsn = fresh
	} else {
		dir, err := os.MkdirTemp("", "importload-db")
		if err != nil {
			return nil, err
		}
		defer os.RemoveAll(dir)
		dsn = filepath.Join(dir, "ctg.db")
	}
	s, err := store.Open(ctx, dsn)
	if err != nil {
		return nil, err
	}
	defer s.Close()
	if err := s.Prepare(ctx, ref); err != nil {
		return nil, err
	}
	for _, ind := range synth.Custom(synth.Indicators(columns)) {
		if err := s.CreateIndicator(ctx, ref, nil, &ind); err != nil {
			return nil, err
		}
	}
	st, err := os.Stat(file)
	if err != nil {
		return nil, err
	}
	r := &result{Dialect: s.Dialect, FileMiB: float64(st.Size()) / (1 << 20)}
	runtime.GC()
	once := func() (*diagnostic.ImportSummary, time.Duration, time.Duration, error) {
		start := time.Now()
		f, err := os.Open(file)
		if err != nil {
			return nil, 0, 0, err
		}
		defer f.Close()
		t, err := diagnostic.ReadTable(bufio.NewReader(f), filepath.Base(file))
		if err != nil {
			return nil, 0, 0, err
		}
		read := time.Since(start)
		sum, err := s.ImportIndicators(ctx, ref, nil, t, diagnostic.ImportRequest{Filename: "communes.csv", Year: synth.Year, Source: "Données de mesure"}, nil)
		return sum, read, time.Since(start), err
	}
	sum, read, first, err := once()
	if err != nil {
		return nil, err
	}
	r.Rows, r.Values, r.Secret, r.ReadSeconds, r.FirstSeconds = sum.Rows, sum.Values, sum.Secret, read.Seconds(), first.Seconds()
	runtime.GC()
	if _, _, again, err := once(); err != nil {
		return nil, err
	} else {
		r.AgainSeconds = again.Seconds()
	}
	r.PeakRSSMiB = float64(vmHWM()) / 1024
	r.PeakHeapMiB = float64(peakHeap.Load()) / (1 << 20)
	return r, nil
}

// sampleHeap records the largest live heap seen every 5 ms.
func sampleHeap(peak *atomic.Uint64) (stop func()) {
	done := make(chan struct{})
	go func() {
		s := []metrics.Sample{{Name: "/memory/classes/heap/objects:bytes"}}
		t := time.NewTicker(5 * time.Millisecond)
		defer t.Stop()
		for {
			select {
			case <-done:
				return
			case <-t.C:
				metrics.Read(s)
				if v := s[0].Value.Uint64(); v > peak.Load() {
					peak.Store(v)
				}
			}
		}
	}()
	return func() { close(done) }
}

// vmHWM returns the peak resident memory of this process, in KiB.
func vmHWM() int {
	b, err := os.ReadFile("/proc/self/status")
	if err != nil {
		return 0
	}
	for _, l := range strings.Split(string(b), "\n") {
		if v, ok := strings.CutPrefix(l, "VmHWM:"); ok {
			n, _ := strconv.Atoi(strings.TrimSpace(strings.TrimSuffix(strings.TrimSpace(v), "kB")))
			return n
		}
	}
	return 0
}
