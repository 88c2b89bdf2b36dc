package auth

import (
	"crypto/rand"
	"crypto/subtle"
	"encoding/base64"
	"errors"
	"fmt"
	"strconv"
	"strings"
	"sync"
	"unicode/utf8"

	"golang.org/x/crypto/argon2"

	"liaise"
)

// Params are argon2id cost parameters.
type Params struct {
	Memory  uint32 // KiB
	Time    uint32 // passes
	Threads uint8
	SaltLen uint32 // bytes
	KeyLen  uint32 // bytes
}

// DefaultParams follow RFC 9106's second recommended option (64 MiB, 3
// passes) with 2 lanes rather than 4, because the reference machine has two
// cores: more lanes than cores adds no strength, only latency. A hash takes
// roughly 100-200 ms there, slow for an attacker with a stolen table and
// unnoticeable at sign-in.
var DefaultParams = Params{Memory: 64 * 1024, Time: 3, Threads: 2, SaltLen: 16, KeyLen: 32}

// TestParams are cheap, so test suites can sign in many times; never use
// them for real accounts.
var TestParams = Params{Memory: 64, Time: 1, Threads: 1, SaltLen: 16, KeyLen: 32}

// ErrInvalidHash means a stored hash is not an argon2id PHC string we can read.
var ErrInvalidHash = errors.New("auth: stored password hash is not a valid argon2id PHC string")

// Hasher hashes and verifies passwords. Each argon2id run allocates
// Params.Memory, so a semaphore bounds how many run at once: a burst of
// sign-ins at shift change waits briefly instead of exhausting memory
// (DESIGN.md §10). A Server owns one; there is no package-level state.
type Hasher struct {
	params Params
	sem    chan struct{}

	dummyOnce sync.Once
	dummy     string
}

// NewHasher returns a Hasher with params that runs at most concurrency
// hashes at a time (at least 1).
func NewHasher(params Params, concurrency int) *Hasher {
	if concurrency < 1 {
		concurrency = 1
	}
	return &Hasher{params: params, sem: make(chan struct{}, concurrency)}
}

// HashPassword hashes a password with DefaultParams, for the command line
// (user add, reset-password), where a one-off Hasher is all that is needed.
func HashPassword(password string) (string, error) {
	return NewHasher(DefaultParams, 1).Hash(password)
}

// Hash returns the PHC string of password with a fresh random salt.
func (h *Hasher) Hash(password string) (string, error) {
	salt := make([]byte, h.params.SaltLen)
	if _, err := rand.Read(salt); err != nil {
		return "", err
	}
	key := h.derive(password, salt, h.params)
	return encodePHC(h.params, salt, key), nil
}

// Verify reports whether password matches the PHC string phc, and whether
// the hash was made with other parameters than this Hasher's (so the caller
// should store a fresh hash after a successful sign-in). An empty phc (an
// unknown account, or one without a password) is checked against a dummy
// hash, so the response takes as long as for a real account and its timing
// does not reveal whether the account exists; it never matches.
func (h *Hasher) Verify(password, phc string) (ok bool, needsRehash bool, err error) {
	if phc == "" {
		h.dummyOnce.Do(func() {
			h.dummy, _ = h.Hash("liaise dummy password for unknown accounts")
		})
		p, salt, key, err := decodePHC(h.dummy)
		if err == nil {
			subtle.ConstantTimeCompare(h.derive(password, salt, p), key)
		}
		return false, false, nil
	}
	p, salt, key, err := decodePHC(phc)
	if err != nil {
		return false, false, err
	}
	got := h.derive(password, salt, p)
	if subtle.ConstantTimeCompare(got, key) != 1 {
		return false, false, nil
	}
	return true, p != h.params, nil
}

func (h *Hasher) derive(password string, salt []byte, p Params) []byte {
	h.sem <- struct{}{}
	defer func() { <-h.sem }()
	return argon2.IDKey([]byte(password), salt, p.Time, p.Memory, p.Threads, p.KeyLen)
}

var b64 = base64.RawStdEncoding

func encodePHC(p Params, salt, key []byte) string {
	return fmt.Sprintf("$argon2id$v=%d$m=%d,t=%d,p=%d$%s$%s", argon2.Version, p.Memory, p.Time, p.Threads, b64.EncodeToString(salt), b64.EncodeToString(key))
}

// decodePHC parses "$argon2id$v=19$m=…,t=…,p=…$salt$hash". The bounds stop
// a corrupted or hostile stored value from asking for gigabytes of memory.
func decodePHC(s string) (Params, []byte, []byte, error) {
	var p Params
	parts := strings.Split(s, "$")
	if len(parts) != 6 || parts[0] != "" || parts[1] != "argon2id" {
		return p, nil, nil, ErrInvalidHash
	}
	if parts[2] != "v="+strconv.Itoa(argon2.Version) {
		return p, nil, nil, fmt.Errorf("%w: unsupported version %q", ErrInvalidHash, parts[2])
	}
	seen := map[string]bool{}
	for _, kv := range strings.Split(parts[3], ",") {
		k, v, ok := strings.Cut(kv, "=")
		n, err := strconv.ParseUint(v, 10, 32)
		if !ok || err != nil || seen[k] {
			return p, nil, nil, fmt.Errorf("%w: bad parameter %q", ErrInvalidHash, kv)
		}
		seen[k] = true
		switch k {
		case "m":
			p.Memory = uint32(n)
		case "t":
			p.Time = uint32(n)
		case "p":
			if n > 255 {
				return p, nil, nil, fmt.Errorf("%w: bad parameter %q", ErrInvalidHash, kv)
			}
			p.Threads = uint8(n)
		default:
			return p, nil, nil, fmt.Errorf("%w: unknown parameter %q", ErrInvalidHash, k)
		}
	}
	if !seen["m"] || !seen["t"] || !seen["p"] || p.Time < 1 || p.Threads < 1 || p.Memory < 8*uint32(p.Threads) || p.Memory > 1<<20 || p.Time > 100 {
		return p, nil, nil, fmt.Errorf("%w: parameters out of range", ErrInvalidHash)
	}
	salt, err := b64.DecodeString(parts[4])
	if err != nil || len(salt) < 8 || len(salt) > 64 {
		return p, nil, nil, fmt.Errorf("%w: bad salt", ErrInvalidHash)
	}
	key, err := b64.DecodeString(parts[5])
	if err != nil || len(key) < 16 || len(key) > 128 {
		return p, nil, nil, fmt.Errorf("%w: bad hash", ErrInvalidHash)
	}
	p.SaltLen, p.KeyLen = uint32(len(salt)), uint32(len(key))
	return p, salt, key, nil
}

// Password policy limits. The upper limit bounds the work one request can
// ask of the hasher; a passphrase of 200 characters is still welcome.
const (
	MinPasswordLen = 12
	MaxPasswordLen = 200
)

// commonPasswords are long enough to pass the length rule yet are among the
// first any attacker tries. Compared case-insensitively.
var commonPasswords = map[string]bool{
	"123456789012": true, "1234567890123": true, "12345678901234": true, "123456123456": true,
	"password1234": true, "password12345": true, "password123456": true, "passwordpassword": true,
	"password123!": true, "p@ssw0rd1234": true, "qwertyuiop12": true, "qwerty123456": true,
	"qwertyuiopasdf": true, "1q2w3e4r5t6y": true, "iloveyou1234": true, "letmein12345": true,
	"welcome12345": true, "welcome123456": true, "changeme1234": true, "abcdefghijkl": true,
	"abc123456789": true, "administrator": true, "liaisepassword": true, "nhspassword1": true,
	"nhspassword123": true, "trustno1trustno1": true, "football1234": true, "monkey123456": true,
	"sunshine1234": true, "princess1234": true, "baseball1234": true, "superman1234": true,
}

// ValidatePassword applies the password policy: at least 12 characters (a
// length rule, not composition rules, as NCSC advises), not the username,
// not one of the most common passwords. The error names the field
// "password"; forms with other field ids map it.
func ValidatePassword(pw, username string) error {
	var v liaise.Validation
	n := utf8.RuneCountInString(pw)
	lower := strings.ToLower(pw)
	switch {
	case pw == "":
		v.Add("password", "Enter a password")
	case n < MinPasswordLen:
		v.Add("password", fmt.Sprintf("Password must be %d characters or more", MinPasswordLen))
	case n > MaxPasswordLen:
		v.Add("password", fmt.Sprintf("Password must be %d characters or fewer", MaxPasswordLen))
	case username != "" && strings.EqualFold(strings.TrimSpace(pw), strings.TrimSpace(username)):
		v.Add("password", "Password must not be your username")
	case commonPasswords[lower] || strings.Count(lower, lower[:1]) == len(lower):
		v.Add("password", "Password is too easy to guess. Choose a longer phrase of unrelated words")
	}
	return v.Err()
}
