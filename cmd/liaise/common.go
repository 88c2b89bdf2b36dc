package main

import (
	"context"
	"flag"
	"fmt"
	"io"
	"log/slog"

	"liaise/internal/config"
	"liaise/internal/sqlstore"
)

// loadConfig parses the shared settings plus the command's own flags.
func loadConfig(e env, name, usageLine string, args []string, extra func(fs *flag.FlagSet)) (config.Config, *flag.FlagSet, error) {
	cfg, fs, err := config.Load("liaise "+name, args, e.getenv, e.stderr, func(fs *flag.FlagSet) {
		fs.Usage = func() {
			fmt.Fprintf(fs.Output(), "Usage: liaise %s\n\nFlags (each also set by its LIAISE_* environment variable):\n", usageLine)
			fs.PrintDefaults()
		}
		if extra != nil {
			extra(fs)
		}
	})
	if err != nil {
		if err == flag.ErrHelp {
			return cfg, fs, err
		}
		return cfg, fs, fmt.Errorf("configuration: %w", err)
	}
	return cfg, fs, nil
}

// openDB opens the configured database.
func openDB(ctx context.Context, cfg config.Config) (*sqlstore.DB, error) {
	db, err := sqlstore.Open(ctx, cfg.DatabaseURL, sqlstore.Options{})
	if err != nil {
		return nil, err
	}
	db.ReferralCheckDays = cfg.ReferralCheckDays
	return db, nil
}

// openMigrated opens the database and refuses one with pending migrations.
func openMigrated(ctx context.Context, cfg config.Config) (*sqlstore.DB, error) {
	db, err := openDB(ctx, cfg)
	if err != nil {
		return nil, err
	}
	n, err := db.Pending(ctx)
	if err != nil {
		db.Close()
		return nil, err
	}
	if n > 0 {
		db.Close()
		return nil, fmt.Errorf("the database has %s not yet applied: run 'liaise migrate up' (or 'liaise serve --migrate')", plural(n, "migration", "migrations"))
	}
	return db, nil
}

func newLogger(cfg config.Config, w io.Writer) *slog.Logger {
	var lvl slog.Level
	lvl.UnmarshalText([]byte(cfg.LogLevel))
	opts := &slog.HandlerOptions{Level: lvl}
	if cfg.LogFormat == "json" {
		return slog.New(slog.NewJSONHandler(w, opts))
	}
	return slog.New(slog.NewTextHandler(w, opts))
}
