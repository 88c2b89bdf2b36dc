// Command liaise is the whole of Liaise: the web UI and API server and the
// operator's commands. main only wires the real environment into run, so the
// program is testable end to end.
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"os/signal"
	"sort"
	"strings"
	"syscall"
)

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	if err := run(ctx, os.Args[1:], os.Getenv, os.Stdin, os.Stdout, os.Stderr); err != nil {
		if !errors.Is(err, flag.ErrHelp) && !errors.Is(err, errReported) {
			fmt.Fprintln(os.Stderr, "liaise:", err)
		}
		var ex exitError
		if errors.As(err, &ex) {
			os.Exit(int(ex))
		}
		if errors.Is(err, flag.ErrHelp) {
			os.Exit(0)
		}
		os.Exit(1)
	}
}

// env bundles the process's outside world for commands.
type env struct {
	getenv func(string) string
	stdin  io.Reader
	stdout io.Writer
	stderr io.Writer
}

// command is one subcommand.
type command struct {
	name    string
	summary string
	run     func(ctx context.Context, e env, args []string) error
}

// errReported means the command already told the user what went wrong.
var errReported = errors.New("reported")

// exitError carries a specific exit status.
type exitError int

func (e exitError) Error() string { return fmt.Sprintf("exit status %d", int(e)) }

func commands() []command {
	cmds := []command{
		{"serve", "run the web UI and API", cmdServe},
		{"migrate", "show or apply database migrations (status | up)", cmdMigrate},
		{"demo", "load the demo organisation and one demo user per role", cmdDemo},
		{"seed", "add synthetic people, episodes and records at national scale (--people N --seed S)", cmdSeed},
		{"user", "manage staff accounts (add | list | disable | reset-password)", cmdUser},
		{"audit", "check the audit trail (verify)", cmdAudit},
		{"bench", "load benchmark against a running server", cmdBench},
		{"version", "print build information", cmdVersion},
	}
	sort.Slice(cmds, func(i, j int) bool { return cmds[i].name < cmds[j].name })
	return cmds
}

func usage(w io.Writer) {
	fmt.Fprintln(w, "Liaise: case management for NHS Liaison and Diversion and RECONNECT services.")
	fmt.Fprintln(w)
	fmt.Fprintln(w, "Usage: liaise <command> [flags]")
	fmt.Fprintln(w)
	fmt.Fprintln(w, "Commands:")
	for _, c := range commands() {
		fmt.Fprintf(w, "  %-9s %s\n", c.name, c.summary)
	}
	fmt.Fprintln(w)
	fmt.Fprintln(w, "Run 'liaise <command> --help' for a command's flags. Settings come from")
	fmt.Fprintln(w, "LIAISE_* environment variables; flags override them.")
}

func run(ctx context.Context, args []string, getenv func(string) string, stdin io.Reader, stdout, stderr io.Writer) error {
	e := env{getenv: getenv, stdin: stdin, stdout: stdout, stderr: stderr}
	if len(args) == 0 {
		usage(stderr)
		return errors.New("no command given")
	}
	name := args[0]
	if name == "help" || name == "-h" || name == "--help" || name == "-help" {
		usage(stdout)
		return nil
	}
	for _, c := range commands() {
		if c.name == name {
			return c.run(ctx, e, args[1:])
		}
	}
	usage(stderr)
	return fmt.Errorf("unknown command %q", name)
}

// isHelp reports whether args ask for help before anything else.
func isHelp(args []string) bool {
	return len(args) > 0 && (args[0] == "-h" || args[0] == "--help" || args[0] == "-help" || args[0] == "help")
}

func plural(n int, one, many string) string {
	if n == 1 {
		return fmt.Sprintf("%d %s", n, one)
	}
	return fmt.Sprintf("%d %s", n, many)
}

var _ = strings.TrimSpace
