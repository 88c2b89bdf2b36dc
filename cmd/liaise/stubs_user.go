package main

import "context"

func cmdUser(ctx context.Context, e env, args []string) error { return nil }
