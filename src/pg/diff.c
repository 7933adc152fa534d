#include "pg/diff.h"

#include <stdlib.h>
#include <string.h>

#include "util/buf.h"
#include "util/mem.h"

#include "util/banned.h"

/* Beyond this, a value is shown around its first difference only. */
#define SHOW_MAX 60
#define SHOW_BEFORE 20

/* What each field of a snapshot line means, per kind (snapshot.h); unknown kinds have one "definition". */
static const struct field_names {
	const char *kind;
	const char *names[9];
} field_table[] = {
    {"table",
     {"kind", "persistence", "partition key", "parents", "partition bound", "options", "row security",
      "replica identity"}},
    {"column", {"type", "nullability", "default", "identity", "generated", "collation", "position", "settings"}},
    {"index", {"definition", "validity", "clustering"}},
    {"sequence", {"type", "start", "increment", "minimum", "maximum", "cache", "cycle", "owner column"}},
    {"view", {"definition", "options"}},
    {"matview", {"definition", "options"}},
    {"trigger", {"definition", "state"}},
    {"enum", {"labels"}},
    {"domain", {"base type", "nullability", "default", "collation", "constraints"}},
    {"extension", {"version", "schema"}},
    {"comment", {"text"}},
    {"grant", {"privileges"}},
    {"policy", {"command", "permissive", "roles", "using", "with check"}},
    {"collation", {"provider", "lc_collate", "lc_ctype"}},
    {"column order", {"order"}},
};

void diff_init(struct diff *d)
{
	d->items = NULL;
	d->n = 0;
	d->alloc = 0;
}

void diff_release(struct diff *d)
{
	if (!d)
		return;
	for (size_t i = 0; i < d->n; i++) {
		free(d->items[i].kind);
		free(d->items[i].identity);
		free(d->items[i].before);
		free(d->items[i].after);
		free(d->items[i].owner);
	}
	free(d->items);
	diff_init(d);
}

/* "kind\tidentity\tfields": the length of the key (kind and identity) and where the fields start. */
static size_t key_len(const char *line)
{
	const char *tab = strchr(line, '\t');
	const char *second = tab ? strchr(tab + 1, '\t') : NULL;
	return second ? (size_t)(second - line) : strlen(line);
}

static const char *fields_of(const char *line)
{
	size_t k = key_len(line);
	return line[k] ? line + k + 1 : "";
}

static int compare_keys(const char *a, const char *b)
{
	size_t la = key_len(a), lb = key_len(b);
	int c = memcmp(a, b, la < lb ? la : lb);
	return c ? c : (la > lb) - (la < lb);
}

static struct diff_entry *add_entry(struct diff *d, const char *line, enum diff_change change, const char *before,
                                    const char *after, const char *owner)
{
	XGROW(d->items, d->alloc, d->n + 1);
	struct diff_entry *e = &d->items[d->n++];
	memset(e, 0, sizeof(*e));
	e->owner = owner ? xstrdup(owner) : NULL;
	const char *tab = strchr(line, '\t');
	size_t k = key_len(line);
	e->kind = tab ? xstrndup(line, (size_t)(tab - line)) : xstrdup(line);
	e->identity = tab ? xstrndup(tab + 1, k - (size_t)(tab + 1 - line)) : xstrdup("");
	e->change = change;
	e->before = before ? xstrdup(fields_of(before)) : NULL;
	e->after = after ? xstrdup(fields_of(after)) : NULL;
	return e;
}

/* The column's field that holds its position (see snapshot.h). */
#define COLUMN_POSITION_FIELD 6

static size_t count_fields(const char *s);
static const char *owner_dot(const char *identity);

/* A column whose position is the only field that differs. */
static bool only_position_differs(const struct diff_entry *e)
{
	if (e->change != DIFF_CHANGED || strcmp(e->kind, "column"))
		return false;
	size_t n = count_fields(e->before);
	if (n != count_fields(e->after) || n <= COLUMN_POSITION_FIELD)
		return false;
	for (size_t i = 0; i < n; i++) {
		size_t xn, yn;
		const char *x = snapshot_field(e->before, i, &xn), *y = snapshot_field(e->after, i, &yn);
		if (i != COLUMN_POSITION_FIELD && (xn != yn || memcmp(x, y, xn)))
			return false;
	}
	return true;
}

static long position_of(const char *fields)
{
	size_t n;
	const char *p = snapshot_field(fields, COLUMN_POSITION_FIELD, &n);
	return strtol(p, NULL, 10);
}

struct moved_column {
	const char *name;
	long before, after;
};

static int by_before(const void *a, const void *b)
{
	const struct moved_column *x = a, *y = b;
	return (x->before > y->before) - (x->before < y->before);
}

static int by_after(const void *a, const void *b)
{
	const struct moved_column *x = a, *y = b;
	return (x->after > y->after) - (x->after < y->after);
}

static char *join_names(struct moved_column *m, size_t n, int (*order)(const void *, const void *))
{
	struct buf b = BUF_INIT;
	qsort(m, n, sizeof(*m), order);
	for (size_t i = 0; i < n; i++)
		buf_addf(&b, "%s%s", i ? ", " : "", m[i].name);
	return buf_detach(&b);
}

/*
 * One dropped and re-added column shifts every later one: reporting each
 * would bury the one change that matters. Position-only changes of one table
 * become a single "column order" entry listing the moved columns in their old
 * and new order.
 */
static void fold_table_order(struct diff *d, size_t first, size_t end, size_t *out)
{
	struct moved_column *m = xcalloc(end - first, sizeof(*m));
	const char *id = d->items[first].identity, *dot = owner_dot(id);
	for (size_t i = first; i < end; i++) {
		const char *col = d->items[i].identity + (dot - id) + 1;
		m[i - first] =
		    (struct moved_column){col, position_of(d->items[i].before), position_of(d->items[i].after)};
	}
	struct diff_entry e = {xstrdup("column order"),
	                       xstrndup(id, (size_t)(dot - id)),
	                       DIFF_CHANGED,
	                       join_names(m, end - first, by_before),
	                       join_names(m, end - first, by_after),
	                       d->items[first].owner ? xstrdup(d->items[first].owner) : NULL,
	                       false};
	free(m);
	for (size_t i = first; i < end; i++) {
		free(d->items[i].kind);
		free(d->items[i].identity);
		free(d->items[i].before);
		free(d->items[i].after);
		free(d->items[i].owner);
	}
	d->items[(*out)++] = e;
}

static bool same_table(const struct diff_entry *a, const struct diff_entry *b)
{
	const char *da = owner_dot(a->identity), *db = owner_dot(b->identity);
	return da && db && da - a->identity == db - b->identity &&
	       !memcmp(a->identity, b->identity, (size_t)(da - a->identity));
}

static void fold_column_order(struct diff *d)
{
	size_t out = 0;
	for (size_t i = 0; i < d->n;) {
		size_t end = i;
		while (end < d->n && only_position_differs(&d->items[end]) && owner_dot(d->items[end].identity) &&
		       same_table(&d->items[i], &d->items[end]))
			end++;
		if (end > i) {
			fold_table_order(d, i, end, &out);
			i = end;
		} else {
			d->items[out++] = d->items[i++];
		}
	}
	d->n = out;
}

static bool is_ident_char(char ch)
{
	return (ch >= 'a' && ch <= 'z') || (ch >= 'A' && ch <= 'Z') || (ch >= '0' && ch <= '9') || ch == '_' ||
	       ch == '$' || (unsigned char)ch >= 0x80;
}

/* The length of the identifier at s (plain, or double-quoted with "" inside), 0 when none. */
static size_t ident_len(const char *s, const char *end)
{
	size_t n = 0;
	if (s < end && *s == '"') {
		for (n = 1; s + n < end; n++)
			if (s[n] == '"' && !(s + n + 1 < end && s[n + 1] == '"'))
				return n + 1;
			else if (s[n] == '"')
				n++;
		return 0;
	}
	while (s + n < end && is_ident_char(s[n]))
		n++;
	return n;
}

/*
 * An expression with the schema of every function call left out
 * (`public.f(` reads `f(`): deparsed under one search_path, the same function
 * prints with or without its schema depending on where it lives, and an
 * extension's function that moved into core (pgcrypto's gen_random_uuid)
 * does too. String literals are copied as they are.
 */
static void add_unqualified(struct buf *b, const char *s, size_t n)
{
	const char *end = s + n;
	for (const char *p = s; p < end;) {
		if (*p == '\'') {
			const char *q = p + 1;
			while (q < end && *q != '\'')
				q++;
			q += q < end;
			buf_add(b, p, (size_t)(q - p));
			p = q;
			continue;
		}
		size_t first = p == s || !is_ident_char(p[-1]) ? ident_len(p, end) : 0;
		size_t second = first && p + first < end && p[first] == '.' ? ident_len(p + first + 1, end) : 0;
		if (second && p + first + 1 + second < end && p[first + 1 + second] == '(') {
			p += first + 1; /* the schema and its dot */
			continue;
		}
		size_t copy = first ? first : 1;
		buf_add(b, p, copy);
		p += copy;
	}
}

/* Every run of whitespace (raw or escaped as \n, \t, \r in a line) as one space, none at either end. */
static void add_collapsed(struct buf *b, const char *s, size_t n)
{
	bool space = false;
	for (size_t i = 0; i < n; i++) {
		bool escaped = s[i] == '\\' && i + 1 < n && (s[i + 1] == 'n' || s[i + 1] == 't' || s[i + 1] == 'r');
		if (escaped || s[i] == ' ' || s[i] == '\n' || s[i] == '\t' || s[i] == '\r') {
			space = true;
			i += escaped;
			continue;
		}
		if (space && b->len)
			buf_addc(b, ' ');
		space = false;
		if (s[i] == '\\' && i + 1 < n)
			buf_addc(b, s[i++]);
		buf_addc(b, s[i]);
	}
}

/* Which fields of a kind hold an expression (bit i: field i), compared without function schemas. */
static unsigned expression_fields(const char *kind)
{
	static const struct {
		const char *kind;
		unsigned fields;
	} table[] = {{"column", 1u << 2 | 1u << 4},
	             {"constraint", 1u << 0},
	             {"index", 1u << 0},
	             {"domain", 1u << 2 | 1u << 4},
	             {"policy", 1u << 3 | 1u << 4}};
	for (size_t i = 0; i < sizeof table / sizeof *table; i++)
		if (!strcmp(table[i].kind, kind))
			return table[i].fields;
	return 0;
}

static bool is_routine(const char *kind)
{
	return !strcmp(kind, "function") || !strcmp(kind, "procedure") || !strcmp(kind, "aggregate");
}

/* Field i of two lines' fields, normalized by norm, compared. */
static bool same_normalized(const char *x, const char *y, size_t i, void (*norm)(struct buf *, const char *, size_t))
{
	struct buf a = BUF_INIT, b = BUF_INIT;
	size_t xn, yn;
	const char *xs = snapshot_field(x, i, &xn), *ys = snapshot_field(y, i, &yn);
	norm(&a, xs, xn);
	norm(&b, ys, yn);
	bool same = a.len == b.len && !memcmp(buf_str(&a), buf_str(&b), a.len);
	buf_release(&a);
	buf_release(&b);
	return same;
}

/*
 * How two lines of one object compare: 0 the same (expressions alike once
 * function schemas are left out), 1 a function's whitespace only, 2 different.
 */
static int compare_fields(const char *kind, const char *x, const char *y)
{
	unsigned expr = expression_fields(kind);
	bool routine = is_routine(kind), layout = false;
	size_t n = count_fields(x) > count_fields(y) ? count_fields(x) : count_fields(y);
	for (size_t i = 0; i < n; i++) {
		size_t xn, yn;
		const char *xs = snapshot_field(x, i, &xn), *ys = snapshot_field(y, i, &yn);
		if (xn == yn && !memcmp(xs, ys, xn))
			continue;
		if (i < 32 && (expr >> i & 1u) && same_normalized(x, y, i, add_unqualified))
			continue;
		if (!(routine && same_normalized(x, y, i, add_collapsed)))
			return 2;
		layout = true;
	}
	return layout;
}

static void add_changed(struct diff *d, const struct snapshot *a, const struct snapshot *b, const char *x,
                        const char *y)
{
	size_t k = key_len(x);
	char *kind = xstrndup(x, strcspn(x, "\t"));
	int how = compare_fields(kind, x[k] ? x + k + 1 : "", y[k] ? y + k + 1 : "");
	const char *owner = strset_get(&a->owners, x);
	if (how)
		add_entry(d, x, DIFF_CHANGED, x, y, owner ? owner : strset_get(&b->owners, y))->cosmetic = how == 1;
	free(kind);
}

/* Lines are sorted, and a key is always followed by a tab or the end, so key order is line order. */
size_t diff_snapshots(const struct snapshot *a, const struct snapshot *b, struct diff *d)
{
	const struct strlist *x = &a->lines, *y = &b->lines;
	size_t i = 0, j = 0;
	diff_release(d);
	while (i < x->n || j < y->n) {
		int c = i == x->n ? 1 : j == y->n ? -1 : compare_keys(x->items[i], y->items[j]);
		if (c < 0)
			add_entry(d, x->items[i], DIFF_REMOVED, x->items[i], NULL, strset_get(&a->owners, x->items[i]));
		else if (c > 0)
			add_entry(d, y->items[j], DIFF_ADDED, NULL, y->items[j], strset_get(&b->owners, y->items[j]));
		else if (strcmp(x->items[i], y->items[j]))
			add_changed(d, a, b, x->items[i], y->items[j]);
		i += c <= 0;
		j += c >= 0;
	}
	fold_column_order(d);
	return d->n;
}

/* The last '.' outside double quotes: "t.ix_a" is table "t", object "ix_a". */
static const char *owner_dot(const char *identity)
{
	const char *dot = NULL;
	bool quoted = false;
	for (const char *p = identity; *p; p++) {
		if (*p == '"')
			quoted = !quoted;
		else if (*p == '.' && !quoted)
			dot = p;
	}
	return dot;
}

static bool has_owner_table(const char *kind)
{
	return !strcmp(kind, "index") || !strcmp(kind, "constraint") || !strcmp(kind, "trigger") ||
	       !strcmp(kind, "policy") || !strcmp(kind, "rule");
}

/* A name in double quotes, unless it already holds quoted parts ("Odd.Name" stays as is). */
static void add_name(struct buf *b, const char *s, size_t n)
{
	bool quoted = memchr(s, '"', n) != NULL;
	buf_adds(b, quoted ? "" : "\"");
	buf_add(b, s, n);
	buf_adds(b, quoted ? "" : "\"");
}

char *diff_entry_subject(const struct diff_entry *e)
{
	struct buf b = BUF_INIT;
	const char *id = e->identity, *dot = owner_dot(id);
	if (!strcmp(e->kind, "column order")) {
		buf_adds(&b, "columns of ");
		add_name(&b, id, strlen(id));
	} else if (!strcmp(e->kind, "comment") || !strcmp(e->kind, "grant")) {
		buf_addf(&b, "%s on %s", !strcmp(e->kind, "grant") ? "grants" : "comment", id);
	} else if (has_owner_table(e->kind) && dot) {
		buf_addf(&b, "%s ", e->kind);
		add_name(&b, dot + 1, strlen(dot + 1));
		buf_adds(&b, " on ");
		add_name(&b, id, (size_t)(dot - id));
	} else {
		buf_addf(&b, "%s ", e->kind);
		add_name(&b, id, strlen(id));
	}
	return buf_detach(&b);
}

static const char *field_name(const char *kind, size_t i)
{
	for (size_t k = 0; k < sizeof field_table / sizeof *field_table; k++)
		if (!strcmp(field_table[k].kind, kind))
			return i < 9 && field_table[k].names[i] ? field_table[k].names[i] : "definition";
	return "definition";
}

/* Catalog spellings to the ones people write: "character varying(20)" reads as "varchar(20)". */
static void add_type(struct buf *b, const char *s, size_t n)
{
	static const char *const from[] = {"character varying", "timestamp without time zone",
	                                   "timestamp with time zone", "time without time zone"};
	static const char *const to[] = {"varchar", "timestamp", "timestamptz", "time"};
	for (size_t i = 0; i < sizeof from / sizeof *from; i++) {
		size_t len = strlen(from[i]);
		if (n >= len && !strncmp(s, from[i], len)) {
			buf_adds(b, to[i]);
			buf_add(b, s + len, n - len);
			return;
		}
	}
	buf_add(b, s, n);
}

/* A value for a message: "(none)" when empty, and a window around `at` when long. */
static void add_value(struct buf *b, const char *name, const char *s, size_t n, size_t at)
{
	if (!n) {
		buf_adds(b, "(none)");
		return;
	}
	if (!strcmp(name, "type") || !strcmp(name, "base type")) {
		add_type(b, s, n);
		return;
	}
	if (n <= SHOW_MAX) {
		buf_add(b, s, n);
		return;
	}
	size_t start = at > SHOW_BEFORE ? at - SHOW_BEFORE : 0;
	size_t len = n - start < SHOW_MAX ? n - start : SHOW_MAX;
	buf_adds(b, start ? "..." : "");
	buf_add(b, s + start, len);
	buf_adds(b, start + len < n ? "..." : "");
}

static size_t count_fields(const char *s)
{
	size_t n = 1;
	for (; *s; s++)
		n += *s == '\t';
	return n;
}

static void add_field_change(struct buf *b, const char *name, const char *x, size_t xn, const char *y, size_t yn)
{
	size_t at = 0;
	while (at < xn && at < yn && x[at] == y[at])
		at++;
	if (b->len)
		buf_adds(b, "; ");
	size_t len = strlen(name);
	buf_addf(b, "%s %s: ", name, name[len - 1] == 's' ? "differ" : "differs"); /* "labels differ" */
	add_value(b, name, x, xn, at);
	buf_adds(b, " vs ");
	add_value(b, name, y, yn, at);
}

char *diff_entry_detail(const struct diff_entry *e)
{
	if (e->change != DIFF_CHANGED)
		return xstrdup(e->change == DIFF_ADDED ? "was added" : "was removed");
	struct buf b = BUF_INIT;
	size_t nx = count_fields(e->before), ny = count_fields(e->after);
	for (size_t i = 0; i < (nx > ny ? nx : ny); i++) {
		size_t xn, yn;
		const char *x = snapshot_field(e->before, i, &xn), *y = snapshot_field(e->after, i, &yn);
		/* A moved column shows in its table's "column order" entry. */
		bool position = i == COLUMN_POSITION_FIELD && !strcmp(e->kind, "column");
		if ((xn != yn || memcmp(x, y, xn)) && !position)
			add_field_change(&b, field_name(e->kind, i), x, xn, y, yn);
	}
	return buf_detach(&b);
}

char *diff_entry_describe(const struct diff_entry *e)
{
	char *subject = diff_entry_subject(e), *detail = diff_entry_detail(e);
	struct buf b = BUF_INIT;
	buf_addf(&b, "%s %s", subject, detail);
	free(subject);
	free(detail);
	return buf_detach(&b);
}
