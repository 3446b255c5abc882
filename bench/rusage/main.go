// Command rusage runs one command and reports what the kernel accounted to it: wall time from
// start to exit, user and system CPU time (microseconds, from wait4's rusage, which Node.js's
// child_process does not expose) and peak resident memory. The benchmark (bench/cli.ts) runs every
// measured process through it.
//
//	rusage STDIN_FILE COMMAND [ARG...]
//
// stdin comes from STDIN_FILE, stdout is discarded, stderr is passed through. It prints one JSON
// line: {"wallUs":..,"userUs":..,"sysUs":..,"maxRssKiB":..,"exit":..}.
package main

import (
	"encoding/json"
	"fmt"
	"os"
	"os/exec"
	"syscall"
	"time"
)

type report struct {
	WallUs    int64 `json:"wallUs"`
	UserUs    int64 `json:"userUs"`
	SysUs     int64 `json:"sysUs"`
	MaxRssKiB int64 `json:"maxRssKiB"`
	Exit      int   `json:"exit"`
}

func main() {
	if len(os.Args) < 3 {
		fmt.Fprintln(os.Stderr, "usage: rusage STDIN_FILE COMMAND [ARG...]")
		os.Exit(2)
	}
	in, err := os.Open(os.Args[1])
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(2)
	}
	defer in.Close()
	cmd := exec.Command(os.Args[2], os.Args[3:]...)
	cmd.Stdin = in
	cmd.Stderr = os.Stderr
	// A pipe drained here, as a shell pipeline or a caller capturing the output would.
	out, err := cmd.StdoutPipe()
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(2)
	}
	started := time.Now()
	if err := cmd.Start(); err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(2)
	}
	buf := make([]byte, 64*1024)
	for {
		if _, err := out.Read(buf); err != nil {
			break
		}
	}
	_ = cmd.Wait()
	wall := time.Since(started)
	usage := cmd.ProcessState.SysUsage().(*syscall.Rusage)
	r := report{
		WallUs:    wall.Microseconds(),
		UserUs:    usage.Utime.Sec*1_000_000 + usage.Utime.Usec,
		SysUs:     usage.Stime.Sec*1_000_000 + usage.Stime.Usec,
		MaxRssKiB: usage.Maxrss,
		Exit:      cmd.ProcessState.ExitCode(),
	}
	if err := json.NewEncoder(os.Stdout).Encode(r); err != nil {
		os.Exit(1)
	}
}
