package seed

import "strings"

// Table is a table the seeder writes, with the columns it fills in the order
// its rows give them. ID names the column whose values the seeder allocates
// itself (continuing after the largest id already there), so child rows can
// refer to a parent before either is written; "" when the key is composite.
type Table struct {
	Name string
	Cols []string
	ID   string
	// Update makes the rows updates of rows already written (to table Name,
	// found by their first column, the key; the other columns are set): for
	// a column that refers to a row written later, as when two tables refer
	// to each other. Update tables write no rows of their own.
	Update bool
	// slot is the table's position in a batch, set by newRegistry.
	slot int
}

// col is the position of column name in the table's rows.
func (t *Table) col(name string) int {
	for i, c := range t.Cols {
		if c == name {
			return i
		}
	}
	panic("seed: table " + t.Name + " has no column " + name)
}

func table(name, id, cols string) *Table {
	return &Table{Name: name, ID: id, Cols: strings.Fields(strings.ReplaceAll(cols, ",", " "))}
}

// The tables, parents before children: the writer writes a batch in this
// order, so foreign keys hold at every statement.
var (
	tUsers       = table("users", "id", "id, provider_id, username, display_name, email, role_id, password_hash, disabled, demo, version, created_at, updated_at")
	tMemberships = table("memberships", "", "user_id, team_id")

	tPeople = table("people", "id", `id, provider_id, team_id, identity_status, date_of_birth, dob_unknown, estimated_age,
		stated_gender, gender_identity, ethnic_category, preferred_language, interpreter_needed, communication_needs,
		reasonable_adjustments, address, postcode, no_fixed_abode, gp_practice_ods, ex_armed_forces, care_leaver,
		ld_status, autism_status, looked_after, child_protection, social_worker, youth_justice_worker, school,
		restricted, sort_family, sort_given, version, created_at, created_by, updated_at`)
	tPersonNames   = table("person_names", "id", "id, person_id, position, type, given, family, folded_given, folded_family")
	tNameTokens    = table("person_name_tokens", "", "person_id, token, provider_id, date_of_birth")
	tIdentifiers   = table("person_identifiers", "id", "id, person_id, provider_id, type, value, nhs_verification")
	tAdults        = table("responsible_adults", "id", "id, person_id, name, relationship, parental_responsibility, phone")
	tPersonEvents  = table("person_events", "id", "id, person_id, occurred_at, recorded_at, user_id, kind, summary")
	tNotDuplicates = table("person_not_duplicates", "", "person_id, other_person_id, recorded_by, recorded_at, reason")

	tEpisodes = table("episodes", "id", `id, provider_id, person_id, team_id, site_id, service_type, state, setting, alerted_at,
		referrer_agency_id, referrer_role, custody_record, court_reference, concerns, urgency, hearing_date, allocated_user_id,
		out_of_hours, queue_at, version, created_at, created_by, updated_at`)
	tTransitions = table("episode_transitions", "id", `id, episode_id, from_state, to_state, reason, retry_at, occurred_at, recorded_at, user_id,
		source_type, source_id`)

	tScreenings = table("screenings", "id", `id, episode_id, kind, question_set_version, occurred_at, recorded_at, user_id, mode,
		remote_details, others_present, interpreter_used, interpreter_language, risk_in_custody, advice_to_custody, assessment_needed,
		risk_to_self, risk_to_self_notes, risk_to_others, risk_to_others_notes, risk_from_others, risk_from_others_notes,
		safeguarding, safeguarding_notes, urgency, incomplete_reason, entered_in_error, version`)
	tScreeningAnswers = table("screening_answers", "", "screening_id, vulnerability_code, answer, notes")

	tAssessments     = table("assessments", "id", "id, episode_id, type, occurred_at, recorded_at, user_id, formulation, incomplete_reason, entered_in_error, version")
	tFindings        = table("assessment_findings", "", "assessment_id, domain, text, sharing")
	tTools           = table("assessment_tools", "", "assessment_id, position, tool, tool_version, score")
	tRecommendations = table("assessment_recommendations", "", "assessment_id, type, note")
	tSLTRequests     = table("slt_requests", "id", "id, episode_id, reason, urgency, requested_by, requested_at, status, updated_at, version")
	tCommProfiles    = table("communication_profiles", "id", `id, request_id, episode_id, occurred_at, recorded_at, user_id, adapted_questioning,
		intermediary_needed, strengths, difficulties, recommendations`)

	tConsents = table("consents", "id", `id, provider_id, episode_id, person_id, scope, decision, form, interpreter_used, obtained_by,
		occurred_at, recorded_at, expires_at, court_stage, best_interests, gillick_competent, parental_consent, person_age_at_event,
		appears_under_18, recorded_by`)
	tDisclosures = table("disclosures", "id", `id, provider_id, episode_id, person_id, recipient_agency, recipient_role, purpose, content,
		channel, occurred_at, recorded_at, disclosed_by, consent_id, legal_basis, urgent, needs_review, review_due, reviewed_by,
		reviewed_at, outcome, comment, document_version_id`)

	// Documents and their versions are written before the disclosures that
	// issued them (a disclosure names the version it shared); the version's
	// own link to its disclosure is filled in after the disclosures, by the
	// update table tVersionDisclosures, so foreign keys hold at every
	// statement even where they are checked (PostgreSQL, ordinary role).
	tDocuments = table("documents", "id", `id, provider_id, episode_id, person_id, kind, status, latest_version, hearing_date,
		created_by, created_at, updated_at, version`)
	tDocVersions = table("document_versions", "id", `id, document_id, number, status, header, sections, written_by, written_at,
		approved_by, approved_at, identity_method, issued_by, issued_at, disclosure_id, withdrawn_by, withdrawn_at, withdrawal_reason`)
	tVersionDisclosures = &Table{Name: "document_versions", Cols: []string{"id", "disclosure_id"}, Update: true}

	tContacts = table("contacts", "id", `id, episode_id, provider_id, team_id, person_id, kind, occurred_at, recorded_at, user_id,
		duration_minutes, consultation_mechanism, activity_location_type, attended_or_dna, others_present, reasonable_adjustment,
		planned, counterpart_agency_type, counterpart_role, summary`)
	tReferrals = table("onward_referrals", "id", `id, episode_id, provider_id, team_id, person_id, need, service, method, state,
		decided_at, sent_at, first_appointment_at, attended_at, supported_to_first_appointment, version, created_at, created_by, updated_at`)
	tReferralTransitions = table("onward_referral_transitions", "id", "id, referral_id, from_state, to_state, reason, occurred_at, recorded_at, user_id")

	tNotes = table("case_notes", "id", "id, episode_id, occurred_at, recorded_at, user_id, text, restricted_to_team")
	tTasks = table("tasks", "id", `id, provider_id, team_id, episode_id, kind, title, due_at, due_all_day, assignee_user_id,
		source_type, source_id, created_at, created_by, completed_at, completed_by, version, updated_at`)

	tOutcomes = table("justice_outcomes", "id", `id, episode_id, provider_id, team_id, person_id, stage, outcome, requirements,
		occurred_at, recorded_at, user_id, notes`)
	tOutcomeRecs = table("outcome_recommendations", "id", "id, outcome_id, type, detail, followed")

	tAppropriateAdults = table("appropriate_adults", "id", `id, provider_id, episode_id, person_id, present, relationship, name,
		absent_reason, absent_detail, occurred_at, recorded_at, recorded_by`)
	tSafeguarding = table("safeguarding_referrals", "id", `id, provider_id, episode_id, person_id, referred_to, reference, concern,
		outcome, occurred_at, recorded_at, recorded_by`)

	tSupportGoals = table("support_goals", "id", `id, episode_id, provider_id, team_id, person_id, goal_type, description,
		worker_user_id, set_at, target_date, status, outcome_note, outcome_at, outcome_recorded_at, recorded_at, created_by,
		version, updated_at`)

	tAudit = table("audit_events", "seq", `seq, occurred_at, user_id, username, role, action, record_type, record_id, team_id,
		provider_id, client_ip, request_id, detail, chain_no, prev_hash, hash`)
	tAuditSubjects = table("audit_subjects", "", "seq, subject_id")
)
