package main

import (
	"context"
	"fmt"
	"runtime/debug"
)

// buildVersion is the module version, or the VCS revision of a development build.
func buildVersion() string {
	bi, ok := debug.ReadBuildInfo()
	if !ok {
		return "unknown"
	}
	v := bi.Main.Version
	rev, dirty := "", false
	for _, s := range bi.Settings {
		switch s.Key {
		case "vcs.revision":
			rev = s.Value
		case "vcs.modified":
			dirty = s.Value == "true"
		}
	}
	if (v == "" || v == "(devel)") && rev != "" {
		v = "dev-" + rev[:min(12, len(rev))]
		if dirty {
			v += "-dirty"
		}
	}
	if v == "" {
		v = "(devel)"
	}
	return v
}

func cmdVersion(ctx context.Context, e env, args []string) error {
	if isHelp(args) {
		fmt.Fprintln(e.stdout, "Usage: liaise version\n\nPrints the version, Go version and platform of this build.")
		return nil
	}
	bi, _ := debug.ReadBuildInfo()
	goVersion := ""
	if bi != nil {
		goVersion = bi.GoVersion
	}
	fmt.Fprintf(e.stdout, "liaise %s (%s)\n", buildVersion(), goVersion)
	return nil
}
