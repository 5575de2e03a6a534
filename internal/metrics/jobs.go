package metrics

import (
	"maps"
	"slices"
	"sync"
)

// Jobs counts the runs of background work by job name: how many run now,
// how many ended well, how many failed. Any code that runs work in the
// background reports into it:
//
//	done := jobs.Start("reminders")
//	n, err := job.RunOnce(ctx)
//	done(err)
//
// It is safe for concurrent use, and a nil *Jobs counts nothing, so that
// a job built without a registry (in tests) needs no check.
type Jobs struct {
	mu   sync.Mutex
	jobs map[string]*jobCounts
}

type jobCounts struct {
	running           int64
	completed, failed uint64
}

func newJobs() *Jobs { return &Jobs{jobs: map[string]*jobCounts{}} }

// Register makes a job appear with zeros before its first run, so that a
// dashboard or an alert on its failures has a series from the start.
func (j *Jobs) Register(name string) {
	if j == nil {
		return
	}
	j.mu.Lock()
	j.counts(name)
	j.mu.Unlock()
}

// counts returns the counters of name, created at first use; j.mu is held.
func (j *Jobs) counts(name string) *jobCounts {
	c := j.jobs[name]
	if c == nil {
		c = &jobCounts{}
		j.jobs[name] = c
	}
	return c
}

// Start records that a run of the job began and returns what records its
// end: done(nil) counts it completed, done(err) failed. Calling done more
// than once counts the run once.
func (j *Jobs) Start(name string) (done func(err error)) {
	if j == nil {
		return func(error) {}
	}
	j.mu.Lock()
	j.counts(name).running++
	j.mu.Unlock()
	var once sync.Once
	return func(err error) {
		once.Do(func() {
			j.mu.Lock()
			defer j.mu.Unlock()
			c := j.counts(name)
			c.running--
			if err != nil {
				c.failed++
			} else {
				c.completed++
			}
		})
	}
}

func (j *Jobs) write(e *encoder) {
	j.mu.Lock()
	defer j.mu.Unlock()
	names := slices.Sorted(maps.Keys(j.jobs))
	e.family("ctg_jobs_running", "gauge", "Runs of background jobs under way, by job.")
	for _, n := range names {
		e.sample("ctg_jobs_running", labels{"job", n}, float64(j.jobs[n].running))
	}
	e.family("ctg_jobs_completed_total", "counter", "Runs of background jobs that ended well, by job.")
	for _, n := range names {
		e.sample("ctg_jobs_completed_total", labels{"job", n}, float64(j.jobs[n].completed))
	}
	e.family("ctg_jobs_failed_total", "counter", "Runs of background jobs that ended in an error, by job.")
	for _, n := range names {
		e.sample("ctg_jobs_failed_total", labels{"job", n}, float64(j.jobs[n].failed))
	}
}
