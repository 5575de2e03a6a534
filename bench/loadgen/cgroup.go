package loadgen

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strconv"
	"sync/atomic"
)

// CPUGroup is a Linux control group that caps the processor time of the
// processes in it, as if each server had a machine of its own of that
// size. On a machine of few cores, servers started side by side would
// otherwise share the same cores, and a second server could add nothing
// that the first did not already use: a measure of scale-out there must
// give each server a fixed share, and leave the rest to the database, the
// proxy and the clients.
type CPUGroup struct {
	dir   string
	procs string // the file a process writes its pid to, to join
}

var groups atomic.Int64

// NewCPUGroup creates a group capped at cpus processors (0.5: half of
// one). It needs root and the cpu controller, of cgroup v2 (cpu.max) or
// v1 (cpu.cfs_quota_us).
func NewCPUGroup(cpus float64) (*CPUGroup, error) {
	const period = 100_000 // µs
	quota := int64(cpus * period)
	name := fmt.Sprintf("ctg-bench-%d-%d", os.Getpid(), groups.Add(1))
	if _, err := os.Stat("/sys/fs/cgroup/cgroup.controllers"); err == nil {
		// cgroup v2: the parent must hand the cpu controller down.
		_ = os.WriteFile("/sys/fs/cgroup/cgroup.subtree_control", []byte("+cpu"), 0)
		g := &CPUGroup{dir: filepath.Join("/sys/fs/cgroup", name)}
		g.procs = filepath.Join(g.dir, "cgroup.procs")
		return g, g.create("cpu.max", fmt.Sprintf("%d %d", quota, period))
	}
	root := "/sys/fs/cgroup/cpu"
	if _, err := os.Stat(filepath.Join(root, "cpu.cfs_quota_us")); err != nil {
		return nil, errors.New("no cpu control group here (cgroup v2 cpu.max or v1 cpu.cfs_quota_us): run as root on Linux, or without a CPU cap")
	}
	g := &CPUGroup{dir: filepath.Join(root, name)}
	g.procs = filepath.Join(g.dir, "cgroup.procs")
	if err := g.create("cpu.cfs_period_us", strconv.Itoa(period)); err != nil {
		return nil, err
	}
	return g, g.write("cpu.cfs_quota_us", strconv.FormatInt(quota, 10))
}

func (g *CPUGroup) create(file, value string) error {
	if err := os.Mkdir(g.dir, 0o755); err != nil {
		return fmt.Errorf("creating the control group %s (root needed): %w", g.dir, err)
	}
	return g.write(file, value)
}

func (g *CPUGroup) write(file, value string) error {
	if err := os.WriteFile(filepath.Join(g.dir, file), []byte(value), 0); err != nil {
		g.Remove()
		return fmt.Errorf("capping the control group: %w", err)
	}
	return nil
}

// Remove deletes the group once its processes have ended; nil does nothing.
func (g *CPUGroup) Remove() {
	if g != nil {
		_ = os.Remove(g.dir)
	}
}
