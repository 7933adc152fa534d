#include "replay/sourcemap.h"

#include <ctype.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "util/buf.h"
#include "util/fs.h"
#include "util/mem.h"
#include "util/strset.h"

#include "util/banned.h"

struct sourcemap {
	struct strlist lines;
};

struct sourcemap *sourcemap_new(const char *path)
{
	struct buf text = BUF_INIT;
	if (!path || fs_read_file(path, &text)) {
		buf_release(&text);
		return NULL;
	}
	struct sourcemap *m = xcalloc(1, sizeof(*m));
	const char *p = buf_str(&text);
	while (*p) {
		size_t n = strcspn(p, "\n");
		strlist_add_owned(&m->lines, xstrndup(p, n));
		p += n + (p[n] == '\n');
	}
	buf_release(&text);
	return m;
}

void sourcemap_free(struct sourcemap *m)
{
	if (!m)
		return;
	strlist_release(&m->lines);
	free(m);
}

static size_t indent_of(const char *line)
{
	return strspn(line, " \t");
}

unsigned sourcemap_def_line(const struct sourcemap *m, const char *func)
{
	struct buf want = BUF_INIT;
	buf_addf(&want, "def %s(", func);
	unsigned found = 0;
	for (size_t i = 0; m && i < m->lines.n && !found; i++)
		if (!strncmp(m->lines.items[i] + indent_of(m->lines.items[i]), want.data, want.len))
			found = (unsigned)i + 1;
	buf_release(&want);
	return found;
}

/* name stands in line as a whole word (quoted Python string or inside SQL text). */
static bool mentions(const char *line, const char *name)
{
	size_t n = strlen(name);
	for (const char *p = strstr(line, name); p; p = strstr(p + 1, name)) {
		bool left = p == line || !(isalnum((unsigned char)p[-1]) || p[-1] == '_');
		bool right = !(isalnum((unsigned char)p[n]) || p[n] == '_');
		if (left && right)
			return true;
	}
	return false;
}

static bool starts_call(const char *line)
{
	const char *s = line + indent_of(line);
	return !strncmp(s, "op.", 3) || strstr(s, ".execute(") || strstr(s, "op.execute(");
}

/* Words of SQL that name things; keywords never stand alone in a Python call. */
static bool is_keyword(const char *w, size_t n)
{
	static const char *const kw[] = {"on",     "to",      "add",     "column",     "table", "index",   "not",
	                                 "null",   "set",     "alter",   "create",     "drop",  "default", "constraint",
	                                 "key",    "primary", "foreign", "references", "if",    "exists",  "using",
	                                 "type",   "unique",  "and",     "or",         "as",    "in",      "into",
	                                 "values", "update",  "where",   "from",       "select"};
	for (size_t i = 0; i < sizeof(kw) / sizeof(kw[0]); i++)
		if (strlen(kw[i]) == n && !strncasecmp(w, kw[i], n))
			return true;
	return n < 2;
}

static void sql_words(const char *sql, struct strlist *out)
{
	const char *p = sql;
	while (*p) {
		if (!(isalpha((unsigned char)*p) || *p == '_')) {
			p++;
			continue;
		}
		size_t n = 1;
		while (isalnum((unsigned char)p[n]) || p[n] == '_')
			n++;
		if (!is_keyword(p, n)) {
			char *w = xstrndup(p, n);
			for (char *c = w; *c; c++)
				*c = (char)tolower((unsigned char)*c);
			if (!strlist_has(out, w))
				strlist_add(out, w);
			free(w);
		}
		p += n;
	}
}

/* How many of words the lines [from, to) mention. */
static size_t score(const struct sourcemap *m, size_t from, size_t to, const struct strlist *words)
{
	size_t hits = 0;
	for (size_t k = 0; k < words->n; k++)
		for (size_t i = from; i < to; i++)
			if (mentions(m->lines.items[i], words->items[k])) {
				hits++;
				break;
			}
	return hits;
}

/* The lines of func's body: [*from, *to). Returns false when func is not there. */
static bool body_of(const struct sourcemap *m, const char *func, size_t *from, size_t *to)
{
	unsigned def = sourcemap_def_line(m, func);
	if (!def)
		return false;
	size_t body_indent = 0, i;
	for (i = def; i < m->lines.n; i++) {
		const char *line = m->lines.items[i];
		if (!line[strspn(line, " \t")])
			continue;
		if (!body_indent)
			body_indent = indent_of(line);
		if (indent_of(line) < body_indent)
			break;
	}
	*from = def;
	*to = i;
	return true;
}

unsigned sourcemap_mention(const struct sourcemap *m, const char *func, const char *name, unsigned *column)
{
	size_t from, to, call = 0;
	*column = 1;
	if (!m || !body_of(m, func, &from, &to))
		return 0;
	for (size_t i = from; i < to && name && *name; i++) {
		if (starts_call(m->lines.items[i]))
			call = i;
		if (call && mentions(m->lines.items[i], name)) {
			*column = (unsigned)indent_of(m->lines.items[call]) + 1;
			return (unsigned)call + 1;
		}
	}
	*column = (unsigned)indent_of(m->lines.items[from - 1]) + 1;
	return (unsigned)from;
}

unsigned sourcemap_statement(const struct sourcemap *m, const char *func, const char *sql, unsigned min_line,
                             unsigned *column)
{
	size_t from, to, best = 0, best_score = 0;
	struct strlist words = STRLIST_INIT;
	*column = 1;
	if (!m || !body_of(m, func, &from, &to))
		return 0;
	sql_words(sql, &words);
	for (size_t i = from; i < to; i++) {
		if (!starts_call(m->lines.items[i]))
			continue;
		size_t end = i + 1;
		while (end < to && !starts_call(m->lines.items[end]))
			end++;
		size_t sc = score(m, i, end, &words);
		bool later = i + 1 >= min_line;
		if (sc > best_score || (sc == best_score && sc && later && best + 1 < min_line)) {
			best = i;
			best_score = sc;
		}
	}
	strlist_release(&words);
	if (!best_score)
		return sourcemap_mention(m, func, NULL, column);
	*column = (unsigned)indent_of(m->lines.items[best]) + 1;
	return (unsigned)best + 1;
}

char *sourcemap_line(const struct sourcemap *m, unsigned line)
{
	if (!m || line == 0 || line > m->lines.n)
		return xstrdup("");
	return xstrdup(m->lines.items[line - 1]);
}

/* Offsets of each statement in the text lint_unit() builds from them (joined with ";\n"). */
static size_t statement_at(const struct lint_input_stmt *stmts, size_t n, size_t offset)
{
	size_t start = 0;
	for (size_t i = 0; i < n; i++) {
		size_t end = start + stmts[i].len + 2;
		if (offset < end)
			return i;
		start = end;
	}
	return n ? n - 1 : 0;
}

/* At most 120 bytes of a statement on one line: runs of blanks and line breaks read as one space. */
static void add_sql_excerpt(struct buf *b, const char *sql, size_t len)
{
	size_t kept = 0, i = 0;
	for (; i < len && kept < 120; i++) {
		bool blank = sql[i] == ' ' || sql[i] == '\n' || sql[i] == '\t' || sql[i] == '\r';
		if (blank && (!kept || b->data[b->len - 1] == ' '))
			continue;
		buf_addc(b, blank ? ' ' : sql[i]);
		kept++;
	}
	while (kept && b->data[b->len - 1] == ' ')
		b->data[--b->len] = '\0', kept--;
	if (i < len && strspn(sql + i, " \n\t\r") < len - i)
		buf_adds(b, "...");
}

void sourcemap_map_finding(struct finding *f, const char *file, const struct lint_input_stmt *stmts, size_t n,
                           const struct sourcemap *m, unsigned *last_line)
{
	size_t i = statement_at(stmts, n, f->offset);
	char *sql = xstrndup(stmts[i].sql, stmts[i].len);
	struct buf msg = BUF_INIT;
	unsigned col = 1;
	f->line = sourcemap_statement(m, "upgrade", sql, *last_line, &col);
	*last_line = f->line;
	f->column = col;
	f->end_line = f->line;
	f->end_column = col;
	finding_take_source(f, sourcemap_line(m, f->line)); /* the lint window was of the joined SQL */
	buf_addf(&msg, "%s (SQL: ", f->message);
	add_sql_excerpt(&msg, stmts[i].sql, stmts[i].len);
	buf_addc(&msg, ')');
	free(f->message);
	f->message = buf_detach(&msg);
	free(f->file);
	f->file = xstrdup(file);
	free(sql);
}
