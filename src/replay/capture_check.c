#include "replay/capture_check.h"

#include <ctype.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "util/buf.h"
#include "util/mem.h"
#include "util/strset.h"

#include "util/banned.h"

/*
 * Logged without the capture by design: transaction control psycopg2 sends
 * itself, and the probes SQLAlchemy and psycopg2 run on a new connection
 * before its events fire (compared as shapes, in any case).
 */
static const char *const transaction_control[] = {"begin", "start transaction", "commit", "rollback", "end"};
static const char *const probes[] = {
    "select pg_catalog.version()",
    "select current_schema()",
    "show transaction isolation level",
    "show standard_conforming_strings",
    "select cast(? as varchar(?)) as anon_1",
    "select t.oid, typarray from pg_type t join pg_namespace ns on typnamespace = ns.oid where typname = ?",
};

struct check {
	struct strset texts;  /* what the server received for each captured statement */
	struct strset shapes; /* their shapes, and those of statements already added */
	struct step_result *r;
	const char *rev;
	int added;
};

static bool ident_char(char c)
{
	return isalnum((unsigned char)c) || c == '_' || c == '$';
}

static size_t quoted_end(const char *s, size_t i)
{
	for (i++; s[i]; i++)
		if (s[i] == '\'' && s[i + 1] == '\'')
			i++;
		else if (s[i] == '\'')
			return i + 1;
	return i;
}

/* Length of a literal (string, number, NULL/true/false) or placeholder at s + i, 0 when none. */
static size_t value_at(const char *s, size_t i)
{
	static const char *const words[] = {"null", "true", "false"};
	bool word_start = i == 0 || !ident_char(s[i - 1]);
	if (s[i] == '\'')
		return quoted_end(s, i) - i;
	if (s[i] == '%' && s[i + 1] == 's')
		return 2;
	if (s[i] == '%' && s[i + 1] == '(' && strchr(s + i, ')') && strchr(s + i, ')')[1] == 's')
		return (size_t)(strchr(s + i, ')') - (s + i)) + 2;
	if (word_start && isdigit((unsigned char)s[i])) {
		size_t n = strspn(s + i, "0123456789.");
		return ident_char(s[i + n]) ? 0 : n;
	}
	for (size_t w = 0; word_start && w < sizeof(words) / sizeof(words[0]); w++) {
		size_t n = strlen(words[w]);
		if (!strncasecmp(s + i, words[w], n) && !ident_char(s[i + n]))
			return n;
	}
	return 0;
}

/* A ::type cast after a blanked value (psycopg2 writes '2024-01-01'::date for a date). */
static size_t cast_at(const char *s, size_t i)
{
	if (s[i] != ':' || s[i + 1] != ':')
		return 0;
	size_t n = 2;
	while (ident_char(s[i + n]))
		n++;
	return n > 2 ? n : 0;
}

/* The length of ", (row)" at s (blanks optional) when it repeats row, else 0. */
static size_t repeat_at(const char *s, const char *row, size_t row_len)
{
	size_t j = strspn(s, " ");
	if (s[j] != ',')
		return 0;
	j += 1 + strspn(s + j + 1, " ");
	return !strncmp(s + j, row, row_len) ? j + row_len : 0;
}

/* Drops each ", (...)" row that repeats the row before it (executemany as one multi-row VALUES). */
static void drop_repeated_rows(struct buf *b)
{
	char *s = b->data;
	size_t out = 0;
	for (size_t i = 0; i < b->len; i++) {
		s[out++] = s[i];
		char *open = s[i] == ')' ? memrchr(s, '(', out) : NULL;
		size_t n;
		while (open && (n = repeat_at(s + i + 1, open, (size_t)(s + out - open))) > 0)
			i += n;
	}
	b->len = out;
	s[out] = '\0';
}

char *capture_shape(const char *sql)
{
	struct buf b = BUF_INIT;
	buf_adds(&b, "");
	for (size_t i = 0; sql[i];) {
		size_t n = value_at(sql, i);
		if (n) {
			buf_addc(&b, '?');
			i += n;
			i += cast_at(sql, i);
		} else if (isspace((unsigned char)sql[i])) {
			if (b.len && b.data[b.len - 1] != ' ')
				buf_addc(&b, ' ');
			i++;
		} else {
			buf_addc(&b, sql[i] == '%' && sql[i + 1] == '%' ? sql[i++] : sql[i]);
			i++;
		}
	}
	while (b.len && (b.data[b.len - 1] == ' ' || b.data[b.len - 1] == ';'))
		b.data[--b.len] = '\0';
	drop_repeated_rows(&b);
	return buf_detach(&b);
}

/* sql starts with word (then a blank, ';' or its end), in any case. */
static bool starts_with_word(const char *sql, const char *word)
{
	size_t n = strlen(word);
	return !strncasecmp(sql, word, n) && (!sql[n] || sql[n] == ' ' || sql[n] == ';');
}

static bool is_not_migration(const char *sql, const char *shape)
{
	const char *s = sql + strspn(sql, " \t\r\n");
	for (size_t i = 0; i < sizeof(transaction_control) / sizeof(transaction_control[0]); i++)
		if (starts_with_word(s, transaction_control[i]) && !strchr(shape, ';'))
			return true;
	for (size_t i = 0; i < sizeof(probes) / sizeof(probes[0]); i++)
		if (!strcasecmp(shape, probes[i]))
			return true;
	return false;
}

static void add_bypassed(struct check *k, const char *sql)
{
	struct step_result *r = k->r;
	XGROW(r->stmts, r->alloc_stmts, r->n_stmts + 1);
	struct captured_stmt *c = &r->stmts[r->n_stmts++];
	memset(c, 0, sizeof(*c));
	c->sql = xstrdup(sql);
	c->revision = k->rev ? xstrdup(k->rev) : NULL;
	c->kind = STMT_MIGRATION;
	c->bypassed = true;
	k->added++;
}

static void on_logged(void *arg, const char *sql)
{
	struct check *k = arg;
	if (strset_has(&k->texts, sql))
		return;
	char *shape = capture_shape(sql);
	if (!is_not_migration(sql, shape) && strset_add(&k->shapes, shape))
		add_bypassed(k, sql);
	free(shape);
}

int capture_check(struct scratch *s, PGconn *db, const char *rev, struct step_result *r)
{
	struct check k = {STRSET_INIT, STRSET_INIT, r, rev, 0};
	if (!scratch_has_statement_log(s))
		return 0;
	for (size_t i = 0; i < r->n_stmts; i++) {
		const struct captured_stmt *c = &r->stmts[i];
		char *shape = capture_shape(c->sql);
		strset_add(&k.texts, c->sent ? c->sent : c->sql);
		strset_add(&k.shapes, shape);
		free(shape);
		if (c->sent) {
			shape = capture_shape(c->sent);
			strset_add(&k.shapes, shape);
			free(shape);
		}
	}
	int rc = scratch_log_statements(s, db, on_logged, &k);
	strset_release(&k.texts);
	strset_release(&k.shapes);
	return rc < 0 ? -1 : k.added;
}
