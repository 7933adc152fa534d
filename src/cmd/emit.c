/* Shared by every command that ends in a report: where and how it is written. */
#include <errno.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cmd/cmd.h"
#include "util/error.h"
#include "util/secret.h"

#include "util/banned.h"

/*
 * Every report is written to memory first and reaches its file through secret_mask(): the
 * findings of check are masked by report_write() already, but the deploy, backup, restore and
 * status reports carry server errors and URLs of their own, and this is the one place they all
 * pass. A report is small next to the memory the run used to make it.
 */
struct report_out {
	FILE *mem;
	char *data;
	size_t len;
	FILE *dest;
};
static struct report_out outs[4]; /* a command writes one report at a time; a few for safety */

/* The stream a report goes to: path, or stdout when path is NULL. NULL with a recorded error. */
static FILE *open_report(const char *path)
{
	struct report_out *o = NULL;
	for (size_t i = 0; i < sizeof(outs) / sizeof(outs[0]) && !o; i++)
		o = outs[i].mem ? NULL : &outs[i];
	FILE *dest = o ? path ? fopen(path, "w") : stdout : NULL;
	if (!dest) {
		gate_error(EXIT_USAGE, "check that the folder exists and is writable", "cannot write report '%s': %s",
		           path ? path : "stdout", strerror(o ? errno : EMFILE));
		return NULL;
	}
	o->mem = open_memstream(&o->data, &o->len);
	if (!o->mem) {
		if (dest != stdout)
			fclose(dest);
		gate_error(EXIT_ENV, "give migrate-gate more memory", "cannot buffer report '%s': %s",
		           path ? path : "stdout", strerror(errno));
		return NULL;
	}
	o->dest = dest;
	return o->mem;
}

/* Masks what was written to out and copies it to its file; rc is the writer's result. */
static int close_report(FILE *out, const char *path, enum report_format fmt, int rc)
{
	struct report_out *o = NULL;
	for (size_t i = 0; i < sizeof(outs) / sizeof(outs[0]) && !o; i++)
		o = outs[i].mem == out ? &outs[i] : NULL;
	bool failed = !o || fclose(out);
	if (o) {
		char *masked = o->data ? secret_mask(o->data) : NULL;
		errno = 0;
		failed = failed || (masked && fputs(masked, o->dest) == EOF) || fflush(o->dest) || ferror(o->dest);
		failed = (o->dest != stdout && fclose(o->dest)) || failed;
		free(masked);
		free(o->data);
		memset(o, 0, sizeof(*o));
	}
	if (failed && !rc)
		rc = gate_error(EXIT_USAGE, "check free disk space", "cannot write the %s report '%s': %s",
		                report_format_name(fmt), path ? path : "stdout", strerror(errno ? errno : EIO));
	return rc;
}

/* Writes one report to path, or to stdout when path is NULL. */
static int write_one(const void *r, enum report_format fmt, struct report_options *opt, const char *path)
{
	FILE *out = open_report(path);
	return out ? close_report(out, path, fmt, report_write(r, fmt, opt, out)) : -1;
}

static int write_deploy(const void *r, enum report_format fmt, struct report_options *opt, const char *path)
{
	FILE *out = open_report(path);
	return out ? close_report(out, path, fmt, deploy_report_write(r, fmt, opt, out)) : -1;
}

typedef int writer_fn(const void *r, enum report_format fmt, struct report_options *opt, const char *path);

/* The report where -f/-o say, then the same run in every extra format asked for (--report-json, --sarif, ...). */
static int emit(const struct gate_config *cfg, const void *r, writer_fn *write)
{
	struct report_options opt = {false, cfg->command, cfg->fail_on};
	opt.color = cmd_output_color(cfg);
	int rc = write(r, cfg->format, &opt, cfg->output);
	opt.color = false;
	const struct {
		const char *path;
		enum report_format fmt;
	} extra[] = {{cfg->report_json, FMT_JSON},
	             {cfg->sarif, FMT_SARIF},
	             {cfg->codequality, FMT_GITLAB},
	             {cfg->junit, FMT_JUNIT},
	             {cfg->summary_md, FMT_MARKDOWN}};
	for (size_t i = 0; i < sizeof(extra) / sizeof(extra[0]) && !rc; i++)
		if (extra[i].path)
			rc = write(r, extra[i].fmt, &opt, extra[i].path);
	return rc;
}

bool cmd_output_color(const struct gate_config *cfg)
{
	/* A file is never a terminal: only --color=always colours it. */
	return cfg->format == FMT_TEXT &&
	       (cfg->output ? cfg->color == COLOR_ALWAYS : log_color_enabled(cfg->color, stdout));
}

FILE *cmd_open_output(const struct gate_config *cfg)
{
	return open_report(cfg->output);
}

int cmd_close_output(const struct gate_config *cfg, FILE *out)
{
	return close_report(out, cfg->output, cfg->format, 0);
}

int cmd_text_or_json(const struct gate_config *cfg)
{
	if (cfg->format == FMT_TEXT || cfg->format == FMT_JSON)
		return 0;
	return gate_error(EXIT_USAGE, "use --format text or --format json", "'%s' writes no %s report", cfg->command,
	                  report_format_name(cfg->format));
}

/* Annotations go to stdout where the runner reads them, unless a machine-readable report is there. */
static int annotate(const struct gate_config *cfg, const struct report *r)
{
	struct report_options opt = {false, cfg->command, cfg->fail_on};
	if (cfg->github_annotations && (cfg->output || cfg->format == FMT_TEXT))
		return report_write(r, FMT_GITHUB, &opt, stdout);
	return 0;
}

int cmd_emit_report(const struct gate_config *cfg, const struct report *r)
{
	int rc = emit(cfg, r, write_one);
	return rc ? rc : annotate(cfg, r);
}

int cmd_emit_deploy(const struct gate_config *cfg, const struct deploy_report *r)
{
	deploy_report_enrich(r, r->findings);
	int rc = emit(cfg, r, write_deploy);
	return rc ? rc : annotate(cfg, r->findings);
}
