package main

import (
	"context"
	"fmt"
	"text/tabwriter"

	"liaise/internal/sqlstore"
)

func cmdMigrate(ctx context.Context, e env, args []string) error {
	cfg, fs, err := loadConfig(e, "migrate", "migrate [flags] status|up", args, nil)
	if err != nil {
		return err
	}
	if fs.NArg() != 1 || (fs.Arg(0) != "status" && fs.Arg(0) != "up") {
		fs.Usage()
		return fmt.Errorf("say 'liaise migrate status' or 'liaise migrate up'")
	}
	db, err := openDB(ctx, cfg)
	if err != nil {
		return err
	}
	defer db.Close()
	if fs.Arg(0) == "up" {
		n := 0
		err := db.Migrate(ctx, func(m sqlstore.Migration) {
			n++
			fmt.Fprintf(e.stdout, "applied %04d_%s\n", m.Version, m.Name)
		})
		if err != nil {
			return err
		}
		if n == 0 {
			fmt.Fprintln(e.stdout, "database is up to date")
		} else {
			fmt.Fprintf(e.stdout, "applied %s\n", plural(n, "migration", "migrations"))
		}
		return nil
	}
	ms, err := db.MigrationStatus(ctx)
	if err != nil {
		return err
	}
	tw := tabwriter.NewWriter(e.stdout, 0, 4, 2, ' ', 0)
	fmt.Fprintf(tw, "VERSION\tNAME\tAPPLIED\n")
	pending := 0
	for _, m := range ms {
		when := "pending"
		if m.Applied {
			when = m.AppliedAt.String()
		} else {
			pending++
		}
		fmt.Fprintf(tw, "%04d\t%s\t%s\n", m.Version, m.Name, when)
	}
	tw.Flush()
	fmt.Fprintf(e.stdout, "%s engine, %s pending\n", db.Engine, plural(pending, "migration", "migrations"))
	return nil
}
