package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"

	"liaise/internal/config"
	"liaise/internal/sqlstore"
)

func auditUsage(w io.Writer) {
	fmt.Fprintln(w, "Usage: liaise audit verify [flags]")
	fmt.Fprintln(w)
	fmt.Fprintln(w, "Commands:")
	fmt.Fprintln(w, "  verify  seal the audit events waiting for the sealer, then re-compute the whole")
	fmt.Fprintln(w, "          hash chain and check it against the logged checkpoints")
	fmt.Fprintln(w)
	fmt.Fprintln(w, "Exit status: 0 when the chain is intact, 2 when it is broken (the first broken")
	fmt.Fprintln(w, "event is reported), 1 when it could not be checked.")
	fmt.Fprintln(w, "Run 'liaise audit verify --help' for the flags.")
}

func cmdAudit(ctx context.Context, e env, args []string) error {
	if isHelp(args) {
		auditUsage(e.stdout)
		return nil
	}
	if len(args) == 0 {
		auditUsage(e.stderr)
		return errors.New("say 'liaise audit verify'")
	}
	if args[0] != "verify" {
		auditUsage(e.stderr)
		return fmt.Errorf("unknown audit command %q: say 'liaise audit verify'", args[0])
	}
	return auditVerify(ctx, e, args[1:])
}

// auditVerify seals what is pending (so the check covers every event written
// so far), verifies the chain, and on success writes and logs a checkpoint.
func auditVerify(ctx context.Context, e env, args []string) error {
	cfg, fs, err := loadConfig(e, "audit verify", "audit verify [flags]", args, nil)
	if err != nil {
		return err
	}
	if fs.NArg() > 0 {
		fs.Usage()
		return fmt.Errorf("unexpected arguments: %v", fs.Args())
	}
	log := newLogger(cfg, e.stderr)
	db, err := openMigrated(ctx, cfg)
	if err != nil {
		return err
	}
	defer db.Close()
	if err := ensureAuditKey(ctx, db, &cfg, log); err != nil {
		return err
	}
	key := []byte(cfg.AuditKey)
	n, err := db.Seal(ctx, key, sqlstore.DefaultSealBatch)
	if err != nil {
		return fmt.Errorf("sealing pending audit events: %w", err)
	}
	if n > 0 {
		fmt.Fprintf(e.stdout, "sealed %s\n", plural(n, "pending event", "pending events"))
	}
	res, err := db.Verify(ctx, key, func(done int) {
		fmt.Fprintf(e.stdout, "checked %d events…\n", done)
	})
	if err != nil {
		return fmt.Errorf("verifying the audit chain: %w", err)
	}
	if b := res.FirstBroken; b != nil {
		where := fmt.Sprintf("event chain_no %d", b.ChainNo)
		if b.Seq != 0 {
			where += fmt.Sprintf(" (seq %d)", b.Seq)
		}
		fmt.Fprintf(e.stdout, "audit chain BROKEN at %s: %s\n", where, b.Reason)
		fmt.Fprintf(e.stdout, "%s before it verified\n", plural(res.Checked, "event", "events"))
		log.Error("audit chain broken", "chain_no", b.ChainNo, "seq", b.Seq, "reason", b.Reason)
		return errors.Join(errReported, exitError(2))
	}
	fmt.Fprintf(e.stdout, "audit chain verified: %s, head %d\n", plural(res.Checked, "event", "events"), res.Head)
	cp, ok, err := db.WriteCheckpoint(ctx)
	if err != nil {
		return fmt.Errorf("writing the checkpoint: %w", err)
	}
	if ok {
		logCheckpoint(log, cp)
		fmt.Fprintf(e.stdout, "checkpoint: chain_no %d, hash %s\n", cp.ChainNo, cp.Hash)
	}
	return nil
}

// logCheckpoint writes the head of the chain to the log, outside the
// database, so that cutting off the tail of the trail (and its checkpoint
// rows) is still detected. It holds no personal data.
func logCheckpoint(log *slog.Logger, cp sqlstore.Checkpoint) {
	log.Info("audit checkpoint", "chain_no", cp.ChainNo, "hash", cp.Hash, "at", cp.At.String())
}

// ensureAuditKey makes cfg.AuditKey the key of the audit chain: the
// configured LIAISE_AUDIT_KEY, or in development a key generated on first
// start and kept in the settings table, so the chain stays verifiable across
// restarts. Production requires the setting (config.Validate says so too).
func ensureAuditKey(ctx context.Context, db *sqlstore.DB, cfg *config.Config, log *slog.Logger) error {
	if cfg.AuditKey == "" && cfg.Production() {
		return errors.New("configuration: LIAISE_AUDIT_KEY is required in production")
	}
	key, generated, err := db.EnsureAuditKey(ctx, cfg.AuditKey)
	if err != nil {
		return fmt.Errorf("audit key: %w", err)
	}
	if generated {
		log.Warn("generated a key for the audit chain and stored it in the database; set LIAISE_AUDIT_KEY outside development")
	}
	cfg.AuditKey = key
	return nil
}
