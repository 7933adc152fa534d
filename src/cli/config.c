#include "cli/config.h"

#include <errno.h>
#include <ini.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "util/banned.h"
#include "util/error.h"
#include "util/buf.h"
#include "util/mem.h"

enum source { SRC_FILE, SRC_ENV, SRC_FLAG };

struct option_def {
	const char *name;   /* flag name without dashes; env MIGRATE_GATE_<NAME>; ini key name with '_' */
	char short_name;
	bool takes_value;
	unsigned commands;  /* OPT_* bits; 0 = every command */
	int (*set)(struct gate_config *cfg, const char *value, const char *where);
};

static int bad_value(const char *where, const char *value, const char *hint)
{
	return gate_error(EXIT_USAGE, hint, "invalid value '%s' for %s", value, where);
}

static int set_format(struct gate_config *c, const char *v, const char *where)
{
	return report_format_parse(v, &c->format) ? bad_value(where, v, "use text, json, sarif, gitlab, junit or github")
						  : 0;
}

static int set_fail_on(struct gate_config *c, const char *v, const char *where)
{
	return severity_parse(v, &c->fail_on) ? bad_value(where, v, "use error, warning, info or never") : 0;
}

static int set_color(struct gate_config *c, const char *v, const char *where)
{
	if (!strcmp(v, "auto"))
		c->color = COLOR_AUTO;
	else if (!strcmp(v, "always"))
		c->color = COLOR_ALWAYS;
	else if (!strcmp(v, "never"))
		c->color = COLOR_NEVER;
	else
		return bad_value(where, v, "use --color=auto, --color=always or --color=never");
	return 0;
}

static int parse_long(const char *v, long lo, long hi, long *out)
{
	char *end;
	errno = 0;
	long n = strtol(v, &end, 10);
	if (errno || end == v || *end || n < lo || n > hi)
		return -1;
	*out = n;
	return 0;
}

static int set_pg_version(struct gate_config *c, const char *v, const char *where)
{
	long n;
	if (parse_long(v, 9, 18, &n))
		return bad_value(where, v, "give a PostgreSQL major version from 9 to 18, e.g. 15");
	c->lint.pg_version = (int)n;
	return 0;
}

static int parse_bool(const char *v, bool *out)
{
	if (!strcmp(v, "1") || !strcmp(v, "true") || !strcmp(v, "yes") || !strcmp(v, "on"))
		*out = true;
	else if (!strcmp(v, "0") || !strcmp(v, "false") || !strcmp(v, "no") || !strcmp(v, "off"))
		*out = false;
	else
		return -1;
	return 0;
}

static int set_assume_tx(struct gate_config *c, const char *v, const char *where)
{
	return parse_bool(v, &c->lint.assume_in_transaction) ? bad_value(where, v, "use true or false") : 0;
}

static int set_no_assume_tx(struct gate_config *c, const char *v, const char *where)
{
	(void)v;
	(void)where;
	c->lint.assume_in_transaction = false;
	return 0;
}

static int set_output(struct gate_config *c, const char *v, const char *where)
{
	(void)where;
	free(c->output);
	c->output = xstrdup(v);
	return 0;
}

static int set_config_file(struct gate_config *c, const char *v, const char *where)
{
	(void)where;
	free(c->config_file);
	c->config_file = xstrdup(v);
	return 0;
}

static int set_enable(struct gate_config *c, const char *v, const char *where)
{
	(void)where;
	strlist_split(&c->enable, v, ", ");
	return 0;
}

static int set_disable(struct gate_config *c, const char *v, const char *where)
{
	(void)where;
	strlist_split(&c->disable, v, ", ");
	return 0;
}

static int set_severity(struct gate_config *c, const char *v, const char *where)
{
	(void)where;
	strlist_split(&c->severity, v, ", ");
	return 0;
}

static int set_quiet(struct gate_config *c, const char *v, const char *where)
{
	(void)v;
	(void)where;
	c->verbosity = LOG_QUIET;
	return 0;
}

static int set_verbose(struct gate_config *c, const char *v, const char *where)
{
	(void)v;
	(void)where;
	c->verbosity = LOG_VERBOSE;
	return 0;
}

static int set_list_rules(struct gate_config *c, const char *v, const char *where)
{
	(void)v;
	(void)where;
	c->list_rules = true;
	return 0;
}

static const struct option_def options[] = {
	{"format", 'f', true, 0, set_format},
	{"output", 'o', true, 0, set_output},
	{"fail-on", 0, true, 0, set_fail_on},
	{"color", 0, true, 0, set_color},
	{"config", 'c', true, 0, set_config_file},
	{"quiet", 'q', false, 0, set_quiet},
	{"verbose", 'v', false, 0, set_verbose},
	{"pg-version", 0, true, OPT_LINT, set_pg_version},
	{"assume-in-transaction", 0, true, OPT_LINT, set_assume_tx},
	{"no-assume-in-transaction", 0, false, OPT_LINT, set_no_assume_tx},
	{"enable", 0, true, OPT_LINT, set_enable},
	{"disable", 0, true, OPT_LINT, set_disable},
	{"severity", 0, true, OPT_LINT, set_severity},
	{"list-rules", 0, false, OPT_LINT, set_list_rules},
};

#define N_OPTIONS (sizeof(options) / sizeof(options[0]))

static const struct option_def *find_option(const char *name, size_t len, char short_name, unsigned cmd_bits)
{
	for (size_t i = 0; i < N_OPTIONS; i++) {
		const struct option_def *o = &options[i];
		if (o->commands && !(o->commands & cmd_bits))
			continue;
		if (short_name ? o->short_name == short_name : strlen(o->name) == len && !strncmp(o->name, name, len))
			return o;
	}
	return NULL;
}

/* Flags are collected first and applied last, so they win over env and file. */
struct pending {
	const struct option_def *opt;
	const char *value;
};

struct flags {
	struct pending *items;
	size_t n, alloc;
	bool help;
};

static int unknown_option(const struct command_spec *spec, const char *arg)
{
	struct buf hint = BUF_INIT;
	buf_addf(&hint, "run 'migrate-gate help %s' for the options it takes", spec->name);
	int rc = gate_error(EXIT_USAGE, hint.data, "unknown option '%s' for '%s'", arg, spec->name);
	buf_release(&hint);
	return rc;
}

static int missing_value(const char *arg)
{
	return gate_error(EXIT_USAGE, "write it as --option VALUE or --option=VALUE", "option '%s' needs a value", arg);
}

static void push(struct flags *f, const struct option_def *o, const char *v)
{
	XGROW(f->items, f->alloc, f->n + 1);
	f->items[f->n].opt = o;
	f->items[f->n].value = v;
	f->n++;
}

static int parse_one(struct flags *f, const struct command_spec *spec, int argc, char **argv, int *i,
		     struct gate_config *cfg)
{
	const char *arg = argv[*i];
	if (!strcmp(arg, "-h") || !strcmp(arg, "--help")) {
		f->help = true;
		return 0;
	}
	bool is_long = arg[1] == '-';
	const char *name = arg + (is_long ? 2 : 1);
	const char *eq = is_long ? strchr(name, '=') : NULL;
	size_t len = eq ? (size_t)(eq - name) : strlen(name);
	if (!is_long && len != 1)
		return unknown_option(spec, arg);
	const struct option_def *o = find_option(name, len, is_long ? 0 : name[0], spec->options);
	if (!o)
		return unknown_option(spec, arg);
	const char *value = eq ? eq + 1 : NULL;
	if (o->takes_value && !value) {
		if (*i + 1 >= argc)
			return missing_value(arg);
		value = argv[++*i];
	}
	if (!o->takes_value && value)
		return gate_error(EXIT_USAGE, NULL, "option '--%s' takes no value", o->name);
	push(f, o, value);
	(void)cfg;
	return 0;
}

static int parse_argv(struct flags *f, struct gate_config *cfg, const struct command_spec *spec, int argc,
		      char **argv)
{
	bool only_paths = false;
	for (int i = 1; i < argc; i++) {
		const char *arg = argv[i];
		if (only_paths || arg[0] != '-' || !strcmp(arg, "-")) {
			strlist_add(&cfg->paths, arg);
		} else if (!strcmp(arg, "--")) {
			only_paths = true;
		} else if (parse_one(f, spec, argc, argv, &i, cfg)) {
			return -1;
		}
	}
	return 0;
}

static int apply(struct gate_config *cfg, const struct option_def *o, const char *value, const char *where)
{
	return o->set(cfg, value ? value : "", where);
}

/* MIGRATE_GATE_FAIL_ON for --fail-on, and so on. */
static int apply_env(struct gate_config *cfg, const struct command_spec *spec)
{
	int rc = 0;
	for (size_t i = 0; i < N_OPTIONS; i++) {
		const struct option_def *o = &options[i];
		if (!o->takes_value || (o->commands && !(o->commands & spec->options)))
			continue;
		struct buf var = BUF_INIT;
		buf_adds(&var, "MIGRATE_GATE_");
		for (const char *p = o->name; *p; p++)
			buf_addc(&var, *p == '-' ? '_' : (char)(*p >= 'a' && *p <= 'z' ? *p - 32 : *p));
		const char *v = getenv(var.data);
		if (v && *v && apply(cfg, o, v, var.data))
			rc = -1;
		buf_release(&var);
	}
	return rc;
}

struct ini_ctx {
	struct gate_config *cfg;
	const struct command_spec *spec;
	const char *path;
	int rc;
};

static int ini_entry(void *user, const char *section, const char *key, const char *value)
{
	struct ini_ctx *ic = user;
	if (strcmp(section, "migrate_gate"))
		return 1;
	struct buf name = BUF_INIT, where = BUF_INIT;
	for (const char *p = key; *p; p++)
		buf_addc(&name, *p == '_' ? '-' : *p);
	buf_addf(&where, "'%s' in [migrate_gate] of %s", key, ic->path);
	const struct option_def *o = find_option(name.data, name.len, 0, ~0u);
	if (!o || !o->takes_value || !strcmp(o->name, "config"))
		ic->rc = gate_error(EXIT_USAGE, "see docs/configuration.md for the keys [migrate_gate] takes",
				    "unknown key %s", where.data);
	else if (!o->commands || (o->commands & ic->spec->options))
		ic->rc |= apply(ic->cfg, o, value, where.data);
	buf_release(&name);
	buf_release(&where);
	return 1;
}

static int load_ini(struct gate_config *cfg, const struct command_spec *spec)
{
	const char *path = cfg->config_file ? cfg->config_file : "alembic.ini";
	if (!cfg->config_file && access(path, R_OK))
		return 0;
	struct ini_ctx ic = {cfg, spec, path, 0};
	int line = ini_parse(path, ini_entry, &ic);
	if (line < 0)
		return gate_error(EXIT_USAGE, "check the --config path", "cannot read config file '%s'", path);
	if (line > 0)
		return gate_error(EXIT_USAGE, "fix the line; it must be 'key = value' inside a [section]",
				  "syntax error in config file '%s' at line %d", path, line);
	return ic.rc ? -1 : 0;
}

static void defaults(struct gate_config *cfg, const struct command_spec *spec)
{
	memset(cfg, 0, sizeof(*cfg));
	cfg->command = spec->name;
	cfg->color = COLOR_AUTO;
	cfg->verbosity = LOG_NORMAL;
	cfg->format = FMT_TEXT;
	cfg->fail_on = SEV_ERROR;
	cfg->lint.pg_version = 15;
	cfg->lint.assume_in_transaction = true;
	cfg->lint.enable = &cfg->enable;
	cfg->lint.disable = &cfg->disable;
	cfg->lint.severity = &cfg->severity;
	const char *gha = getenv("GITHUB_ACTIONS");
	cfg->github_annotations = gha && !strcmp(gha, "true");
}

int config_load(struct gate_config *cfg, const struct command_spec *spec, int argc, char **argv)
{
	struct flags f = {NULL, 0, 0, false};
	int rc;
	defaults(cfg, spec);
	rc = parse_argv(&f, cfg, spec, argc, argv);
	if (rc || f.help)
		goto out;
	for (size_t i = 0; i < f.n; i++) /* --config decides which file to read */
		if (!strcmp(f.items[i].opt->name, "config"))
			apply(cfg, f.items[i].opt, f.items[i].value, "--config");
	rc = load_ini(cfg, spec);
	rc |= apply_env(cfg, spec);
	for (size_t i = 0; i < f.n && !rc; i++) {
		struct buf where = BUF_INIT;
		buf_addf(&where, "--%s", f.items[i].opt->name);
		rc = apply(cfg, f.items[i].opt, f.items[i].value, where.data);
		buf_release(&where);
	}
out:
	free(f.items);
	if (f.help && !rc) {
		fputs(spec->usage, stdout);
		return 1;
	}
	return rc ? -1 : 0;
}

void config_release(struct gate_config *cfg)
{
	free(cfg->output);
	free(cfg->config_file);
	strlist_release(&cfg->paths);
	strlist_release(&cfg->enable);
	strlist_release(&cfg->disable);
	strlist_release(&cfg->severity);
}
