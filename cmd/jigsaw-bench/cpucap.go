package main

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"time"
)

// cpuCap holds one process to a fixed share of the machine's CPU through a
// cgroup of its own (the cpu controller of cgroup v1, or cpu.max of v2).
// The scale-out measure uses it to give each serve process the CPU of a
// small machine of its own: on a machine with few cores the processes,
// PostgreSQL and the load generator otherwise share them all, and a second
// process has nothing left to run on.
type cpuCap struct {
	dir    string // the cgroup made for the process
	parent string // where the process's tasks go back to
	pid    int
}

// capCPU moves pid into a new cgroup named name, limited to cpus CPUs.
// It needs write access to the cgroup file system (root, usually).
func capCPU(pid int, name string, cpus float64) (*cpuCap, error) {
	const period = 100000 // µs
	quota := strconv.Itoa(int(cpus * period))
	if _, err := os.Stat("/sys/fs/cgroup/cgroup.controllers"); err == nil {
		// cgroup v2: the root lends its cpu controller to a child of its own.
		root := "/sys/fs/cgroup"
		if err := os.WriteFile(filepath.Join(root, "cgroup.subtree_control"), []byte("+cpu"), 0); err != nil {
			return nil, fmt.Errorf("enable the cpu controller: %w", err)
		}
		c := &cpuCap{dir: filepath.Join(root, name), parent: root, pid: pid}
		return c, c.enter(func() error {
			return os.WriteFile(filepath.Join(c.dir, "cpu.max"), []byte(quota+" "+strconv.Itoa(period)), 0)
		})
	}
	root := "/sys/fs/cgroup/cpu"
	if _, err := os.Stat(filepath.Join(root, "cpu.cfs_quota_us")); err != nil {
		return nil, errors.New("no cgroup cpu controller to limit processes with")
	}
	c := &cpuCap{dir: filepath.Join(root, name), parent: root, pid: pid}
	return c, c.enter(func() error {
		if err := os.WriteFile(filepath.Join(c.dir, "cpu.cfs_period_us"), []byte(strconv.Itoa(period)), 0); err != nil {
			return err
		}
		return os.WriteFile(filepath.Join(c.dir, "cpu.cfs_quota_us"), []byte(quota), 0)
	})
}

// enter makes the cgroup, limits it and moves the process into it; on a
// failure it leaves nothing behind.
func (c *cpuCap) enter(limit func() error) error {
	if err := os.Mkdir(c.dir, 0o755); err != nil && !os.IsExist(err) {
		return err
	}
	err := limit()
	if err == nil {
		err = os.WriteFile(filepath.Join(c.dir, "cgroup.procs"), []byte(strconv.Itoa(c.pid)), 0)
	}
	if err != nil {
		os.Remove(c.dir)
		return fmt.Errorf("limit %s: %w", c.dir, err)
	}
	return nil
}

// release moves the process back and removes the cgroup.
func (c *cpuCap) release() {
	os.WriteFile(filepath.Join(c.parent, "cgroup.procs"), []byte(strconv.Itoa(c.pid)), 0)
	// The kernel lets a cgroup go only once its last task has left it.
	for i := 0; i < 50 && os.Remove(c.dir) != nil; i++ {
		time.Sleep(20 * time.Millisecond)
	}
}

// procCPU is the CPU time a process has used so far (user and system).
func procCPU(pid int) time.Duration {
	b, err := os.ReadFile(fmt.Sprintf("/proc/%d/stat", pid))
	if err != nil {
		return 0
	}
	// The command name, field 2, may hold spaces; the fields after it don't.
	_, rest, _ := strings.Cut(string(b), ") ")
	f := strings.Fields(rest) // state ppid … utime (14th field overall, 12th here) stime
	if len(f) < 13 {
		return 0
	}
	utime, _ := strconv.ParseInt(f[11], 10, 64)
	stime, _ := strconv.ParseInt(f[12], 10, 64)
	const ticks = 100 // USER_HZ, the same on every Linux architecture Go runs on
	return time.Duration(utime+stime) * time.Second / ticks
}
