package seed

import (
	"context"
	"crypto/sha256"
	"database/sql"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"slices"
	"strings"
	"testing"
	"time"

	"liaise"
	"liaise/internal/dbtest"
	"liaise/internal/ident"
	"liaise/internal/sqlstore"
)

var (
	testKey   = []byte("seed-test-audit-key")
	testUntil = time.Date(2026, time.November, 23, 9, 0, 0, 0, time.UTC)
)

func testOptions(people int, seed uint64) Options {
	return Options{People: people, Seed: seed, Until: testUntil, AuditKey: testKey, CheckEvery: 1, BatchPeople: 100, TxBatches: 2}
}

func mustRun(t *testing.T, db *sqlstore.DB, opt Options) Result {
	t.Helper()
	res, err := Run(context.Background(), db, opt)
	if err != nil {
		t.Fatalf("seed: %v", err)
	}
	return res
}

// tableHash hashes every row of the tables, in key order, as text.
func tableHash(t *testing.T, db *sqlstore.DB, tables ...string) string {
	t.Helper()
	h := sha256.New()
	for _, name := range tables {
		rows, err := db.Query(context.Background(), `SELECT * FROM `+name+` ORDER BY 1, 2`)
		if err != nil {
			t.Fatal(err)
		}
		cols, _ := rows.Columns()
		vals := make([]any, len(cols))
		ptrs := make([]any, len(cols))
		for i := range vals {
			ptrs[i] = &vals[i]
		}
		n := 0
		for rows.Next() {
			if err := rows.Scan(ptrs...); err != nil {
				t.Fatal(err)
			}
			fmt.Fprintf(h, "%s:%v\n", name, vals)
			n++
		}
		rows.Close()
		if n == 0 {
			t.Fatalf("%s is empty", name)
		}
	}
	return hex.EncodeToString(h.Sum(nil))
}

// seededTables are hashed by the determinism test: the people, their
// episodes and records, and the sealed audit trail.
var seededTables = []string{"people", "person_names", "person_name_tokens", "person_identifiers", "person_events", "episodes",
	"episode_transitions", "screenings", "screening_answers", "assessments", "consents", "disclosures", "contacts", "onward_referrals",
	"case_notes", "tasks", "justice_outcomes", "support_goals", "communication_profiles", "documents", "document_versions",
	"memberships", "audit_events", "audit_subjects"}

func TestSameSeedSameData(t *testing.T) {
	a, b, c := dbtest.OpenSQLite(t), dbtest.OpenSQLite(t), dbtest.OpenSQLite(t)
	ra := mustRun(t, a, testOptions(500, 7))
	rb := mustRun(t, b, testOptions(500, 7))
	mustRun(t, c, testOptions(500, 8))
	ha, hb, hc := tableHash(t, a, seededTables...), tableHash(t, b, seededTables...), tableHash(t, c, seededTables...)
	if ha != hb {
		t.Errorf("the same seed gave different data: %s and %s", ha, hb)
	}
	if ha == hc {
		t.Errorf("seeds 7 and 8 gave the same data")
	}
	if !slices.Equal(ra.Rows, rb.Rows) {
		t.Errorf("row counts differ:\n%v\n%v", ra.Rows, rb.Rows)
	}
}

// TestRecordsAreValid seeds with every record checked by the domain's
// validators as it is made (CheckEvery 1), then checks what was stored.
func TestRecordsAreValid(t *testing.T) {
	db := dbtest.OpenSQLite(t)
	res := mustRun(t, db, testOptions(800, 3))
	ctx := context.Background()
	if res.People != 800 || res.Episodes < 1000 || res.Episodes > 1500 {
		t.Errorf("%d people with %d episodes: want about 1.5 episodes each", res.People, res.Episodes)
	}

	// Foreign keys hold although the load did not check them row by row.
	rows, err := db.Query(ctx, `PRAGMA foreign_key_check`)
	if err != nil {
		t.Fatal(err)
	}
	if rows.Next() {
		var table string
		var rowid, parent, fk any
		rows.Scan(&table, &rowid, &parent, &fk)
		t.Errorf("foreign key broken: %s row %v refers to a missing %v", table, rowid, parent)
	}
	rows.Close()

	// NHS numbers: modulus 11, the 999 test range, one person each, about 75%.
	var nhs []string
	queryStrings(t, db, &nhs, `SELECT value FROM person_identifiers WHERE type = 'nhs_number' AND person_id >= ?`, res.FirstPersonID)
	for _, n := range nhs {
		if _, err := ident.NormaliseNHSNumber(n); err != nil || !strings.HasPrefix(n, "999") {
			t.Errorf("NHS number %s: %v (or outside the 999 range)", n, err)
		}
	}
	if share := float64(len(nhs)) / 800; share < 0.65 || share > 0.85 {
		t.Errorf("%.0f%% of people have an NHS number, want about 75%%", share*100)
	}
	var dupNHS int
	db.QueryRow(ctx, `SELECT COUNT(*) FROM (SELECT value FROM person_identifiers WHERE type = 'nhs_number' GROUP BY value HAVING COUNT(*) > 1) d`).Scan(&dupNHS)
	if dupNHS > 0 {
		t.Errorf("%d NHS numbers are given to more than one person", dupNHS)
	}
	var pnc []string
	queryStrings(t, db, &pnc, `SELECT value FROM person_identifiers WHERE type = 'pnc_id' AND person_id >= ?`, res.FirstPersonID)
	if len(pnc) < 200 {
		t.Errorf("only %d PNC IDs", len(pnc))
	}
	for _, p := range pnc {
		if n, err := ident.NormalisePNCID(p); err != nil || n != p {
			t.Errorf("PNC ID %s: %v", p, err)
		}
	}

	// Ages at the first episode: custody's profile, 10 to 85, about 9% children.
	var ages []int
	rows, err = db.Query(ctx, `SELECT p.date_of_birth, MIN(e.alerted_at) FROM people p JOIN episodes e ON e.person_id = p.id
		WHERE p.id >= ? AND p.date_of_birth IS NOT NULL GROUP BY p.id, p.date_of_birth`, res.FirstPersonID)
	if err != nil {
		t.Fatal(err)
	}
	for rows.Next() {
		var dob liaise.Date
		var first liaise.Time
		if err := rows.Scan(&dob, &first); err != nil {
			t.Fatal(err)
		}
		ages = append(ages, liaise.AgeOn(dob, liaise.DateOf(first.Local())))
	}
	rows.Close()
	children := 0
	for _, a := range ages {
		if a < 10 || a > 86 {
			t.Errorf("age %d at the first episode", a)
		}
		if a < 18 {
			children++
		}
	}
	if share := float64(children) / float64(len(ages)); share < 0.05 || share > 0.14 {
		t.Errorf("%.1f%% children, want about 9%%", share*100)
	}

	// Each episode's state is where its transitions end, and they start at identified.
	var bad int
	db.QueryRow(ctx, `SELECT COUNT(*) FROM episodes e WHERE e.id >= (SELECT MIN(id) FROM episodes WHERE person_id >= ?) AND e.state <> (
		SELECT x.to_state FROM episode_transitions x WHERE x.episode_id = e.id ORDER BY x.occurred_at DESC, x.id DESC LIMIT 1)`, res.FirstPersonID).Scan(&bad)
	if bad > 0 {
		t.Errorf("%d episodes are not in the state their last transition reached", bad)
	}
	// Most closed, some open in every part of the pathway at the end of the data.
	var open, closed int
	db.QueryRow(ctx, `SELECT COUNT(*) FROM episodes WHERE person_id >= ? AND state NOT IN ('closed', 'rejected')`, res.FirstPersonID).Scan(&open)
	db.QueryRow(ctx, `SELECT COUNT(*) FROM episodes WHERE person_id >= ? AND state = 'closed'`, res.FirstPersonID).Scan(&closed)
	if closed < res.Episodes*8/10 || open == 0 {
		t.Errorf("%d closed and %d open of %d episodes", closed, open, res.Episodes)
	}

	// The search tokens are exactly what the store writes for the names.
	rows, err = db.Query(ctx, `SELECT n.person_id, n.given, n.family FROM person_names n WHERE n.person_id >= ? ORDER BY n.person_id, n.position`, res.FirstPersonID)
	if err != nil {
		t.Fatal(err)
	}
	want := map[int64][]string{}
	for rows.Next() {
		var id int64
		var given, family string
		rows.Scan(&id, &given, &family)
		for _, tok := range slices.Concat(liaise.NameTokens(given), liaise.NameTokens(family)) {
			if !slices.Contains(want[id], tok) {
				want[id] = append(want[id], tok)
			}
		}
	}
	rows.Close()
	got := map[int64][]string{}
	rows, err = db.Query(ctx, `SELECT person_id, token FROM person_name_tokens WHERE person_id >= ?`, res.FirstPersonID)
	if err != nil {
		t.Fatal(err)
	}
	for rows.Next() {
		var id int64
		var tok string
		rows.Scan(&id, &tok)
		got[id] = append(got[id], tok)
	}
	rows.Close()
	for id, w := range want {
		g := got[id]
		slices.Sort(g)
		slices.Sort(w)
		if !slices.Equal(g, w) {
			t.Errorf("person %d: tokens %v, want %v", id, g, w)
		}
	}

	// About ten activities an episode and tens of audit events.
	activities := 0
	for _, c := range res.Rows {
		switch c.Table {
		case "screenings", "assessments", "consents", "disclosures", "contacts", "onward_referrals", "case_notes", "tasks",
			"justice_outcomes", "appropriate_adults", "safeguarding_referrals", "support_goals", "slt_requests":
			activities += int(c.Rows)
		case "audit_events":
			if per := float64(c.Rows) / float64(res.Episodes); per < 15 || per > 40 {
				t.Errorf("%.1f audit events an episode, want tens", per)
			}
		}
	}
	if per := float64(activities) / float64(res.Episodes); per < 7 || per > 14 {
		t.Errorf("%.1f activities an episode, want about 10", per)
	}
}

// TestSeededRecordsFitTheirFeatures checks what the later migrations
// added: transitions name the screening or assessment that made them,
// communication profiles their episode, and documents are what the store
// would have made (drafted, edited through validation, approved when ready,
// issued as a disclosure to a recipient of their kind) and read back
// through the store.
func TestSeededRecordsFitTheirFeatures(t *testing.T) {
	db := dbtest.OpenSQLite(t)
	res := mustRun(t, db, testOptions(1500, 9))
	ctx := context.Background()
	count := func(q string, args ...any) int {
		t.Helper()
		var n int
		if err := db.QueryRow(ctx, q, args...).Scan(&n); err != nil {
			t.Fatalf("%s: %v", q, err)
		}
		return n
	}
	seeded := `e.person_id >= ?`
	first := res.FirstPersonID

	// Each move to screened or assessed names the screening or assessment
	// of the episode that made it, recorded in the same transaction.
	if n := count(`SELECT COUNT(*) FROM episode_transitions x JOIN episodes e ON e.id = x.episode_id WHERE `+seeded+`
		AND x.to_state IN ('screened', 'assessed') AND NOT EXISTS (
			SELECT 1 FROM screenings s WHERE x.source_type = 'screening' AND s.id = x.source_id AND s.episode_id = x.episode_id
				AND s.occurred_at = x.occurred_at AND s.recorded_at = x.recorded_at AND s.incomplete_reason = ''
			UNION ALL
			SELECT 1 FROM assessments a WHERE x.source_type = 'assessment' AND a.id = x.source_id AND a.episode_id = x.episode_id
				AND a.occurred_at = x.occurred_at AND a.recorded_at = x.recorded_at AND a.incomplete_reason = '')`, first); n > 0 {
		t.Errorf("%d moves to screened or assessed do not name the entry that made them", n)
	}
	if n := count(`SELECT COUNT(*) FROM episode_transitions x JOIN episodes e ON e.id = x.episode_id WHERE `+seeded+`
		AND x.to_state NOT IN ('screened', 'assessed') AND (x.source_type <> '' OR x.source_id IS NOT NULL)`, first); n > 0 {
		t.Errorf("%d other transitions name a source", n)
	}
	if n := count(`SELECT COUNT(*) FROM communication_profiles c JOIN slt_requests r ON r.id = c.request_id
		WHERE c.episode_id IS NULL OR c.episode_id <> r.episode_id`); n > 0 {
		t.Errorf("%d communication profiles do not name their request's episode", n)
	}

	// Documents: every kind; drafts, approved, issued and withdrawn ones.
	kinds := map[string]int{}
	statuses := map[string]int{}
	rows, err := db.Query(ctx, `SELECT d.kind, d.status FROM documents d JOIN episodes e ON e.id = d.episode_id WHERE `+seeded, first)
	if err != nil {
		t.Fatal(err)
	}
	for rows.Next() {
		var k, st string
		rows.Scan(&k, &st)
		kinds[k]++
		statuses[st]++
	}
	rows.Close()
	for _, k := range liaise.DocumentKinds {
		if kinds[k.Code] == 0 {
			t.Errorf("no %s was seeded (%v)", k.Code, kinds)
		}
	}
	for _, st := range liaise.DocumentStatuses {
		if statuses[st.Code] == 0 {
			t.Errorf("no document is %s (%v)", st.Code, statuses)
		}
	}
	// A document's row agrees with its versions, and belongs with its episode's person.
	if n := count(`SELECT COUNT(*) FROM documents d JOIN episodes e ON e.id = d.episode_id WHERE `+seeded+` AND (d.person_id <> e.person_id
		OR d.provider_id <> e.provider_id OR d.latest_version <> (SELECT MAX(number) FROM document_versions v WHERE v.document_id = d.id)
		OR d.latest_version <> (SELECT COUNT(*) FROM document_versions v WHERE v.document_id = d.id)
		OR d.status <> (SELECT v.status FROM document_versions v WHERE v.document_id = d.id AND v.number = d.latest_version)
		OR EXISTS (SELECT 1 FROM document_versions v WHERE v.document_id = d.id AND v.number < d.latest_version AND v.status <> 'draft'))`, first); n > 0 {
		t.Errorf("%d documents disagree with their versions or episode", n)
	}
	// Issued (and withdrawn) versions and only they link to the disclosure
	// that issued them, both ways, made at the issue by the issuer.
	if n := count(`SELECT COUNT(*) FROM document_versions v LEFT JOIN disclosures x ON x.id = v.disclosure_id JOIN documents d ON d.id = v.document_id
		JOIN episodes e ON e.id = d.episode_id WHERE `+seeded+` AND (
			(v.status IN ('issued', 'withdrawn')) <> (x.id IS NOT NULL)
			OR x.document_version_id <> v.id OR x.episode_id <> d.episode_id OR x.recorded_at <> v.issued_at OR x.disclosed_by <> v.issued_by
			OR (v.status IN ('issued', 'withdrawn')) <> (v.identity_method IS NOT NULL)
			OR (v.status IN ('approved', 'issued', 'withdrawn')) <> (v.approved_at IS NOT NULL)
			OR (v.status = 'withdrawn') <> (v.withdrawal_reason IS NOT NULL)
			OR v.approved_at < v.written_at OR v.issued_at < v.approved_at OR v.withdrawn_at < v.issued_at)`, first); n > 0 {
		t.Errorf("%d document versions disagree with their approval, issue or disclosure", n)
	}
	if n := count(`SELECT COUNT(*) FROM disclosures x WHERE x.document_version_id IS NOT NULL AND x.person_id >= ? AND NOT EXISTS (
		SELECT 1 FROM document_versions v WHERE v.id = x.document_version_id AND v.disclosure_id = x.id)`, first); n > 0 {
		t.Errorf("%d disclosures name a version that does not name them", n)
	}
	if n := count(`SELECT COUNT(*) FROM audit_events a JOIN disclosures x ON x.id = a.record_id WHERE a.record_type = 'disclosure'
		AND a.action = 'create' AND x.document_version_id IS NOT NULL AND x.person_id >= ? AND a.detail NOT LIKE '%, document version %'`, first); n > 0 {
		t.Errorf("%d issuing disclosures are audited without their document version", n)
	}
	// Sections as the domain wants them: a version saved after the first
	// comes back unchanged from ValidateDocumentSections, every included
	// sensitive section has a reason, approved versions are ready, and the
	// recipient may receive the kind.
	rows, err = db.Query(ctx, `SELECT d.kind, v.number, v.status, v.sections, COALESCE(x.recipient_agency, ''), COALESCE(x.content, '')
		FROM document_versions v JOIN documents d ON d.id = v.document_id JOIN episodes e ON e.id = d.episode_id
		LEFT JOIN disclosures x ON x.id = v.disclosure_id WHERE `+seeded+` ORDER BY v.id`, first)
	if err != nil {
		t.Fatal(err)
	}
	versions, sensitive := 0, 0
	for rows.Next() {
		var kind, status, body, recipient, content string
		var number int
		if err := rows.Scan(&kind, &number, &status, &body, &recipient, &content); err != nil {
			t.Fatal(err)
		}
		versions++
		var secs []liaise.DocumentSection
		if err := json.Unmarshal([]byte(body), &secs); err != nil {
			t.Fatalf("%s version %d: %v", kind, number, err)
		}
		for _, s := range secs {
			if s.Included && s.Sensitive != "" {
				sensitive++
				if s.Reason == "" {
					t.Errorf("%s version %d includes %s without a reason", kind, number, s.Key)
				}
			}
		}
		if number > 1 {
			if v, err := liaise.ValidateDocumentSections(kind, secs); err != nil || !slices.Equal(v, secs) {
				t.Errorf("%s version %d: not as validation leaves it: %v", kind, number, err)
			}
		}
		if status != liaise.DocDraft {
			if err := liaise.CheckReadyToApprove(secs); err != nil {
				t.Errorf("%s version %d is %s but not ready to approve: %v", kind, number, status, err)
			}
		}
		if recipient != "" && (!slices.Contains(liaise.DocumentRecipients(kind), recipient) || !strings.HasPrefix(content, liaise.LabelOf(liaise.DocumentKinds, kind)+", version ")) {
			t.Errorf("%s version %d issued to %s as %q", kind, number, recipient, content)
		}
	}
	rows.Close()
	t.Logf("documents %v %v: %d versions, %d sensitive sections included", kinds, statuses, versions, sensitive)
	if versions == 0 || sensitive == 0 {
		t.Errorf("%d versions, %d with sensitive sections included", versions, sensitive)
	}

	// The store reads them: an issued court report for a hearing, opened
	// as the practitioner who wrote it, with its task.
	var docID, episodeID, writer int64
	err = db.QueryRow(ctx, `SELECT d.id, d.episode_id, d.created_by FROM documents d JOIN episodes e ON e.id = d.episode_id WHERE `+seeded+`
		AND d.kind = 'court_report' AND d.status = 'issued' AND d.hearing_date IS NOT NULL ORDER BY d.id LIMIT 1`, first).Scan(&docID, &episodeID, &writer)
	if err != nil {
		t.Fatal(err)
	}
	a, err := db.LoadActor(ctx, writer)
	if err != nil {
		t.Fatal(err)
	}
	actx := liaise.WithActor(ctx, a)
	doc, _, err := db.GetDocument(actx, episodeID, docID)
	if err != nil {
		t.Fatal(err)
	}
	if doc.Latest.Status != liaise.DocIssued || doc.Latest.IssuedToAgency == "" || doc.Latest.Header.PersonName == "" || doc.HearingDate.IsZero() ||
		len(doc.Latest.Included()) == 0 || len(doc.Versions) < 2 {
		t.Errorf("the store read %+v", doc)
	}
	if n := count(`SELECT COUNT(*) FROM tasks WHERE source_type = 'document' AND source_id = ? AND kind = 'document_due' AND completed_at IS NOT NULL`, docID); n != 1 {
		t.Errorf("the court report has %d completed tasks, want its one due before the hearing", n)
	}
	list, _, err := db.ListDocuments(actx, episodeID)
	if err != nil || !slices.ContainsFunc(list, func(d sqlstore.Document) bool { return d.ID == docID }) {
		t.Errorf("ListDocuments: %v, %d documents", err, len(list))
	}
}

func queryStrings(t *testing.T, db *sqlstore.DB, out *[]string, q string, args ...any) {
	t.Helper()
	rows, err := db.Query(context.Background(), q, args...)
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	for rows.Next() {
		var s string
		if err := rows.Scan(&s); err != nil {
			t.Fatal(err)
		}
		*out = append(*out, s)
	}
}

// TestValidationCatchesBadRecords shows the checks bite: a step that makes
// a consent a child under 16 could not give stops the seed.
func TestValidationCatchesBadRecords(t *testing.T) {
	db := dbtest.OpenSQLite(t)
	opt := testOptions(50, 1)
	opt.extraSteps = []Step{{Name: "bad consent", Episode: func(g *gen, e *episode) {
		c := liaise.Consent{Scope: liaise.ScopeSharePolice, Decision: liaise.ConsentGiven, Form: liaise.ConsentVerbal, ObtainedBy: 1,
			OccurredAt: lt(e.alerted), PersonAgeAtEvent: 13}
		if g.check {
			g.fail("consent", liaise.ValidateConsent(c))
		}
	}}}
	_, err := Run(context.Background(), db, opt)
	if err == nil || !strings.Contains(err.Error(), "Gillick") {
		t.Fatalf("err = %v, want the consent refused for want of Gillick competence", err)
	}
}

// TestSearchFindsSeededPeople searches with the store's own person search,
// by fragments of hyphenated, accented and apostrophe names.
func TestSearchFindsSeededPeople(t *testing.T) {
	db := dbtest.OpenSQLite(t)
	res := mustRun(t, db, testOptions(3000, 11))
	ctx := context.Background()
	cases := []struct {
		what, where string
		fragment    func(given, family string) string
	}{
		{"a hyphenated family name", `n.family LIKE '%-%' AND n.family NOT LIKE '% %'`, func(_, f string) string { return strings.Split(f, "-")[1][:3] }},
		{"an apostrophe", `n.family LIKE '%''%'`, func(_, f string) string { return strings.ReplaceAll(f, "'", "") }},
		{"an accented given name", `n.given IN ('Zoë', 'José', 'Siân', 'Renée', 'Chloé', 'Łukasz', 'Siobhán', 'Inês')`, func(g, _ string) string {
			return strings.NewReplacer("ë", "e", "é", "e", "â", "a", "Ł", "L", "á", "a", "ê", "e").Replace(g)
		}},
	}
	for _, c := range cases {
		var id, provider int64
		var given, family string
		var dob liaise.Date
		err := db.QueryRow(ctx, `SELECT p.id, p.provider_id, n.given, n.family, p.date_of_birth FROM person_names n JOIN people p ON p.id = n.person_id
			WHERE n.position = 0 AND p.id >= ? AND p.date_of_birth IS NOT NULL AND NOT p.restricted AND `+c.where+` ORDER BY p.id LIMIT 1`, res.FirstPersonID).
			Scan(&id, &provider, &given, &family, &dob)
		if err != nil {
			t.Fatalf("no seeded person with %s: %v", c.what, err)
		}
		var user int64
		if err := db.QueryRow(ctx, `SELECT u.id FROM users u JOIN roles r ON r.id = u.role_id WHERE u.provider_id = ? AND r.code = 'practitioner' ORDER BY u.id LIMIT 1`,
			provider).Scan(&user); err != nil {
			t.Fatal(err)
		}
		a, err := db.LoadActor(ctx, user)
		if err != nil {
			t.Fatal(err)
		}
		q := c.fragment(given, family)
		page, err := db.SearchPeople(liaise.WithActor(ctx, a), sqlstore.PersonQuery{Q: q, DateOfBirth: dob})
		if err != nil {
			t.Fatal(err)
		}
		if !slices.ContainsFunc(page.Items, func(s sqlstore.PersonSummary) bool { return s.ID == id }) {
			t.Errorf("searching %q with the date of birth did not find %s %s (%s)", q, given, family, c.what)
		}
	}
}

// TestAuditChainVerifies: the seeded events continue the chain after the
// demo's, and a second seed continues it again, ids and all.
func TestAuditChainVerifies(t *testing.T) {
	dbtest.Engines(t, func(t *testing.T, db *sqlstore.DB) {
		ctx := context.Background()
		first := mustRun(t, db, testOptions(300, 5))
		opt := testOptions(200, 6)
		opt.Indexes = IndexesRebuild
		second := mustRun(t, db, opt)
		if second.FirstPersonID != first.LastPersonID+1 {
			t.Errorf("second seed starts at person %d, want %d", second.FirstPersonID, first.LastPersonID+1)
		}
		// As `liaise audit verify` does: seal what waits (on PostgreSQL the
		// demo's events may wait for other transactions of the cluster).
		for i := 0; ; i++ {
			if _, err := db.Seal(ctx, testKey, 0); err != nil {
				t.Fatal(err)
			}
			if n, _ := db.UnsealedCount(ctx); n == 0 || i == 100 {
				break
			}
			time.Sleep(200 * time.Millisecond)
		}
		var head int64
		db.QueryRow(ctx, `SELECT MAX(chain_no) FROM audit_events`).Scan(&head)
		res, err := db.Verify(ctx, testKey, nil)
		if err != nil {
			t.Fatal(err)
		}
		if res.FirstBroken != nil || res.Head != head || int64(res.Checked) != head || head < second.AuditHead {
			t.Fatalf("verify: %+v broken %+v, want %d events intact", res, res.FirstBroken, head)
		}
		if n, _ := db.UnsealedCount(ctx); n != 0 {
			t.Errorf("%d events left unsealed", n)
		}
		// Nothing seeded twice: NHS numbers stay unique across the two seeds.
		var dup int
		db.QueryRow(ctx, `SELECT COUNT(*) FROM (SELECT value FROM person_identifiers WHERE type = 'nhs_number' GROUP BY value HAVING COUNT(*) > 1) d`).Scan(&dup)
		if dup > 0 {
			t.Errorf("%d NHS numbers given twice", dup)
		}
		// The indexes the second seed dropped are back, and the record of them is gone.
		var left int
		db.QueryRow(ctx, `SELECT COUNT(*) FROM settings WHERE key = ?`, droppedIndexesSetting).Scan(&left)
		if left != 0 {
			t.Error("the record of dropped indexes was left behind")
		}
		checkIndexes(t, db)
		// The application writes after a seed: its ids continue after the seed's.
		var maxPerson int64
		db.QueryRow(ctx, `SELECT MAX(id) FROM people`).Scan(&maxPerson)
		err = db.Update(ctx, func(tx *sqlstore.Tx) error {
			id, err := tx.InsertID(ctx, `INSERT INTO person_events (person_id, occurred_at, recorded_at, kind, summary) VALUES (?, ?, ?, 'test', 'test')`,
				maxPerson, tx.Now, tx.Now)
			var maxEvent int64
			tx.QueryRow(ctx, `SELECT MAX(id) FROM person_events WHERE kind <> 'test'`).Scan(&maxEvent)
			if err == nil && id <= maxEvent {
				t.Errorf("new person event got id %d, not after the seed's %d", id, maxEvent)
			}
			return err
		})
		if err != nil {
			t.Fatal(err)
		}
	})
}

// checkIndexes compares the indexes with a freshly migrated database's.
func checkIndexes(t *testing.T, db *sqlstore.DB) {
	t.Helper()
	var fresh *sqlstore.DB
	if db.Engine == sqlstore.Postgres {
		fresh = dbtest.OpenPostgres(t)
	} else {
		fresh = dbtest.OpenSQLite(t)
	}
	list := func(db *sqlstore.DB) []string {
		q := `SELECT name FROM sqlite_master WHERE type = 'index' ORDER BY name`
		if db.Engine == sqlstore.Postgres {
			q = `SELECT indexname FROM pg_indexes WHERE schemaname = current_schema() ORDER BY indexname`
		}
		var out []string
		queryStrings(t, db, &out, q)
		return out
	}
	if got, want := list(db), list(fresh); !slices.Equal(got, want) {
		t.Errorf("indexes after seeding:\n%v\nwant\n%v", got, want)
	}
}

// TestPostgresMatchesSQLite seeds the same people on both engines (COPY on
// PostgreSQL) and compares what was written.
func TestPostgresMatchesSQLite(t *testing.T) {
	pg := dbtest.OpenPostgres(t)
	lite := dbtest.OpenSQLite(t)
	opt := testOptions(400, 21)
	rp := mustRun(t, pg, opt)
	rl := mustRun(t, lite, opt)
	if !slices.Equal(rp.Rows, rl.Rows) || rp.FirstPersonID != rl.FirstPersonID {
		t.Errorf("PostgreSQL wrote\n%v\nSQLite\n%v", rp.Rows, rl.Rows)
	}
	ctx := context.Background()
	for _, q := range []string{
		`SELECT COUNT(*) FROM episodes WHERE state = 'closed'`,
		`SELECT COUNT(*) FROM person_name_tokens WHERE token LIKE 'o%'`,
		`SELECT COUNT(*) FROM consents WHERE gillick_competent`,
		`SELECT COUNT(*) FROM audit_subjects`,
		`SELECT COUNT(*) FROM document_versions WHERE disclosure_id IS NOT NULL`,
		`SELECT COUNT(*) FROM disclosures WHERE document_version_id IS NOT NULL`,
		`SELECT COUNT(*) FROM episode_transitions WHERE source_id IS NOT NULL`,
	} {
		var a, b int64
		if err := pg.QueryRow(ctx, q).Scan(&a); err != nil {
			t.Fatal(err)
		}
		if err := lite.QueryRow(ctx, q).Scan(&b); err != nil {
			t.Fatal(err)
		}
		if a != b {
			t.Errorf("%s: %d on PostgreSQL, %d on SQLite", q, a, b)
		}
	}
	// The same alert times on both engines, as the application reads them.
	var tp, tl liaise.Time
	pg.QueryRow(ctx, `SELECT alerted_at FROM episodes ORDER BY id DESC LIMIT 1`).Scan(&tp)
	lite.QueryRow(ctx, `SELECT alerted_at FROM episodes ORDER BY id DESC LIMIT 1`).Scan(&tl)
	if !tp.Equal(tl.Time) {
		t.Errorf("last alert at %s on PostgreSQL, %s on SQLite", tp, tl)
	}
}

func TestOptionsRefused(t *testing.T) {
	db := dbtest.OpenSQLite(t)
	for _, c := range []struct {
		opt  Options
		want string
	}{
		{Options{People: 0, AuditKey: testKey}, "--people"},
		{Options{People: 10, AuditKey: testKey, Env: "production"}, "production"},
		{Options{People: 10}, "audit key"},
		{Options{People: 10, AuditKey: testKey, Steps: "people,frogs"}, `no seed step "frogs"`},
		{Options{People: 10, AuditKey: testKey, Indexes: "sometimes"}, "indexes must be"},
	} {
		if _, err := Run(context.Background(), db, c.opt); err == nil || !strings.Contains(err.Error(), c.want) {
			t.Errorf("%+v: err = %v, want %q", c.opt, err, c.want)
		}
	}
}

func TestRegistryTablesAreWritten(t *testing.T) {
	tables, err := tablesOf(Steps())
	if err != nil {
		t.Fatal(err)
	}
	if len(tables) != len(writeOrder) {
		t.Errorf("%d tables written of %d known", len(tables), len(writeOrder))
	}
	if _, err := tablesOf([]Step{{Name: "x", Tables: []*Table{table("mystery", "", "a")}}}); err == nil {
		t.Error("a step writing a table outside writeOrder was accepted")
	}
}

var _ = sql.ErrNoRows
