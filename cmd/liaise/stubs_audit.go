package main

import (
	"context"
	"log/slog"

	"liaise/internal/config"
	"liaise/internal/sqlstore"
)

func cmdAudit(ctx context.Context, e env, args []string) error { return nil }

func ensureAuditKey(ctx context.Context, db *sqlstore.DB, cfg *config.Config, log *slog.Logger) error {
	return nil
}
