package main

import (
	"bufio"
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"slices"
	"strings"
	"text/tabwriter"

	"liaise"
	"liaise/internal/auth"
	"liaise/internal/sqlstore"
)

func userUsage(w io.Writer) {
	fmt.Fprintln(w, "Usage: liaise user <command> [flags] [USERNAME]")
	fmt.Fprintln(w)
	fmt.Fprintln(w, "Commands:")
	fmt.Fprintln(w, "  add             add a staff account; the password is read from standard input")
	fmt.Fprintln(w, "  list            list staff accounts with their role, teams and status")
	fmt.Fprintln(w, "  disable         stop an account signing in and end its sessions and API tokens")
	fmt.Fprintln(w, "  enable          let a disabled account sign in again")
	fmt.Fprintln(w, "  reset-password  set a new password (read from standard input) and sign the")
	fmt.Fprintln(w, "                  user out everywhere")
	fmt.Fprintln(w)
	fmt.Fprintln(w, "Changes are recorded in the audit trail as made by the user \"system\".")
	fmt.Fprintln(w, "Run 'liaise user <command> --help' for a command's flags.")
}

// cmdUser manages staff accounts from the command line, as the System actor:
// the first administrator of a new installation is added this way.
func cmdUser(ctx context.Context, e env, args []string) error {
	if isHelp(args) {
		userUsage(e.stdout)
		return nil
	}
	if len(args) == 0 {
		userUsage(e.stderr)
		return errors.New("say which user command: add, list, disable, enable or reset-password")
	}
	ctx = liaise.WithActor(ctx, liaise.SystemActor("cli-user"))
	var err error
	switch args[0] {
	case "add":
		err = userAdd(ctx, e, args[1:])
	case "list":
		err = userList(ctx, e, args[1:])
	case "disable":
		err = userSetDisabled(ctx, e, args[1:], true)
	case "enable":
		err = userSetDisabled(ctx, e, args[1:], false)
	case "reset-password":
		err = userResetPassword(ctx, e, args[1:])
	default:
		userUsage(e.stderr)
		return fmt.Errorf("unknown user command %q", args[0])
	}
	return plainError(err)
}

// plainError turns a domain error into a sentence for the terminal, with
// its field messages, rather than the "liaise: invalid: …" of Error().
func plainError(err error) error {
	var le *liaise.Error
	if err == nil || !errors.As(err, &le) {
		return err
	}
	msg := le.Message
	if len(le.Fields) > 0 {
		keys := make([]string, 0, len(le.Fields))
		for k := range le.Fields {
			keys = append(keys, k)
		}
		slices.Sort(keys)
		var parts []string
		for _, k := range keys {
			parts = append(parts, strings.ReplaceAll(k, "_", " ")+": "+le.Fields[k])
		}
		msg = strings.TrimSuffix(msg, ".") + ": " + strings.Join(parts, "; ")
	}
	return errors.New(msg)
}

// stringList is a repeatable flag.
type stringList []string

func (s *stringList) String() string     { return strings.Join(*s, ", ") }
func (s *stringList) Set(v string) error { *s = append(*s, v); return nil }

// readPassword reads one line from stdin. The prompt goes to stderr so a
// script can pipe the password in and still read stdout. It is not read
// twice: a mistyped temporary password is fixed with reset-password.
func readPassword(e env) (string, error) {
	fmt.Fprint(e.stderr, "Password: ")
	line, err := bufio.NewReader(e.stdin).ReadString('\n')
	fmt.Fprintln(e.stderr)
	if err != nil && !errors.Is(err, io.EOF) {
		return "", fmt.Errorf("read password: %w", err)
	}
	line = strings.TrimRight(line, "\r\n")
	if line == "" {
		return "", errors.New("no password given: type it, or pipe it in on standard input")
	}
	return line, nil
}

// newPasswordHash reads, checks and hashes a password for username.
func newPasswordHash(e env, username string) (string, error) {
	pw, err := readPassword(e)
	if err != nil {
		return "", err
	}
	if err := auth.ValidatePassword(pw, username); err != nil {
		return "", plainError(err)
	}
	return auth.HashPassword(pw)
}

func userAdd(ctx context.Context, e env, args []string) error {
	var username, name, role, provider, email string
	var teams stringList
	cfg, fs, err := loadConfig(e, "user add", `user add --username U --name "Display Name" --role ROLE --provider ODS [--team "Team name" ...] [--email E] < password`, args, func(fs *flag.FlagSet) {
		fs.StringVar(&username, "username", "", "username to sign in with (letters, numbers, dots, hyphens, underscores)")
		fs.StringVar(&name, "name", "", "the person's name as staff know them")
		fs.StringVar(&role, "role", "", "role code, e.g. practitioner or administrator (see the roles page)")
		fs.StringVar(&provider, "provider", "", "ODS code of the provider organisation they work for")
		fs.Var(&teams, "team", "name of a team of that provider to add them to (repeat for more teams)")
		fs.StringVar(&email, "email", "", "email address (optional)")
	})
	if err != nil {
		return err
	}
	if fs.NArg() > 0 {
		fs.Usage()
		return fmt.Errorf("unexpected arguments: %v", fs.Args())
	}
	var missing []string
	for _, f := range []struct{ flag, val string }{{"--username", username}, {"--name", name}, {"--role", role}, {"--provider", provider}} {
		if strings.TrimSpace(f.val) == "" {
			missing = append(missing, f.flag)
		}
	}
	if len(missing) > 0 {
		fs.Usage()
		return fmt.Errorf("missing %s", strings.Join(missing, ", "))
	}
	db, err := openMigrated(ctx, cfg)
	if err != nil {
		return err
	}
	defer db.Close()
	providerID, teamIDs, err := db.ResolveStaffPlacement(ctx, provider, teams)
	if err != nil {
		return err
	}
	u := &liaise.User{ProviderID: providerID, Username: username, DisplayName: name, Email: strings.TrimSpace(email), RoleCode: strings.TrimSpace(role)}
	for _, t := range teamIDs {
		u.Memberships = append(u.Memberships, liaise.Membership{TeamID: t})
	}
	// Check the account before asking for a password, so a typo in a flag
	// does not cost the operator a password prompt.
	if err := sqlstore.ValidateUser(u); err != nil {
		return err
	}
	hash, err := newPasswordHash(e, u.Username)
	if err != nil {
		return err
	}
	if err := db.CreateStaff(ctx, u, hash); err != nil {
		return err
	}
	teamText := "no teams"
	if len(teams) > 0 {
		teamText = "teams: " + strings.Join(teams, ", ")
	}
	fmt.Fprintf(e.stdout, "added %s (%s) to %s, %s\n", u.Username, u.RoleCode, strings.ToUpper(provider), teamText)
	return nil
}

func userList(ctx context.Context, e env, args []string) error {
	var provider string
	cfg, fs, err := loadConfig(e, "user list", "user list [--provider ODS] [flags]", args, func(fs *flag.FlagSet) {
		fs.StringVar(&provider, "provider", "", "ODS code of a provider organisation (default: all)")
	})
	if err != nil {
		return err
	}
	if fs.NArg() > 0 {
		fs.Usage()
		return fmt.Errorf("unexpected arguments: %v", fs.Args())
	}
	db, err := openMigrated(ctx, cfg)
	if err != nil {
		return err
	}
	defer db.Close()
	var f sqlstore.UserFilter
	if provider != "" {
		if f.ProviderID, _, err = db.ResolveStaffPlacement(ctx, provider, nil); err != nil {
			return err
		}
	}
	users, err := db.ListUsers(ctx, f)
	if err != nil {
		return err
	}
	roles, err := db.ListRoles(ctx)
	if err != nil {
		return err
	}
	roleNames := map[string]string{}
	for _, r := range roles {
		roleNames[r.Code] = r.Name
	}
	tw := tabwriter.NewWriter(e.stdout, 0, 4, 2, ' ', 0)
	fmt.Fprintln(tw, "USERNAME\tNAME\tROLE\tTEAMS\tSTATUS")
	for _, u := range users {
		var teams []string
		for _, m := range u.Memberships {
			teams = append(teams, m.TeamName)
		}
		status := "active"
		if u.Disabled {
			status = "disabled"
		}
		if u.Demo {
			status += " (demo)"
		}
		role := roleNames[u.RoleCode]
		if role == "" {
			role = u.RoleCode
		}
		fmt.Fprintf(tw, "%s\t%s\t%s\t%s\t%s\n", u.Username, u.DisplayName, role, strings.Join(teams, ", "), status)
	}
	if err := tw.Flush(); err != nil {
		return err
	}
	fmt.Fprintln(e.stdout, plural(len(users), "account", "accounts"))
	return nil
}

// usernameArg loads config for a command that takes one USERNAME.
func usernameArg(ctx context.Context, e env, name, what string, args []string) (*sqlstore.DB, int64, string, error) {
	cfg, fs, err := loadConfig(e, "user "+name, "user "+name+" [flags] USERNAME", args, nil)
	if err != nil {
		return nil, 0, "", err
	}
	if fs.NArg() != 1 {
		fs.Usage()
		return nil, 0, "", fmt.Errorf("say which account to %s: liaise user %s USERNAME", what, name)
	}
	db, err := openMigrated(ctx, cfg)
	if err != nil {
		return nil, 0, "", err
	}
	id, err := db.UserIDByUsername(ctx, fs.Arg(0))
	if err != nil {
		db.Close()
		return nil, 0, "", err
	}
	return db, id, sqlstore.NormaliseUsername(fs.Arg(0)), nil
}

func userSetDisabled(ctx context.Context, e env, args []string, disable bool) error {
	name, what := "enable", "enable"
	if disable {
		name, what = "disable", "disable"
	}
	db, id, username, err := usernameArg(ctx, e, name, what, args)
	if err != nil {
		return err
	}
	defer db.Close()
	if disable {
		if err := db.DisableUser(ctx, id); err != nil {
			return err
		}
		fmt.Fprintf(e.stdout, "disabled %s: their sessions and API tokens are revoked\n", username)
		return nil
	}
	if err := db.EnableUser(ctx, id); err != nil {
		return err
	}
	fmt.Fprintf(e.stdout, "enabled %s: they can sign in again\n", username)
	return nil
}

func userResetPassword(ctx context.Context, e env, args []string) error {
	db, id, username, err := usernameArg(ctx, e, "reset-password", "reset the password of", args)
	if err != nil {
		return err
	}
	defer db.Close()
	hash, err := newPasswordHash(e, username)
	if err != nil {
		return err
	}
	if err := db.SetPasswordHash(ctx, id, hash); err != nil {
		return err
	}
	fmt.Fprintf(e.stdout, "password reset for %s: they are signed out everywhere and sign in with the new password\n", username)
	return nil
}
