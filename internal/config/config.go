// Package config loads and validates Liaise's settings from the environment
// and flags. Flags override the environment; nothing is global.
package config

import (
	"errors"
	"flag"
	"fmt"
	"io"
	"net"
	"net/netip"
	"net/url"
	"strconv"
	"strings"
	"time"
)

// Config is every setting the service reads.
type Config struct {
	DatabaseURL string
	Addr        string
	BaseURL     string
	Env         string // development | production
	AuditKey    string
	SessionIdle time.Duration
	SessionMax  time.Duration
	LogFormat   string // text | json
	LogLevel    string
	// TrustedProxies are the networks of reverse proxies whose
	// X-Forwarded-For is believed, so audit and throttling see the real
	// client address rather than the proxy's.
	TrustedProxies []netip.Prefix
	// ReferralCheckDays is when an onward referral's outcome check falls due.
	ReferralCheckDays int
	// PprofAddr, when set, serves Go's profiler on its own listener (off by
	// default; for operators measuring the service, never on a public address).
	PprofAddr string
	Migrate   bool // serve --migrate
	Demo      bool // serve --demo
}

// Setting documents one setting for --help and the README table.
type Setting struct {
	Env, Flag, Default, Help string
}

// Settings lists every setting; the README's table is kept in step by a test.
var Settings = []Setting{
	{"LIAISE_DATABASE_URL", "db", "liaise.db", "Database: a SQLite file path, or a postgres:// URL for PostgreSQL."},
	{"LIAISE_ADDR", "addr", "127.0.0.1:8080", "Address the web server listens on."},
	{"LIAISE_BASE_URL", "base-url", "http://<LIAISE_ADDR>", "Public URL of the service; https:// turns on Secure __Host- cookies and HSTS."},
	{"LIAISE_ENV", "env", "development", "development or production. Production refuses demo accounts and needs LIAISE_AUDIT_KEY."},
	{"LIAISE_AUDIT_KEY", "audit-key", "(generated in development)", "Secret key (at least 32 characters) for the audit chain's HMAC."},
	{"LIAISE_SESSION_IDLE", "session-idle", "15m", "Sign out after this long without activity (shared custody-suite terminals)."},
	{"LIAISE_SESSION_MAX", "session-max", "12h", "Sign out this long after sign-in, however active."},
	{"LIAISE_LOG_FORMAT", "log-format", "text (json in production)", "Log format: text or json."},
	{"LIAISE_LOG_LEVEL", "log-level", "info", "Log level: debug, info, warn or error."},
	{"LIAISE_REFERRAL_CHECK_DAYS", "referral-check-days", "14", "Days after an onward referral is sent that the task to check its outcome falls due."},
	{"LIAISE_PPROF_ADDR", "pprof-addr", "(off)", "Address for Go's profiler (for example 127.0.0.1:6060), to profile under load; keep it private."},
	{"LIAISE_TRUSTED_PROXIES", "trusted-proxies", "(none)", "Comma-separated addresses or CIDR ranges of reverse proxies (for example 10.0.0.0/8); their X-Forwarded-For gives the client address used in the audit trail and sign-in throttling."},
}

// Load reads the environment and then the flags in args. The returned FlagSet
// has already parsed args; its remaining arguments are in fs.Args().
func Load(name string, args []string, getenv func(string) string, out io.Writer, extra func(fs *flag.FlagSet)) (Config, *flag.FlagSet, error) {
	env := func(k, def string) string {
		if v := getenv(k); v != "" {
			return v
		}
		return def
	}
	var c Config
	var idle, maxAge, proxies, checkDays string
	fs := flag.NewFlagSet(name, flag.ContinueOnError)
	fs.SetOutput(out)
	fs.StringVar(&c.DatabaseURL, "db", env("LIAISE_DATABASE_URL", "liaise.db"), "database: SQLite file path or postgres:// URL (LIAISE_DATABASE_URL)")
	fs.StringVar(&c.Addr, "addr", env("LIAISE_ADDR", "127.0.0.1:8080"), "listen address (LIAISE_ADDR)")
	fs.StringVar(&c.BaseURL, "base-url", env("LIAISE_BASE_URL", ""), "public URL (LIAISE_BASE_URL)")
	fs.StringVar(&c.Env, "env", env("LIAISE_ENV", "development"), "development or production (LIAISE_ENV)")
	fs.StringVar(&c.AuditKey, "audit-key", env("LIAISE_AUDIT_KEY", ""), "audit chain HMAC key (LIAISE_AUDIT_KEY)")
	fs.StringVar(&idle, "session-idle", env("LIAISE_SESSION_IDLE", "15m"), "idle sign-out (LIAISE_SESSION_IDLE)")
	fs.StringVar(&maxAge, "session-max", env("LIAISE_SESSION_MAX", "12h"), "absolute session lifetime (LIAISE_SESSION_MAX)")
	fs.StringVar(&c.LogFormat, "log-format", env("LIAISE_LOG_FORMAT", ""), "text or json (LIAISE_LOG_FORMAT)")
	fs.StringVar(&c.LogLevel, "log-level", env("LIAISE_LOG_LEVEL", "info"), "debug, info, warn or error (LIAISE_LOG_LEVEL)")
	fs.StringVar(&checkDays, "referral-check-days", env("LIAISE_REFERRAL_CHECK_DAYS", "14"), "days until an onward referral's outcome check (LIAISE_REFERRAL_CHECK_DAYS)")
	fs.StringVar(&c.PprofAddr, "pprof-addr", env("LIAISE_PPROF_ADDR", ""), "address for Go's profiler, off when empty (LIAISE_PPROF_ADDR)")
	fs.StringVar(&proxies, "trusted-proxies", env("LIAISE_TRUSTED_PROXIES", ""), "reverse proxy addresses or CIDR ranges (LIAISE_TRUSTED_PROXIES)")
	if extra != nil {
		extra(fs)
	}
	if err := fs.Parse(args); err != nil {
		return c, fs, err
	}
	var errs []error
	var err error
	if c.SessionIdle, err = time.ParseDuration(idle); err != nil {
		errs = append(errs, fmt.Errorf("LIAISE_SESSION_IDLE %q is not a duration such as 15m or 1h", idle))
	}
	if c.SessionMax, err = time.ParseDuration(maxAge); err != nil {
		errs = append(errs, fmt.Errorf("LIAISE_SESSION_MAX %q is not a duration such as 12h", maxAge))
	}
	if n, err := strconv.Atoi(strings.TrimSpace(checkDays)); err != nil || n < 1 || n > 365 {
		errs = append(errs, fmt.Errorf("LIAISE_REFERRAL_CHECK_DAYS %q must be a whole number of days from 1 to 365", checkDays))
	} else {
		c.ReferralCheckDays = n
	}
	for _, p := range strings.Split(proxies, ",") {
		p = strings.TrimSpace(p)
		if p == "" {
			continue
		}
		pfx, err := netip.ParsePrefix(p)
		if err != nil {
			addr, aerr := netip.ParseAddr(p)
			if aerr != nil {
				errs = append(errs, fmt.Errorf("LIAISE_TRUSTED_PROXIES: %q is not an address or CIDR range such as 10.0.0.0/8", p))
				continue
			}
			pfx = netip.PrefixFrom(addr, addr.BitLen())
		}
		c.TrustedProxies = append(c.TrustedProxies, pfx.Masked())
	}
	if c.LogFormat == "" {
		c.LogFormat = "text"
		if c.Env == "production" {
			c.LogFormat = "json"
		}
	}
	if c.BaseURL == "" {
		c.BaseURL = "http://" + c.Addr
	}
	if len(errs) > 0 {
		return c, fs, errors.Join(errs...)
	}
	return c, fs, c.Validate()
}

// Validate checks the settings together and says what is wrong in words an
// operator can act on.
func (c Config) Validate() error {
	var errs []error
	add := func(format string, a ...any) { errs = append(errs, fmt.Errorf(format, a...)) }
	switch c.Env {
	case "development", "production":
	default:
		add("LIAISE_ENV must be development or production, not %q", c.Env)
	}
	if strings.TrimSpace(c.DatabaseURL) == "" {
		add("LIAISE_DATABASE_URL is empty: give a SQLite file path or a postgres:// URL")
	} else if strings.Contains(c.DatabaseURL, "://") && !strings.HasPrefix(c.DatabaseURL, "postgres://") && !strings.HasPrefix(c.DatabaseURL, "postgresql://") && !strings.HasPrefix(c.DatabaseURL, "sqlite://") {
		add("LIAISE_DATABASE_URL %q: only postgres:// URLs or SQLite file paths are supported", redact(c.DatabaseURL))
	}
	if _, _, err := net.SplitHostPort(c.Addr); err != nil {
		add("LIAISE_ADDR %q is not host:port (for example 127.0.0.1:8080)", c.Addr)
	}
	if u, err := url.Parse(c.BaseURL); err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
		add("LIAISE_BASE_URL %q must be an http:// or https:// URL", c.BaseURL)
	} else if c.Env == "production" && u.Scheme != "https" {
		add("LIAISE_BASE_URL must be https:// in production")
	}
	if c.SessionIdle < time.Minute || c.SessionIdle > 12*time.Hour {
		add("LIAISE_SESSION_IDLE must be between 1m and 12h, not %s", c.SessionIdle)
	}
	if c.SessionMax < c.SessionIdle || c.SessionMax > 7*24*time.Hour {
		add("LIAISE_SESSION_MAX must be at least LIAISE_SESSION_IDLE and at most 168h, not %s", c.SessionMax)
	}
	switch c.LogFormat {
	case "text", "json":
	default:
		add("LIAISE_LOG_FORMAT must be text or json, not %q", c.LogFormat)
	}
	switch c.LogLevel {
	case "debug", "info", "warn", "error":
	default:
		add("LIAISE_LOG_LEVEL must be debug, info, warn or error, not %q", c.LogLevel)
	}
	if c.AuditKey != "" && len(c.AuditKey) < 32 {
		add("LIAISE_AUDIT_KEY must be at least 32 characters")
	}
	if c.Env == "production" && c.AuditKey == "" {
		add("LIAISE_AUDIT_KEY is required in production (at least 32 random characters; keep it secret and backed up)")
	}
	if c.Env == "production" && c.Demo {
		add("--demo is refused when LIAISE_ENV=production")
	}
	return errors.Join(errs...)
}

// Secure reports whether the service is served over https.
func (c Config) Secure() bool { return strings.HasPrefix(c.BaseURL, "https://") }

// Production reports whether LIAISE_ENV=production.
func (c Config) Production() bool { return c.Env == "production" }

// redact hides a password in a database URL.
func redact(s string) string {
	u, err := url.Parse(s)
	if err != nil {
		return "(unparseable URL)"
	}
	if _, ok := u.User.Password(); ok {
		u.User = url.UserPassword(u.User.Username(), "xxxxx")
	}
	return u.String()
}

// Redacted returns the database URL with any password hidden, for logs.
func (c Config) Redacted() string {
	if strings.Contains(c.DatabaseURL, "://") {
		return redact(c.DatabaseURL)
	}
	return c.DatabaseURL
}
