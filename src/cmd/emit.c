/* Shared by every command that ends in a report: where and how it is written. */
#include <errno.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cmd/cmd.h"
#include "util/buf.h"
#include "util/error.h"
#include "util/mem.h"
#include "util/secret.h"

#include "util/banned.h"

/*
 * Every report reaches its file through secret_mask(), a line at a time: the
 * findings of check are masked by report_write() already, but the deploy,
 * backup, restore and status reports carry server errors and URLs of their
 * own, and this is the one place they all pass. A secret never spans lines,
 * so masking whole lines catches it however stdio cuts the writes, and memory
 * stays at one line whatever the report's size.
 */
struct mask_sink {
	FILE *dest;
	struct buf pending; /* the start of a line not yet complete */
	bool failed;
};

/* Masks and writes the first n bytes of pending, then keeps the rest. */
static void sink_flush(struct mask_sink *k, size_t n)
{
	if (!n)
		return;
	char keep = k->pending.data[n];
	k->pending.data[n] = '\0';
	char *masked = secret_mask(k->pending.data);
	k->failed = k->failed || fputs(masked, k->dest) == EOF;
	free(masked);
	k->pending.data[n] = keep;
	memmove(k->pending.data, k->pending.data + n, k->pending.len - n + 1);
	k->pending.len -= n;
}

static ssize_t sink_write(void *cookie, const char *data, size_t n)
{
	struct mask_sink *k = cookie;
	buf_add(&k->pending, data, n);
	const char *nl = memrchr(k->pending.data, '\n', k->pending.len);
	if (nl)
		sink_flush(k, (size_t)(nl - k->pending.data) + 1);
	return k->failed ? -1 : (ssize_t)n;
}

static int sink_close(void *cookie)
{
	struct mask_sink *k = cookie;
	sink_flush(k, k->pending.len);
	bool failed = k->failed || fflush(k->dest) || ferror(k->dest);
	failed = (k->dest != stdout && fclose(k->dest)) || failed;
	buf_release(&k->pending);
	free(k);
	return failed ? -1 : 0;
}

/* The stream a report goes to: path, or stdout when path is NULL. NULL with a recorded error. */
static FILE *open_report(const char *path)
{
	FILE *dest = path ? fopen(path, "w") : stdout;
	if (!dest) {
		gate_error(EXIT_USAGE, "check that the folder exists and is writable", "cannot write report '%s': %s",
		           path, strerror(errno));
		return NULL;
	}
	struct mask_sink *k = xcalloc(1, sizeof(*k));
	k->dest = dest;
	buf_init(&k->pending);
	cookie_io_functions_t io = {NULL, sink_write, NULL, sink_close};
	FILE *out = fopencookie(k, "w", io);
	if (!out) {
		if (dest != stdout)
			fclose(dest);
		free(k);
		gate_error(EXIT_ENV, "give migrate-gate more memory", "cannot open report '%s': %s",
		           path ? path : "stdout", strerror(errno));
	}
	return out;
}

/* Flushes what is left through the masking and closes the file; rc is the writer's result. */
static int close_report(FILE *out, const char *path, enum report_format fmt, int rc)
{
	errno = 0;
	if (fclose(out) && !rc)
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
	struct report_options opt = {false, cfg->command, cfg->fail_on, false, 0};
	opt.color = cmd_output_color(cfg);
	/* A long history's full text goes to -o; the terminal gets the summary. */
	opt.summary_only = cfg->summary_only;
	opt.max_findings = cfg->output ? 0 : cfg->max_terminal_findings;
	int rc = write(r, cfg->format, &opt, cfg->output);
	opt.color = false;
	opt.summary_only = false;
	opt.max_findings = 0;
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
	struct report_options opt = {false, cfg->command, cfg->fail_on, false, 0};
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
