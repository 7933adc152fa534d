/*
 * The findings model shared by every command and every output format: a
 * report is a list of findings plus what was examined.
 */
#ifndef GATE_REPORT_FINDING_H
#define GATE_REPORT_FINDING_H

#include <stdbool.h>
#include <stddef.h>

#include "util/strset.h"

enum severity { SEV_NONE = 0, SEV_INFO = 1, SEV_WARNING = 2, SEV_ERROR = 3 };

const char *severity_name(enum severity s);
/* Parses error|warning|info (and "never"/"off" as SEV_NONE); returns -1 when unknown. */
int severity_parse(const char *s, enum severity *out);

/* Static description of a rule; lint rules and replay checks both have one. */
struct rule_info {
	const char *id;         /* stable kebab-case id */
	enum severity severity; /* default severity */
	const char *summary;    /* one line: what is wrong */
	const char *help;       /* one line: the safe alternative */
	bool off_by_default;    /* opt in with --enable */
};

struct finding {
	const struct rule_info *rule;
	enum severity severity; /* after configuration */
	char *message;
	char *file;      /* as given by the user, or NULL */
	unsigned line;   /* 1-based; 0 when unknown */
	unsigned column; /* 1-based, in characters */
	unsigned end_line;
	unsigned end_column;
	size_t offset; /* byte span in the file */
	size_t length;
	char *source_line; /* the text of `line`, for carets */
	char *revision;    /* alembic revision, or NULL */
};

struct report {
	struct finding *items;
	size_t n;
	size_t alloc;
	size_t files;         /* inputs examined */
	size_t statements;    /* statements examined */
	size_t suppressed;    /* findings silenced by ignore comments (not those of rules switched off) */
	struct strlist notes; /* things a reader must know, e.g. a file-wide ignore */
	const struct rule_info *const *rules; /* every known rule, for SARIF */
	size_t n_rules;
};

void report_init(struct report *r);
void report_release(struct report *r);
/* Appends a zeroed finding and returns it. */
struct finding *report_add(struct report *r);
/* Orders findings by file, line, column and rule id. */
void report_sort(struct report *r);
/* How many findings have at least the given severity. */
size_t report_count_at_least(const struct report *r, enum severity min);
size_t report_count(const struct report *r, enum severity exactly);

#endif
