/* Output formats: every writer turns a report into bytes on a stream. */
#ifndef GATE_REPORT_WRITER_H
#define GATE_REPORT_WRITER_H

#include <stdbool.h>
#include <stdio.h>

#include "report/finding.h"

enum report_format { FMT_TEXT, FMT_JSON, FMT_SARIF, FMT_GITLAB, FMT_JUNIT, FMT_GITHUB, FMT_MARKDOWN };

struct report_options {
	bool color;            /* ANSI colours in text */
	const char *command;   /* "lint", "check", ... */
	enum severity fail_on; /* for the verdict line and JSON "passed" */
	bool summary_only;     /* text (check): the summary, not every finding */
	size_t max_findings;   /* text (check): the summary only above this many errors and warnings; 0: no limit */
};

/* Parses text|json|sarif|gitlab|junit|github|markdown; returns -1 when unknown. */
int report_format_parse(const char *name, enum report_format *out);
const char *report_format_name(enum report_format fmt);

/*
 * Writes r in the given format. Returns -1 (with a recorded error) when the
 * stream fails. This is the one way into a writer: every finding and note
 * is passed through secret_mask() (util/secret.h) first, so no format, now
 * or later, can show a registered secret or a DSN password.
 */
int report_write(const struct report *r, enum report_format fmt, const struct report_options *opt, FILE *out);

/*
 * The body of a sticky pull/merge request comment (report/comment.c): a hidden
 * marker "<!-- migrate-gate:KEY sha256:HASH -->" naming the project key and
 * the sha256 of the rest, then the Markdown report, cut at a line break so that
 * the whole body fits in max_bytes, with open code fences and <details> closed
 * and a link to job_url (may be NULL). The caller frees.
 */
char *report_comment_body(const char *markdown, const char *key, size_t max_bytes, const char *job_url);
/* Whether a comment body carries key's marker; *hash (when hash is not NULL) gets the hash it records. */
bool report_comment_marker(const char *body, const char *key, char **hash);

#endif
