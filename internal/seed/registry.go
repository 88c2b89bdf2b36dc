package seed

// Step is one kind of record the seeder makes (see the package comment).
// Steps run in registry order for each person, and then, for each of the
// person's episodes, in registry order again: a step may rely on what an
// earlier step left on the person or episode (the consents step records
// consents that the disclosures step then relies on).
type Step struct {
	// Name is how the summary and the tests refer to the step.
	Name string
	// Tables are the tables the step writes: the writer prepares them, drops
	// and rebuilds their secondary indexes and counts their rows.
	Tables []*Table
	// Person is called once per person, Episode once per episode; either
	// may be nil.
	Person  func(g *gen, p *person)
	Episode func(g *gen, e *episode)
}

// Steps is the registry: every kind of record the seeder makes, in order.
// To seed a new kind of record, add its step here.
func Steps() []Step {
	return []Step{
		{Name: "people", Person: writePerson,
			Tables: []*Table{tPeople, tPersonNames, tNameTokens, tIdentifiers, tAdults, tNamedStaff, tPersonEvents}},
		{Name: "episodes", Episode: writeEpisode, Tables: []*Table{tEpisodes, tTransitions}},
		{Name: "screenings", Episode: screenings, Tables: []*Table{tScreenings, tScreeningAnswers}},
		{Name: "assessments", Episode: assessments, Tables: []*Table{tAssessments, tFindings, tTools, tRecommendations}},
		{Name: "speech and language therapy", Episode: sltRequests, Tables: []*Table{tSLTRequests, tCommProfiles}},
		{Name: "consents", Episode: consents, Tables: []*Table{tConsents}},
		{Name: "disclosures", Episode: disclosures, Tables: []*Table{tDisclosures}},
		{Name: "contacts", Episode: contacts, Tables: []*Table{tContacts}},
		{Name: "onward referrals", Episode: onwardReferrals, Tables: []*Table{tReferrals, tReferralTransitions}},
		{Name: "case notes", Episode: caseNotes, Tables: []*Table{tNotes}},
		{Name: "tasks", Episode: tasks, Tables: []*Table{tTasks}},
		{Name: "justice outcomes", Episode: justiceOutcomes, Tables: []*Table{tOutcomes, tOutcomeRecs}},
		{Name: "children and young people", Episode: youth, Tables: []*Table{tAppropriateAdults, tSafeguarding}},
		{Name: "support goals", Episode: supportGoals, Tables: []*Table{tSupportGoals}},
		{Name: documentsStep, Episode: documents, Tables: []*Table{tDocuments, tDocVersions, tVersionDisclosures, tDisclosures, tTasks}},
		{Name: "reads", Episode: reads},
	}
}

// writeOrder is every table in the order rows are written: parents first,
// so foreign keys hold at every statement. Staff come first (ensureStaff),
// the audit trail last.
var writeOrder = []*Table{
	tUsers, tMemberships,
	tPeople, tPersonNames, tNameTokens, tIdentifiers, tAdults, tNamedStaff, tPersonEvents,
	tEpisodes, tTransitions,
	tScreenings, tScreeningAnswers,
	tAssessments, tFindings, tTools, tRecommendations, tSLTRequests, tCommProfiles,
	tConsents, tDocuments, tDocVersions, tDisclosures, tVersionDisclosures,
	tContacts, tReferrals, tReferralTransitions,
	tNotes, tTasks,
	tOutcomes, tOutcomeRecs,
	tAppropriateAdults, tSafeguarding,
	tSupportGoals,
	tAudit, tAuditSubjects,
}

// tablesOf returns the tables to write: writeOrder, checked against the
// steps so a step cannot forget to list a table (or list one the writer
// does not know), with each table's batch slot set.
func tablesOf(steps []Step) ([]*Table, error) {
	known := map[*Table]bool{tUsers: true, tMemberships: true, tAudit: true, tAuditSubjects: true}
	for _, s := range steps {
		for _, t := range s.Tables {
			known[t] = true
		}
	}
	var out []*Table
	for i, t := range writeOrder {
		t.slot = i
		if known[t] {
			out = append(out, t)
			delete(known, t)
		}
	}
	for t := range known {
		return nil, errUnknownTable(t.Name)
	}
	return out, nil
}

type errUnknownTable string

func (e errUnknownTable) Error() string {
	return "seed: a step writes table " + string(e) + ", which is not in writeOrder (registry.go)"
}
