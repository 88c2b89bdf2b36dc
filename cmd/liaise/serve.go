package main

import (
	"context"
	"flag"
	"fmt"
	"log/slog"
	"runtime/debug"

	"liaise/internal/server"
	"liaise/internal/sqlstore"
)

func cmdServe(ctx context.Context, e env, args []string) error {
	var migrate, demo bool
	cfg, _, err := loadConfig(e, "serve", "serve [--migrate] [--demo] [flags]", args, func(fs *flag.FlagSet) {
		fs.BoolVar(&migrate, "migrate", false, "apply pending migrations before serving")
		fs.BoolVar(&demo, "demo", false, "load the demo organisation into an empty database")
	})
	if err != nil {
		return err
	}
	cfg.Migrate, cfg.Demo = migrate, demo
	if err := cfg.Validate(); err != nil {
		return fmt.Errorf("configuration: %w", err)
	}
	log := newLogger(cfg, e.stderr)
	tuneGC(e.getenv)
	unlock, err := lockSQLite(cfg.DatabaseURL)
	if err != nil {
		return err
	}
	defer unlock()
	db, err := openDB(ctx, cfg)
	if err != nil {
		return err
	}
	defer db.Close()
	if migrate {
		if err := db.Migrate(ctx, func(m sqlstore.Migration) {
			log.Info("applied migration", "version", m.Version, "name", m.Name)
		}); err != nil {
			return err
		}
	}
	if n, err := db.Pending(ctx); err != nil {
		return err
	} else if n > 0 {
		return fmt.Errorf("the database has %s not yet applied: run 'liaise migrate up' first, or start with 'liaise serve --migrate'", plural(n, "migration", "migrations"))
	}
	if err := ensureAuditKey(ctx, db, &cfg, log); err != nil {
		return err
	}
	if demo {
		loaded, err := loadDemoIfEmpty(ctx, db, cfg, e.stdout)
		if err != nil {
			return err
		}
		if !loaded {
			log.Info("database already has data: demo organisation not loaded")
		}
	}
	if cfg.PprofAddr != "" {
		stop, err := servePprof(cfg.PprofAddr, log)
		if err != nil {
			return err
		}
		defer stop()
	}
	srv, err := server.New(db, cfg, log, buildVersion())
	if err != nil {
		return err
	}
	log.Info("starting liaise", "version", buildVersion(), "engine", db.Engine, "database", cfg.Redacted(), "env", cfg.Env)
	return srv.Run(ctx, func(addr string) {
		log.Info("listening", "url", "http://"+addr, slog.String("base_url", cfg.BaseURL))
		fmt.Fprintf(e.stdout, "Liaise is running at %s (press Ctrl+C to stop)\n", cfg.BaseURL)
	})
}

// tuneGC trades memory the service has for CPU it lacks: a request makes
// short-lived garbage (rows, pages), and at Go's default the collector took
// a tenth of the CPU under load (docs/performance.md). Collection runs at
// twice the default interval, with a soft limit that keeps the heap well
// inside the 200 MB budget (DESIGN.md §8). GOGC and GOMEMLIMIT, when set,
// win.
func tuneGC(getenv func(string) string) {
	if getenv("GOGC") == "" {
		debug.SetGCPercent(200)
	}
	if getenv("GOMEMLIMIT") == "" {
		debug.SetMemoryLimit(150 << 20)
	}
}
