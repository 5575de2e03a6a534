package loadgen

import (
	"bufio"
	"context"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
	"time"
)

// Build compiles ./cmd/ctg into dir and returns the binary's path. Run
// from the module's root.
func Build(ctx context.Context, dir string) (string, error) {
	bin := filepath.Join(dir, "ctg")
	build := exec.CommandContext(ctx, "go", "build", "-o", bin, "./cmd/ctg")
	build.Stdout, build.Stderr = os.Stderr, os.Stderr
	if err := build.Run(); err != nil {
		return "", fmt.Errorf("go build ./cmd/ctg (run from the module's root): %w", err)
	}
	return bin, nil
}

// FreeAddr returns a loopback address with a port nobody listens on.
func FreeAddr() (string, error) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return "", err
	}
	defer ln.Close()
	return ln.Addr().String(), nil
}

// Process is a ctg serve started by Serve.
type Process struct {
	Base  string        // http://127.0.0.1:port
	Ready time.Duration // from exec to the first 200 of /healthz
	Self  time.Duration // what the server printed: "prêt en N ms"
	cmd   *exec.Cmd
	cg    *CPUGroup
}

// ServeConfig says how to start one ctg serve.
type ServeConfig struct {
	Bin     string
	Args    []string      // after "serve --addr A"
	Stderr  io.Writer     // the server's log; nil discards it
	Timeout time.Duration // longest wait for /healthz (default 60 s)
	// CPU, when above zero, caps the processor time of the server to that
	// many processors, through a control group (see CPUGroup).
	CPU float64
}

// Serve starts ctg serve on a free loopback port and waits until /healthz
// answers 200.
func Serve(ctx context.Context, c ServeConfig) (*Process, error) {
	addr, err := FreeAddr()
	if err != nil {
		return nil, err
	}
	args := append([]string{"serve", "--addr", addr}, c.Args...)
	p := &Process{Base: "http://" + addr}
	if c.CPU > 0 {
		if p.cg, err = NewCPUGroup(c.CPU); err != nil {
			return nil, err
		}
		// The shell joins the group, then becomes ctg: the server never
		// runs a moment outside it.
		args = append([]string{"-c", `echo $$ > "$0" && exec "$@"`, p.cg.procs, c.Bin}, args...)
		p.cmd = exec.CommandContext(ctx, "/bin/sh", args...)
	} else {
		p.cmd = exec.CommandContext(ctx, c.Bin, args...)
	}
	p.cmd.Env = append(os.Environ(), "CTG_DEBUG=")
	p.cmd.Stderr = c.Stderr
	p.cmd.Cancel = func() error { return p.cmd.Process.Signal(syscall.SIGTERM) }
	p.cmd.WaitDelay = 30 * time.Second
	stdout, err := p.cmd.StdoutPipe()
	if err != nil {
		return nil, err
	}
	self := make(chan time.Duration, 1)
	t0 := time.Now()
	if err := p.cmd.Start(); err != nil {
		p.cg.Remove()
		return nil, err
	}
	go func() {
		// "ctg écoute sur http://… (prêt en 123 ms)"
		sc := bufio.NewScanner(stdout)
		for sc.Scan() {
			line := sc.Text()
			if i := strings.Index(line, "prêt en "); i >= 0 {
				f := strings.Fields(line[i+len("prêt en "):])
				if n, err := strconv.Atoi(f[0]); err == nil {
					self <- time.Duration(n) * time.Millisecond
				}
			}
		}
	}()
	timeout := c.Timeout
	if timeout == 0 {
		timeout = time.Minute
	}
	client := &http.Client{Timeout: time.Second}
	for deadline := t0.Add(timeout); ; time.Sleep(2 * time.Millisecond) {
		resp, err := client.Get(p.Base + "/healthz")
		if err == nil {
			resp.Body.Close()
			if resp.StatusCode == http.StatusOK {
				p.Ready = time.Since(t0)
				break
			}
		}
		if time.Now().After(deadline) {
			p.Stop()
			return nil, fmt.Errorf("/healthz of %s did not answer 200 within %v", p.Base, timeout)
		}
	}
	select {
	case p.Self = <-self:
	case <-time.After(5 * time.Second):
	}
	return p, nil
}

// Pid is the server's process id.
func (p *Process) Pid() int { return p.cmd.Process.Pid }

// Stop sends SIGTERM, as a service manager would, and waits.
func (p *Process) Stop() error {
	defer p.cg.Remove()
	if p.cmd.ProcessState != nil {
		return nil
	}
	_ = p.cmd.Process.Signal(syscall.SIGTERM)
	done := make(chan error, 1)
	go func() { done <- p.cmd.Wait() }()
	select {
	case err := <-done:
		return err
	case <-time.After(30 * time.Second):
		_ = p.cmd.Process.Kill()
		return errors.New("ctg serve did not stop within 30 s of SIGTERM")
	}
}

// Memory reads VmRSS and VmHWM of the server, in kB, from /proc.
func (p *Process) Memory() (rss, hwm int64, err error) {
	b, err := os.ReadFile(fmt.Sprintf("/proc/%d/status", p.Pid()))
	if err != nil {
		return 0, 0, err
	}
	for line := range strings.SplitSeq(string(b), "\n") {
		f := strings.Fields(line)
		if len(f) < 2 {
			continue
		}
		n, _ := strconv.ParseInt(f[1], 10, 64)
		switch f[0] {
		case "VmRSS:":
			rss = n
		case "VmHWM:":
			hwm = n
		}
	}
	return rss, hwm, nil
}

// CPUTime is the processor time the server has used, user and system.
func (p *Process) CPUTime() (time.Duration, error) {
	b, err := os.ReadFile(fmt.Sprintf("/proc/%d/stat", p.Pid()))
	if err != nil {
		return 0, err
	}
	_, cpu, ok := parseStat(string(b))
	if !ok {
		return 0, fmt.Errorf("/proc/%d/stat: unexpected format", p.Pid())
	}
	return cpu, nil
}

// parseStat reads the command's name and the user and system time from a
// /proc/<pid>/stat. The name is in parentheses and may hold spaces; utime
// and stime are the 12th and 13th fields after it, in ticks of 1/100 s.
func parseStat(s string) (name string, cpu time.Duration, ok bool) {
	open, close := strings.IndexByte(s, '('), strings.LastIndexByte(s, ')')
	if open < 0 || close < open {
		return "", 0, false
	}
	f := strings.Fields(s[close+1:])
	if len(f) < 13 {
		return "", 0, false
	}
	ut, _ := strconv.ParseInt(f[11], 10, 64)
	st, _ := strconv.ParseInt(f[12], 10, 64)
	return s[open+1 : close], time.Duration(ut+st) * time.Second / 100, true
}

// CommandCPU sums the processor time of every process of the machine
// whose command is name ("postgres": the database server and its
// backends), from /proc; processes that ended meanwhile are not counted.
func CommandCPU(name string) time.Duration {
	dirs, _ := filepath.Glob("/proc/[0-9]*/stat")
	var total time.Duration
	for _, f := range dirs {
		b, err := os.ReadFile(f)
		if err != nil {
			continue
		}
		if n, cpu, ok := parseStat(string(b)); ok && n == name {
			total += cpu
		}
	}
	return total
}
