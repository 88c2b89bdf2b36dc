package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"

	"liaise"
	"liaise/internal/config"
	"liaise/internal/demo"
	"liaise/internal/sqlstore"
)

// cmdDemo loads the demo organisation into an empty, migrated database.
func cmdDemo(ctx context.Context, e env, args []string) error {
	cfg, fs, err := loadConfig(e, "demo", "demo [flags]", args, nil)
	if err != nil {
		// Production's own settings checks would hide the reason that matters.
		if !errors.Is(err, flag.ErrHelp) && cfg.Env == "production" {
			return demo.ErrProduction
		}
		return err
	}
	if fs.NArg() > 0 {
		fs.Usage()
		return fmt.Errorf("'liaise demo' takes no arguments, got %q", fs.Arg(0))
	}
	if cfg.Env == "production" {
		return demo.ErrProduction
	}
	db, err := openMigrated(ctx, cfg)
	if err != nil {
		return err
	}
	defer db.Close()
	ctx = liaise.WithActor(ctx, liaise.SystemActor("cli-demo"))
	if _, err := demo.Load(ctx, db, cfg.Env, e.stdout); err != nil {
		if errors.Is(err, demo.ErrNotEmpty) {
			return errors.New(liaise.ErrorMessage(err))
		}
		return err
	}
	fmt.Fprintln(e.stdout, "start the server with 'liaise serve' and sign in as one of the demo accounts")
	return nil
}

// loadDemoIfEmpty loads the demo organisation for serve --demo when the
// database has no provider yet, and reports whether it did.
func loadDemoIfEmpty(ctx context.Context, db *sqlstore.DB, cfg config.Config, out io.Writer) (bool, error) {
	if cfg.Env == "production" {
		return false, demo.ErrProduction
	}
	ctx = liaise.WithActor(ctx, liaise.SystemActor("serve-demo"))
	_, err := demo.Load(ctx, db, cfg.Env, out)
	if errors.Is(err, demo.ErrNotEmpty) {
		return false, nil
	}
	return err == nil, err
}
