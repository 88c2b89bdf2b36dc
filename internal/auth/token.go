// Package auth holds sign-in machinery that does not depend on HTTP or the
// database: password hashing, token generation and hashing, and throttling
// rules. Local accounts are one way in; an OIDC provider (NHS CIS2) can be
// added beside them because sessions are created from a user id, whatever
// proved who the user is.
package auth

import (
	"crypto/rand"
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
)

// NewToken returns a random bearer secret with a readable prefix (so a leaked
// token can be recognised in logs or code), and the hash to store.
func NewToken(prefix string) (token, hash string) {
	b := make([]byte, 32)
	if _, err := rand.Read(b); err != nil {
		panic(err) // crypto/rand never fails on supported platforms
	}
	token = prefix + base64.RawURLEncoding.EncodeToString(b)
	return token, HashToken(token)
}

// HashToken is how tokens are stored and looked up. Tokens carry 256 bits of
// randomness, so a fast hash is enough (no password-style stretching).
func HashToken(token string) string {
	s := sha256.Sum256([]byte(token))
	return hex.EncodeToString(s[:])
}

// Token prefixes.
const (
	SessionPrefix = "lses_"
	APIPrefix     = "lapi_"
	ServicePrefix = "lsvc_"
)
