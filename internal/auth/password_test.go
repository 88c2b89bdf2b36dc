package auth

import (
	"errors"
	"strings"
	"testing"
	"time"

	"liaise"
)

func TestHashVerifyRoundTrip(t *testing.T) {
	h := NewHasher(TestParams, 2)
	phc, err := h.Hash("correct horse battery staple")
	if err != nil {
		t.Fatal(err)
	}
	if !strings.HasPrefix(phc, "$argon2id$v=19$m=64,t=1,p=1$") {
		t.Fatalf("PHC string %q", phc)
	}
	ok, rehash, err := h.Verify("correct horse battery staple", phc)
	if err != nil || !ok || rehash {
		t.Fatalf("right password: ok=%v rehash=%v err=%v", ok, rehash, err)
	}
	ok, _, err = h.Verify("correct horse battery stapler", phc)
	if err != nil || ok {
		t.Fatalf("wrong password: ok=%v err=%v", ok, err)
	}
	again, _ := h.Hash("correct horse battery staple")
	if again == phc {
		t.Fatal("two hashes of one password are equal: salt not random")
	}
}

func TestVerifyNeedsRehashWhenParamsChange(t *testing.T) {
	old := NewHasher(TestParams, 1)
	phc, _ := old.Hash("a long enough password")
	stronger := TestParams
	stronger.Time = 2
	ok, rehash, err := NewHasher(stronger, 1).Verify("a long enough password", phc)
	if err != nil || !ok || !rehash {
		t.Fatalf("ok=%v rehash=%v err=%v, want ok and rehash", ok, rehash, err)
	}
	ok, rehash, _ = NewHasher(stronger, 1).Verify("wrong", phc)
	if ok || rehash {
		t.Fatal("a wrong password must not ask for a rehash")
	}
}

func TestVerifyUnknownAccountNeverMatches(t *testing.T) {
	h := NewHasher(TestParams, 1)
	for _, pw := range []string{"", "liaise dummy password for unknown accounts", "anything"} {
		if ok, _, err := h.Verify(pw, ""); ok || err != nil {
			t.Errorf("Verify(%q, \"\") = %v, %v", pw, ok, err)
		}
	}
}

func TestVerifyRejectsMalformedHashes(t *testing.T) {
	h := NewHasher(TestParams, 1)
	good, _ := h.Hash("a long enough password")
	parts := strings.Split(good, "$")
	salt, key := parts[4], parts[5]
	for _, bad := range []string{
		"plain text",
		"$argon2i$v=19$m=64,t=1,p=1$" + salt + "$" + key,
		"$argon2id$v=16$m=64,t=1,p=1$" + salt + "$" + key,
		"$argon2id$v=19$m=64,t=1$" + salt + "$" + key,
		"$argon2id$v=19$m=64,t=1,p=1,x=2$" + salt + "$" + key,
		"$argon2id$v=19$m=64,t=1,p=1,p=1$" + salt + "$" + key,
		"$argon2id$v=19$m=abc,t=1,p=1$" + salt + "$" + key,
		"$argon2id$v=19$m=4194304,t=1,p=1$" + salt + "$" + key, // 4 GiB: refused, not allocated
		"$argon2id$v=19$m=64,t=0,p=1$" + salt + "$" + key,
		"$argon2id$v=19$m=64,t=1,p=1$!!!$" + key,
		"$argon2id$v=19$m=64,t=1,p=1$" + salt + "$",
		"$argon2id$v=19$m=64,t=1,p=1$" + salt,
	} {
		ok, _, err := h.Verify("a long enough password", bad)
		if ok || !errors.Is(err, ErrInvalidHash) {
			t.Errorf("%q: ok=%v err=%v, want ErrInvalidHash", bad, ok, err)
		}
	}
}

func TestHasherLimitsConcurrency(t *testing.T) {
	h := NewHasher(TestParams, 2)
	// Fill the semaphore by hand to observe that a third hash waits.
	h.sem <- struct{}{}
	h.sem <- struct{}{}
	done := make(chan struct{})
	go func() { h.Hash("waits for a slot"); close(done) }()
	select {
	case <-done:
		t.Fatal("hash ran although both slots were taken")
	case <-time.After(50 * time.Millisecond):
	}
	<-h.sem
	select {
	case <-done:
	case <-time.After(5 * time.Second):
		t.Fatal("hash did not run once a slot was free")
	}
	<-h.sem
}

func TestHashPasswordUsesDefaultParams(t *testing.T) {
	if testing.Short() {
		t.Skip("default parameters are deliberately slow")
	}
	phc, err := HashPassword("a long enough password")
	if err != nil || !strings.HasPrefix(phc, "$argon2id$v=19$m=65536,t=3,p=2$") {
		t.Fatalf("%q %v", phc, err)
	}
}

func TestValidatePassword(t *testing.T) {
	for _, c := range []struct {
		pw, user string
		want     string // "" = valid; else a fragment of the message
	}{
		{"", "alice", "Enter a password"},
		{"short", "alice", "12 characters"},
		{"elevenchars", "alice", "12 characters"},
		{"twelve chars", "alice", ""},
		{"ünïcödé-pässwörd", "alice", ""},
		{"alice.smith.nhs", "alice.smith.nhs", "username"},
		{"Alice.Smith.NHS", "alice.smith.nhs", "username"},
		{"Password1234", "alice", "too easy"},
		{"123456789012", "alice", "too easy"},
		{"aaaaaaaaaaaaaaaa", "alice", "too easy"},
		{strings.Repeat("long phrase ", 20), "alice", "200 characters"},
		{"custody suite kettle orange", "alice", ""},
	} {
		err := ValidatePassword(c.pw, c.user)
		if c.want == "" {
			if err != nil {
				t.Errorf("%q: %v, want valid", c.pw, err)
			}
			continue
		}
		msg := liaise.ErrorFields(err)["password"]
		if liaise.ErrorCode(err) != liaise.EINVALID || !strings.Contains(msg, c.want) {
			t.Errorf("%q: %v, want password error containing %q", c.pw, err, c.want)
		}
	}
}
