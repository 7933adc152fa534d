/*
 * Private to src/report/: one writer per format, which report_write()
 * dispatches to after masking secrets. Nothing outside src/report/ may call
 * these: they would see the report unmasked.
 */
#ifndef GATE_REPORT_WRITERS_H
#define GATE_REPORT_WRITERS_H

#include "report/writer.h"

void report_write_text(const struct report *r, const struct report_options *opt, FILE *out);
void report_write_json(const struct report *r, const struct report_options *opt, FILE *out);
void report_write_sarif(const struct report *r, const struct report_options *opt, FILE *out);
void report_write_gitlab(const struct report *r, const struct report_options *opt, FILE *out);
void report_write_junit(const struct report *r, const struct report_options *opt, FILE *out);
void report_write_github(const struct report *r, const struct report_options *opt, FILE *out);
void report_write_markdown(const struct report *r, const struct report_options *opt, FILE *out);

/*
 * The report a writer sees: every string of r (findings, notes, inputs,
 * revisions and their SQL, outcomes) through secret_mask(). Strings without
 * a secret are shared with r, so r must outlive the view.
 */
struct masked_report {
	struct report view;
	struct strlist owned; /* the masked copies */
	void **arrays;        /* the view's own arrays */
	size_t n_arrays, alloc_arrays;
};
void report_mask(const struct report *r, struct masked_report *m);
void report_mask_release(struct masked_report *m);

struct cJSON;
/* A new JSON object holding what every JSON report starts with: tool.name, tool.version, schema_version. */
struct cJSON *report_json_root(void);
/* Prints a JSON document and a newline to out, then frees root; for the JSON-based writers. */
void report_put_json(struct cJSON *root, FILE *out);

/* deploy's verify stage (deploy_verify.c): its section of the deploy report's text, its "verify" JSON (null when
 * it did not run). */
struct deploy_verify;
void deploy_verify_write_text(const struct deploy_verify *v, const struct report_options *opt, FILE *out);
struct cJSON *deploy_verify_json(const struct deploy_verify *v);

#endif
