package main

import (
	"fmt"
	"os"
	"syscall"

	"liaise/internal/sqlstore"
)

// lockSQLite takes an exclusive lock beside a SQLite file so only one serve
// process uses it; PostgreSQL needs none.
func lockSQLite(dsn string) (func(), error) {
	if sqlstore.EngineOf(dsn) != sqlstore.SQLite {
		return func() {}, nil
	}
	path := sqlstore.SQLitePath(dsn) + ".lock"
	f, err := os.OpenFile(path, os.O_CREATE|os.O_RDWR, 0o600)
	if err != nil {
		return nil, fmt.Errorf("lock %s: %w", path, err)
	}
	if err := syscall.Flock(int(f.Fd()), syscall.LOCK_EX|syscall.LOCK_NB); err != nil {
		f.Close()
		return nil, fmt.Errorf("another liaise serve is already using %s (lock file %s is held): stop it first, or use PostgreSQL to run several servers", sqlstore.SQLitePath(dsn), path)
	}
	return func() {
		syscall.Flock(int(f.Fd()), syscall.LOCK_UN)
		f.Close()
	}, nil
}
