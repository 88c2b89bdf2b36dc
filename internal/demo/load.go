package demo

import (
	"context"
	"errors"
	"fmt"
	"io"
	"strings"

	"liaise"
	"liaise/internal/auth"
	"liaise/internal/sqlstore"
)

// ErrProduction refuses demo accounts, whose password is published, on a
// production service.
var ErrProduction = errors.New("demo accounts are refused when LIAISE_ENV=production")

// ErrNotEmpty refuses a load into a database that already has an
// organisation, so the demo never mixes with real data.
var ErrNotEmpty = sqlstore.ErrOrganisationExists

// Load writes the demo organisation, accounts and people into db in one audited
// transaction and prints what it created to out. env is the LIAISE_ENV value.
// It returns ErrProduction in production and ErrNotEmpty (writing nothing)
// when the database already has a provider. Without an actor in ctx it acts
// as the system actor: loading the demo is always an operator's act.
func Load(ctx context.Context, db *sqlstore.DB, env string, out io.Writer) (sqlstore.OrgCounts, error) {
	if env == "production" {
		return sqlstore.OrgCounts{}, ErrProduction
	}
	if liaise.ActorFrom(ctx) == nil {
		ctx = liaise.WithActor(ctx, liaise.SystemActor("demo-load"))
	}
	// Check before hashing: argon2id is slow on purpose, and serve --demo
	// on an existing database should start at once. LoadOrganisation checks
	// again inside its transaction.
	if has, err := db.HasOrganisation(ctx); err != nil {
		return sqlstore.OrgCounts{}, err
	} else if has {
		return sqlstore.OrgCounts{}, ErrNotEmpty
	}
	hash, err := auth.HashPassword(Password)
	if err != nil {
		return sqlstore.OrgCounts{}, fmt.Errorf("hash the demo password: %w", err)
	}
	c, err := db.LoadOrganisation(ctx, Organisation(hash))
	if err != nil {
		return c, err
	}
	names := make([]string, 0, len(Accounts()))
	for _, a := range Accounts() {
		names = append(names, a.Username)
	}
	fmt.Fprintf(out, "demo organisation loaded: created %s\n", c)
	north, south := People()
	fmt.Fprintf(out, "demo people: created %d people (%d at Lancashire & South Cumbria, %d at Berkshire Healthcare), NHS numbers from the 999 test range\n",
		c.People, len(north), len(south))
	ec, err := db.LoadDemoEpisodes(ctx, Episodes())
	if err != nil {
		return c, fmt.Errorf("demo episodes: %w", err)
	}
	fmt.Fprintf(out, "demo episodes: created %d episodes across %d sites, with %d screenings, %d consents, %d disclosures and %d issued advice notes\n",
		ec.Episodes, ec.Sites, ec.Screenings, ec.Consents, ec.Disclosures, ec.Documents)
	fmt.Fprintf(out, "demo accounts (password %s): %s\n", Password, strings.Join(names, ", "))
	return c, nil
}
