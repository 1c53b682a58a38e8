-- placeholder
\set ON_ERROR_STOP 1
CREATE TABLE am.relation_policy (object text, class text, "select" text, "insert" text, "update" text,
	"delete" text, "truncate" text, copy_out text, copy_in text, PRIMARY KEY (object, class));
CREATE TABLE am.sequence_policy (object text, class text, "nextval" text, "select" text, "setval" text,
	PRIMARY KEY (object, class));
CREATE TABLE am.profiles (profile text PRIMARY KEY, admin text, rep1 text, rep2 text, analyst text, nobody text);
CREATE TABLE am.function_policy (object text PRIMARY KEY, profile text REFERENCES am.profiles);
CREATE TABLE am.column_grants (object text, "column" text, role text, privilege text);
CREATE TABLE am.leakproof_reviewed (object text PRIMARY KEY, why text NOT NULL);
CREATE TABLE am.notify_channels (channel text PRIMARY KEY, payload text NOT NULL);
