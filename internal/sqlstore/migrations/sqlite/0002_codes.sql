-- Code lists (internal/codes) as versioned reference data. The embedded CSV
-- files are the source; loadCodes copies them here after every migrate so
-- reports and exports can join on them. Dates are ISO text (liaise.Date).

CREATE TABLE code_lists (
	name        TEXT PRIMARY KEY,
	title       TEXT NOT NULL,
	source      TEXT NOT NULL,
	description TEXT NOT NULL,
	position    INTEGER NOT NULL
);

CREATE TABLE code_values (
	list       TEXT NOT NULL REFERENCES code_lists(name),
	code       TEXT NOT NULL,
	label      TEXT NOT NULL,
	valid_from TEXT NOT NULL,
	valid_to   TEXT,
	-- extra holds a list's mapping columns as a JSON object, e.g. {"mhsds_source":"E1"}.
	extra      TEXT NOT NULL DEFAULT '{}',
	position   INTEGER NOT NULL,
	PRIMARY KEY (list, code, valid_from),
	CHECK (valid_to IS NULL OR valid_to >= valid_from)
);
