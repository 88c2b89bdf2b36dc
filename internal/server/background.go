package server

import (
	"context"
	"sync"
)

// jobs lists background jobs (audit sealing, session clean-up). Each takes a
// lease in the database so only one instance of a scaled-out service runs it.
func (s *Server) jobs() []func(context.Context) {
	var jobs []func(context.Context)
	jobs = append(jobs, s.auditJobs()...)
	jobs = append(jobs, s.sessionJobs()...)
	return jobs
}

// startBackground starts the jobs; the returned wait blocks until all have
// returned after ctx ends.
func (s *Server) startBackground(ctx context.Context) (wait func()) {
	var wg sync.WaitGroup
	for _, job := range s.jobs() {
		wg.Go(func() { job(ctx) })
	}
	return wg.Wait
}
