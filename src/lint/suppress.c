#include "lint/suppress.h"

#include <pg_query.h>
#include <pg_query/pg_query.pb-c.h>
#include <stdlib.h>
#include <string.h>

#include "util/mem.h"

#include "util/banned.h"

#define MARKER "migrate-gate:"

void suppressions_init(struct suppressions *s)
{
	memset(s, 0, sizeof(*s));
	strlist_init(&s->file_rules);
	strlist_init(&s->bad);
}

void suppressions_release(struct suppressions *s)
{
	for (size_t i = 0; i < s->n; i++)
		strlist_release(&s->items[i].rules);
	free(s->items);
	strlist_release(&s->file_rules);
	strlist_release(&s->bad);
	suppressions_init(s);
}

static bool code_before_on_line(const char *text, size_t offset)
{
	while (offset > 0 && text[offset - 1] != '\n') {
		offset--;
		if (text[offset] != ' ' && text[offset] != '\t' && text[offset] != '\r')
			return true;
	}
	return false;
}

/* Parses "ignore a,b -- reason" or "ignore-file [a,b]" after the marker. */
static void parse_directive(struct suppressions *s, const char *text, size_t offset, const char *d, size_t n)
{
	while (n && (*d == ' ' || *d == '\t'))
		d++, n--;
	char *line = xstrndup(d, n);
	char *reason = strstr(line, "--");
	if (reason)
		*reason = '\0';
	bool file_wide = !strncmp(line, "ignore-file", 11);
	size_t kw = file_wide ? 11 : 6;
	if (strncmp(line, "ignore", 6) || (line[kw] && line[kw] != ' ' && line[kw] != '\t')) {
		strlist_add(&s->bad, line);
		free(line);
		return;
	}
	XGROW(s->items, s->alloc, s->n + 1);
	struct suppress_comment *c = &s->items[s->n++];
	c->offset = offset;
	c->trailing = code_before_on_line(text, offset);
	c->file_wide = file_wide;
	strlist_init(&c->rules);
	strlist_split(&c->rules, line + kw, ", \t\r");
	if (file_wide && !c->rules.n)
		s->file_all = true;
	for (size_t i = 0; file_wide && i < c->rules.n; i++)
		strlist_add(&s->file_rules, c->rules.items[i]);
	free(line);
}

static void consider_comment(struct suppressions *s, const char *text, size_t start, size_t end)
{
	const char *body = text + start + 2;
	size_t n = end - start - 2;
	while (n && (*body == ' ' || *body == '\t'))
		body++, n--;
	if (n < sizeof(MARKER) - 1 || strncmp(body, MARKER, sizeof(MARKER) - 1))
		return;
	parse_directive(s, text, start, body + sizeof(MARKER) - 1, n - (sizeof(MARKER) - 1));
}

void suppressions_scan(struct suppressions *s, const char *text, size_t len)
{
	(void)len;
	/* Scanning costs as much as parsing; most files have no directive at all. */
	if (!strstr(text, MARKER))
		return;
	PgQueryScanResult r = pg_query_scan(text);
	if (r.error) {
		pg_query_free_scan_result(r);
		return;
	}
	PgQuery__ScanResult *scan = pg_query__scan_result__unpack(NULL, r.pbuf.len, (const uint8_t *)r.pbuf.data);
	for (size_t i = 0; scan && i < scan->n_tokens; i++) {
		const PgQuery__ScanToken *t = scan->tokens[i];
		if (t->token == PG_QUERY__TOKEN__SQL_COMMENT && t->end > t->start + 2)
			consider_comment(s, text, (size_t)t->start, (size_t)t->end);
	}
	if (scan)
		pg_query__scan_result__free_unpacked(scan, NULL);
	pg_query_free_scan_result(r);
}
