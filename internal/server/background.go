package server

import "context"

// jobs lists background jobs (audit sealing, session clean-up). Each takes a
// lease in the database so only one instance of a scaled-out service runs it.
func (s *Server) jobs() []func(context.Context) {
	var jobs []func(context.Context)
	jobs = append(jobs, s.auditJobs()...)
	jobs = append(jobs, s.sessionJobs()...)
	return jobs
}

func (s *Server) startBackground(ctx context.Context) {
	for _, job := range s.jobs() {
		go job(ctx)
	}
}
