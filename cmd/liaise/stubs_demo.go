package main

import (
	"context"
	"io"

	"liaise/internal/config"
	"liaise/internal/sqlstore"
)

func cmdDemo(ctx context.Context, e env, args []string) error { return nil }

func loadDemoIfEmpty(ctx context.Context, db *sqlstore.DB, cfg config.Config, out io.Writer) (bool, error) {
	return false, nil
}
