/*
 * The lint engine: split a unit into statements with PostgreSQL's scanner,
 * parse each one alone (so one syntax error does not hide the rest), run
 * every rule family on it, then record its effect on the context.
 */
#include <pg_query.h>
#include <pg_query/pg_query.pb-c.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "lint/internal.h"
#include "lint/ruleconf.h"
#include "lint/rules/rules.h"
#include "lint/source.h"
#include "lint/suppress.h"
#include "util/buf.h"
#include "util/error.h"
#include "util/mem.h"

#include "util/banned.h"

/* A statement's place in the unit's text. */
struct span {
	size_t start; /* where the scanner's statement begins (leading comments included) */
	size_t len;
	bool autocommit;
};

struct lint_engine {
	const struct lint_unit *unit;
	struct report *out;
	struct ruleconf rules;
	struct source src;
	struct suppressions sup;
	/* Suppression comments that apply to the current top-level statement. */
	const struct suppress_comment **active;
	size_t n_active, alloc_active;
	size_t sup_cursor;
	const char *table;           /* the existing table the finding being reported is about, or NULL */
	struct lint_unit_info *info; /* lint_unit_observe()'s, or NULL */
};

static bool ignores(const struct strlist *rules, const char *id)
{
	return rules->n == 0 || strlist_has(rules, id);
}

static bool suppressed(const struct lint_engine *e, const struct rule_info *rule)
{
	if (rule == &rule_ignore_file)
		return false;
	if ((e->sup.file_all && rule != &rule_syntax_error) || strlist_has(&e->sup.file_rules, rule->id))
		return true;
	/* A statement that does not parse fails the deploy; only an ignore that names syntax-error hides it. */
	for (size_t i = 0; i < e->n_active; i++)
		if (ignores(&e->active[i]->rules, rule->id) && (rule != &rule_syntax_error || e->active[i]->rules.n))
			return true;
	return false;
}

static void add_finding(struct lint_engine *e, const struct rule_state *rs, size_t offset, size_t end, char *message)
{
	struct finding *f = report_add(e->out);
	f->rule = rs->rule;
	f->severity = rs->severity;
	f->message = message;
	f->file = xstrdup(e->unit->file ? e->unit->file : "<stdin>");
	f->revision = e->unit->revision ? xstrdup(e->unit->revision) : NULL;
	source_position(&e->src, offset, &f->line, &f->column);
	source_position(&e->src, end < offset ? offset : end, &f->end_line, &f->end_column);
	f->offset = offset;
	f->length = end > offset ? end - offset : 0;
	size_t line_start, line_len;
	source_line_span(&e->src, f->line, &line_start, &line_len);
	finding_set_source(f, e->src.text + line_start, line_len, offset - line_start);
	f->table = e->table ? xstrdup(e->table) : NULL;
}

static void report_at(struct lint_engine *e, const struct rule_info *rule, size_t offset, size_t end, const char *fmt,
                      va_list ap) __attribute__((format(printf, 5, 0)));
static void report_at(struct lint_engine *e, const struct rule_info *rule, size_t offset, size_t end, const char *fmt,
                      va_list ap)
{
	struct rule_state rs = ruleconf_get(&e->rules, rule);
	if (!rs.on)
		return;
	if (suppressed(e, rule)) {
		e->out->suppressed++;
		return;
	}
	struct buf msg = BUF_INIT;
	buf_vaddf(&msg, fmt, ap);
	add_finding(e, &rs, offset, end, buf_detach(&msg));
}

static void report_engine(struct lint_engine *e, const struct rule_info *rule, size_t offset, size_t end,
                          const char *fmt, ...) __attribute__((format(printf, 5, 6)));
static void report_engine(struct lint_engine *e, const struct rule_info *rule, size_t offset, size_t end,
                          const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	report_at(e, rule, offset, end, fmt, ap);
	va_end(ap);
}

/*
 * The existing relation a finding is about, for size-aware severity: the one
 * named at the finding's location, else the one the statement locks hardest.
 */
static const char *finding_table(const struct lint_stmt *st, int location)
{
	const struct rel_lock *best = NULL;
	for (size_t i = 0; i < st->n_locks; i++) {
		const struct rel_lock *l = &st->locks[i];
		if (location >= 0 && l->location == location)
			return l->is_new || lint_is_version_table(l->rel) ? NULL : l->rel;
		if (!l->is_new && !lint_is_version_table(l->rel) && (!best || l->mode > best->mode))
			best = l;
	}
	/* A new table's findings are about it, not about the tables its foreign keys lock. */
	return !strcmp(st->type, "CreateStmt") || !strcmp(st->type, "CreateTableAsStmt") || !best ? NULL : best->rel;
}

void lint_report(struct lint_ctx *ctx, const struct lint_stmt *st, const struct rule_info *rule, int location,
                 const char *fmt, ...)
{
	/* Nested statements (base SIZE_MAX) have no file positions of their own. */
	size_t offset = location >= 0 && st->base != SIZE_MAX ? st->base + (size_t)location : st->offset;
	size_t end = st->offset + st->length;
	if (offset > ctx->engine->src.len || offset < st->offset || offset > end)
		offset = st->offset;
	va_list ap;
	va_start(ap, fmt);
	ctx->engine->table = finding_table(st, location);
	report_at(ctx->engine, rule, offset, end, fmt, ap);
	ctx->engine->table = NULL;
	va_end(ap);
}

#define TX_ALSO_NAMED 3 /* later statements named in a transaction's finding; the rest are counted */

/* Adds a later statement of the transaction to its finding: named up to TX_ALSO_NAMED, then counted. */
static void tx_also(struct lint_ctx *ctx, const struct rule_info *rule, struct finding *f, const char *also,
                    size_t at, unsigned long named, size_t kept)
{
	struct buf msg = BUF_INIT;
	char slot[64];
	named++;
	if (named <= TX_ALSO_NAMED) {
		buf_addf(&msg, "%s; also %s", f->message, also);
		kept = msg.len;
	} else {
		buf_addf(&msg, "%.*s; and %lu more statement(s) of the transaction", (int)kept, f->message,
		         named - TX_ALSO_NAMED);
	}
	free(f->message);
	f->message = buf_detach(&msg);
	snprintf(slot, sizeof slot, "%zu:%lu:%zu", at, named, kept);
	strset_put(&ctx->tx_findings, rule->id, slot);
}

void lint_report_tx(struct lint_ctx *ctx, const struct lint_stmt *st, const struct rule_info *rule, const char *also,
                    const char *fmt, ...)
{
	struct report *out = ctx->engine->out;
	bool grouped = ctx->in_tx && !st->autocommit;
	const char *slot = grouped ? strset_get(&ctx->tx_findings, rule->id) : NULL;
	char *rest = NULL;
	size_t at = slot ? (size_t)strtoul(slot, &rest, 10) : 0;
	/* The transaction's finding was suppressed: it stands for this statement too. */
	if (slot && !at)
		return;
	if (at && at <= out->n && out->items[at - 1].rule == rule) {
		unsigned long named = *rest == ':' ? strtoul(rest + 1, &rest, 10) : 0;
		size_t kept = *rest == ':' ? (size_t)strtoul(rest + 1, NULL, 10) : 0;
		tx_also(ctx, rule, &out->items[at - 1], also, at, named, kept);
		return;
	}
	size_t before = out->n, hidden = out->suppressed;
	size_t offset = st->offset, end = st->offset + st->length;
	va_list ap;
	va_start(ap, fmt);
	report_at(ctx->engine, rule, offset > ctx->engine->src.len ? 0 : offset, end, fmt, ap);
	va_end(ap);
	if (grouped && (out->n > before || out->suppressed > hidden)) {
		char index[32];
		snprintf(index, sizeof index, "%zu", out->n > before ? out->n : 0);
		strset_put(&ctx->tx_findings, rule->id, index);
	}
}

char *lint_stmt_excerpt(const struct lint_stmt *st, size_t max)
{
	struct buf b = BUF_INIT;
	/* A top-level statement's text is its span of the file, which starts at base. */
	if (st->base == SIZE_MAX || st->origin != ORIGIN_TOP || st->offset < st->base)
		return xstrdup("");
	const char *p = st->text + (st->offset - st->base), *end = p + st->length;
	/* Never cut inside a UTF-8 sequence: the text goes into JSON. */
	for (; p < end && (b.len < max || ((unsigned char)*p & 0xC0) == 0x80); p++) {
		bool blank = *p == ' ' || *p == '\t' || *p == '\n' || *p == '\r';
		if (!blank)
			buf_addc(&b, *p);
		else if (b.len && b.data[b.len - 1] != ' ')
			buf_addc(&b, ' ');
	}
	while (b.len && b.data[b.len - 1] == ' ')
		b.data[--b.len] = '\0';
	if (p < end)
		buf_adds(&b, "...");
	return buf_detach(&b);
}

/* Skips blanks and comments to the statement's first token. */
static size_t first_token(const char *text, size_t start, size_t end)
{
	size_t i = start;
	while (i < end) {
		if (text[i] == ' ' || text[i] == '\t' || text[i] == '\n' || text[i] == '\r' || text[i] == '\f') {
			i++;
		} else if (text[i] == '-' && i + 1 < end && text[i + 1] == '-') {
			while (i < end && text[i] != '\n')
				i++;
		} else if (text[i] == '/' && i + 1 < end && text[i + 1] == '*') {
			const char *close = strstr(text + i + 2, "*/");
			if (!close || (size_t)(close - text) + 2 > end)
				break; /* unterminated: the parser reports it */
			i = (size_t)(close - text) + 2;
		} else {
			break;
		}
	}
	return i;
}

/* Picks the suppression comments that belong to the statement in [start, end) with first token at tok. */
static void activate_suppressions(struct lint_engine *e, size_t start, size_t tok, size_t end)
{
	e->n_active = 0;
	while (e->sup_cursor < e->sup.n && e->sup.items[e->sup_cursor].offset < start)
		e->sup_cursor++;
	for (size_t i = e->sup_cursor; i < e->sup.n; i++) {
		const struct suppress_comment *c = &e->sup.items[i];
		if (c->file_wide)
			continue;
		bool leading = c->offset < tok && !c->trailing;
		bool inside = c->offset >= tok && c->offset < end;
		bool trailing = c->offset >= end && c->trailing && source_same_line(&e->src, end, c->offset);
		if (!leading && !inside && !trailing) {
			if (c->offset >= end)
				break;
			continue;
		}
		XGROW(e->active, e->alloc_active, e->n_active + 1);
		e->active[e->n_active++] = c;
	}
}

static void lint_node(struct lint_ctx *ctx, const cJSON *node, const char *sql, size_t base, size_t offset,
                      size_t length, enum stmt_origin origin, bool autocommit);

static void lint_nested(struct lint_ctx *ctx, const struct lint_stmt *parent)
{
	struct strlist queries = STRLIST_INIT;
	enum stmt_origin origin = ORIGIN_DO;
	char *error = NULL;
	lint_nested_sql(parent, &queries, &origin, &error);
	if (error)
		lint_report(ctx, parent, &rule_syntax_error, -1, "the PL/pgSQL body does not parse: %s", error);
	free(error);
	for (size_t i = 0; i < queries.n; i++) {
		PgQueryParseResult r = pg_query_parse(queries.items[i]);
		cJSON *tree = r.error ? NULL : cJSON_Parse(r.parse_tree);
		const cJSON *raw;
		if (!r.error && !tree)
			lint_report(ctx, parent, &rule_unanalysed, -1,
			            "a statement in the body nests too deeply to be analysed");
		/* Positions inside a body are not file positions: point at the enclosing statement. */
		cJSON_ArrayForEach(raw, cJSON_GetObjectItemCaseSensitive(tree, "stmts"))
		    lint_node(ctx, cJSON_GetObjectItemCaseSensitive(raw, "stmt"), queries.items[i], SIZE_MAX,
		              parent->offset, parent->length, origin, parent->autocommit);
		cJSON_Delete(tree);
		pg_query_free_parse_result(r);
	}
	strlist_release(&queries);
}

static void lint_node(struct lint_ctx *ctx, const cJSON *node, const char *sql, size_t base, size_t offset,
                      size_t length, enum stmt_origin origin, bool autocommit)
{
	struct lint_stmt st = {node, node_type(node), node_body(node), sql, base, offset, length, origin, NULL,
	                       0,    autocommit};
	if (!st.body)
		return;
	lint_locks_compute(ctx, &st);
	for (const struct lint_family *const *f = lint_families; *f; f++)
		(*f)->check(ctx, &st);
	if (ctx->engine->info && origin != ORIGIN_FUNCTION)
		lint_mode_observe(ctx, &st, ctx->engine->info);
	if (!strcmp(st.type, "DoStmt") || !strcmp(st.type, "CreateFunctionStmt"))
		lint_nested(ctx, &st);
	if (origin != ORIGIN_FUNCTION)
		lint_ctx_after(ctx, &st);
	lint_locks_release(&st);
}

static void report_syntax_error(struct lint_engine *e, const PgQueryError *err, const char *sql, size_t start,
                                size_t tok, size_t end)
{
	size_t at = tok;
	if (err->cursorpos > 0)
		at = start + source_char_offset(sql, end - start, err->cursorpos);
	if (at > end)
		at = end;
	report_engine(e, &rule_syntax_error, at, end, "%s", err->message);
}

/* Parses and lints one statement of the unit; returns the last statement node seen. */
static void lint_span(struct lint_ctx *ctx, const struct span *sp)
{
	struct lint_engine *e = ctx->engine;
	size_t end = sp->start + sp->len;
	size_t tok = first_token(e->src.text, sp->start, end);
	if (tok >= end)
		return;
	activate_suppressions(e, sp->start, tok, end);
	char *sql = xstrndup(e->src.text + sp->start, sp->len);
	PgQueryParseResult r = pg_query_parse(sql);
	if (r.error) {
		report_syntax_error(e, r.error, sql, sp->start, tok, end);
	} else {
		cJSON *tree = cJSON_Parse(r.parse_tree);
		const cJSON *raw;
		/* cJSON refuses trees deeper than 1,000 levels: say so rather than skip the statement. */
		if (!tree)
			report_engine(e, &rule_unanalysed, tok, end, "the statement nests too deeply to be analysed");
		cJSON_ArrayForEach(raw, cJSON_GetObjectItemCaseSensitive(tree, "stmts"))
		{
			size_t loc = (size_t)node_int(raw, "stmt_location", 0);
			size_t len = (size_t)node_int(raw, "stmt_len", (int)(sp->len - loc));
			size_t first = first_token(e->src.text, sp->start + loc, sp->start + loc + len);
			e->out->statements++;
			lint_node(ctx, cJSON_GetObjectItemCaseSensitive(raw, "stmt"), sql, sp->start, first,
			          sp->start + loc + len - first, ORIGIN_TOP, sp->autocommit);
		}
		cJSON_Delete(tree);
	}
	pg_query_free_parse_result(r);
	free(sql);
}

static void push_span(struct span **spans, size_t *n, size_t *alloc, size_t start, size_t len)
{
	XGROW(*spans, *alloc, *n + 1);
	(*spans)[(*n)++] = (struct span){start, len, false};
}

/* True when text[start, end) holds only blanks, comments and semicolons. */
static bool only_separators(const char *text, size_t start, size_t end)
{
	size_t i = first_token(text, start, end);
	while (i < end && text[i] == ';')
		i = first_token(text, i + 1, end);
	return i >= end;
}

/*
 * Offset of the first ';' token in text[start, end), or end when there is none
 * or the text cannot be scanned (an open quote). Growing prefixes are scanned,
 * so a long tail costs about as much as its first statement.
 */
static size_t first_semicolon(const char *text, size_t start, size_t end)
{
	for (size_t size = 256;; size *= 4) {
		size_t take = end - start < size ? end - start : size;
		char *prefix = xstrndup(text + start, take);
		PgQueryScanResult r = pg_query_scan(prefix);
		PgQuery__ScanResult *scan =
		    r.error ? NULL : pg_query__scan_result__unpack(NULL, r.pbuf.len, (const uint8_t *)r.pbuf.data);
		size_t semi = end;
		for (size_t i = 0; scan && i < scan->n_tokens && semi == end; i++)
			if (scan->tokens[i]->token == PG_QUERY__TOKEN__ASCII_59)
				semi = start + (size_t)scan->tokens[i]->start;
		if (scan)
			pg_query__scan_result__free_unpacked(scan, NULL);
		pg_query_free_scan_result(r);
		free(prefix);
		if (semi != end || take == end - start)
			return semi;
	}
}

/* Adds the next ';'-separated piece at start when it holds a token; returns where the one after begins. */
static size_t add_piece(const char *text, size_t start, size_t end, struct span **spans, size_t *n, size_t *alloc)
{
	size_t semi = first_semicolon(text, start, end);
	if (!only_separators(text, start, semi))
		push_span(spans, n, alloc, start, semi - start);
	return semi + 1;
}

/*
 * Where an unterminated quote or comment in text + start begins, according to
 * the scanner error of a failed split, or SIZE_MAX. Such a construct runs to
 * the end of the text, as it would on the server.
 */
static size_t unterminated_at(const char *text, size_t start, size_t end, const PgQueryError *err)
{
	if (!err || err->cursorpos <= 0 || strncmp(err->message, "unterminated", 12))
		return SIZE_MAX;
	return start + source_char_offset(text + start, end - start, err->cursorpos);
}

/*
 * Splits text[start, end) with libpg_query (text ends at end), adding its
 * statements and the pieces of the gaps between them. Returns where its
 * statements end; *more tells whether splitting again after the next piece is
 * worth it, and *open where an unterminated construct begins (or SIZE_MAX).
 */
static size_t split_from(const char *text, size_t start, size_t end, struct span **spans, size_t *n, size_t *alloc,
                         bool *more, size_t *open)
{
	PgQuerySplitResult r = pg_query_split_with_scanner(text + start);
	size_t covered = start;
	for (int i = 0; !r.error && i < r.n_stmts; i++) {
		size_t loc = start + (size_t)r.stmts[i]->stmt_location, slen = (size_t)r.stmts[i]->stmt_len;
		while (covered < loc && !only_separators(text, covered, loc))
			covered = add_piece(text, covered, loc, spans, n, alloc);
		push_span(spans, n, alloc, loc, slen);
		covered = loc + slen;
	}
	*more = !r.error && r.n_stmts > 0;
	*open = unterminated_at(text, start, end, r.error);
	pg_query_free_split_result(r);
	return covered;
}

/*
 * libpg_query's split silently drops what it cannot place: a statement of
 * identifiers only ("SELEC 1") and everything after an unbalanced '('. What it
 * leaves out is cut at ';' tokens here, so its syntax error is reported and
 * the statements after it are linted. An unterminated quote or comment makes
 * the split fail: the text before it is split alone, and the rest is one
 * statement. Where the split finds nothing, the rest goes piece by piece,
 * which stays linear.
 */
static void split_text(const char *text, struct span **spans, size_t *n, size_t *alloc, size_t len)
{
	size_t start = 0, end = len, open = SIZE_MAX;
	char *head = NULL; /* text up to an unterminated construct */
	const char *t = text;
	bool splittable = true;
	while (start < end && !only_separators(t, start, end)) {
		if (splittable) {
			start = split_from(t, start, end, spans, n, alloc, &splittable, &open);
			if (open < end) {
				end = open;
				free(head);
				t = head = xstrndup(text, end);
				splittable = true;
				continue;
			}
			if (only_separators(t, start, end))
				break;
		}
		start = add_piece(t, start, end, spans, n, alloc);
	}
	if (end < len) {
		/* The open construct belongs to the statement it starts in. */
		size_t from = end;
		const struct span *last = *n ? &(*spans)[*n - 1] : NULL;
		if (last && !memchr(text + last->start + last->len, ';', end - (last->start + last->len)))
			from = (*spans)[--*n].start;
		push_span(spans, n, alloc, from, len - from);
	}
	free(head);
}

/* Executed statements become one text, a statement per line group, so positions stay meaningful. */
static char *join_statements(const struct lint_unit *u, struct span **spans, size_t *n, size_t *alloc)
{
	struct buf b = BUF_INIT;
	XGROW(*spans, *alloc, u->n_stmts + 1);
	for (size_t i = 0; i < u->n_stmts; i++) {
		size_t start = b.len;
		buf_add(&b, u->stmts[i].sql, u->stmts[i].len);
		(*spans)[(*n)++] = (struct span){start, b.len - start, u->stmts[i].autocommit};
		buf_adds(&b, ";\n");
	}
	return buf_detach(&b);
}

static int validate(const struct lint_unit *u, const char *text, size_t len)
{
	size_t bad = 0;
	int kind = source_validate(text, len, &bad);
	const char *name = u->file ? u->file : "<stdin>";
	if (kind == 1)
		return gate_error(EXIT_USAGE, "lint only SQL text files",
		                  "'%s' is a binary file (NUL byte at offset %zu)", name, bad);
	if (kind == 2) {
		struct source s;
		unsigned line, col;
		source_init(&s, text, len);
		source_position(&s, bad, &line, &col);
		source_release(&s);
		return gate_error(EXIT_USAGE, "save the file as UTF-8; PostgreSQL migrations are read as UTF-8",
		                  "'%s' is not valid UTF-8 at line %u, column %u", name, line, col);
	}
	return 0;
}

static void add_note(struct lint_engine *e, const char *what, const char *value, const char *advice)
{
	struct buf note = BUF_INIT;
	buf_addf(&note, "%s: %s '%s' (%s)", e->unit->file ? e->unit->file : "<stdin>", what, value, advice);
	strlist_add_owned(&e->out->notes, buf_detach(&note));
}

/* Directives that could not be read, or name no rule, would otherwise do nothing without a word. */
static void note_bad_directives(struct lint_engine *e)
{
	for (size_t i = 0; i < e->sup.bad.n; i++)
		add_note(e, "ignored unreadable directive", e->sup.bad.items[i],
		         "write '-- migrate-gate: ignore RULES' or 'ignore-file [RULES]'");
	for (size_t i = 0; i < e->sup.n; i++)
		for (size_t k = 0; k < e->sup.items[i].rules.n; k++)
			if (!lint_rule_by_id(e->sup.items[i].rules.items[k]))
				add_note(e, "an ignore comment names an unknown rule", e->sup.items[i].rules.items[k],
				         "run 'migrate-gate lint --list-rules' for the ids");
}

static void note_ignore_file(struct lint_engine *e)
{
	if (!e->sup.file_all)
		return;
	report_engine(e, &rule_ignore_file, 0, 0,
	              "all findings in this file are suppressed by '-- migrate-gate: ignore-file'");
	struct buf note = BUF_INIT;
	buf_addf(&note, "%s: every rule is ignored by a bare ignore-file comment",
	         e->unit->file ? e->unit->file : "<stdin>");
	strlist_add_owned(&e->out->notes, buf_detach(&note));
}

/* A bare statement ignore hides every rule of its statement: say so, as for a bare ignore-file. */
static void note_bare_ignores(struct lint_engine *e)
{
	for (size_t i = 0; i < e->sup.n; i++) {
		if (e->sup.items[i].file_wide || e->sup.items[i].rules.n)
			continue;
		unsigned line, col;
		source_position(&e->src, e->sup.items[i].offset, &line, &col);
		struct buf note = BUF_INIT;
		buf_addf(&note,
		         "%s:%u: a bare ignore comment hides every rule but syntax-error on its statement "
		         "(name the rules: '-- migrate-gate: ignore RULES')",
		         e->unit->file ? e->unit->file : "<stdin>", line);
		strlist_add_owned(&e->out->notes, buf_detach(&note));
	}
}

static void run(struct lint_engine *e, struct lint_ctx *ctx, const struct span *spans, size_t n)
{
	suppressions_scan(&e->sup, e->src.text, e->src.len);
	note_ignore_file(e);
	note_bare_ignores(e);
	note_bad_directives(e);
	for (size_t i = 0; i < n; i++)
		lint_span(ctx, &spans[i]);
	struct lint_stmt end = {NULL, "", NULL, e->src.text, 0, e->src.len, 0, ORIGIN_TOP, NULL, 0, false};
	e->n_active = 0;
	for (const struct lint_family *const *f = lint_families; *f; f++)
		if ((*f)->finish)
			(*f)->finish(ctx, &end);
}

int lint_unit(const struct lint_config *cfg, const struct lint_unit *unit, struct report *out)
{
	return lint_unit_observe(cfg, unit, out, NULL);
}

int lint_unit_observe(const struct lint_config *cfg, const struct lint_unit *unit, struct report *out,
                      struct lint_unit_info *info)
{
	struct span *spans = NULL;
	size_t n = 0, alloc = 0;
	char *joined = NULL;
	const char *text = unit->text;
	size_t len = unit->len;
	if (unit->stmts) {
		joined = join_statements(unit, &spans, &n, &alloc);
		text = joined;
		len = strlen(joined);
	}
	int rc = validate(unit, text, len);
	if (rc)
		goto out;
	if (!unit->stmts)
		split_text(text, &spans, &n, &alloc, len);
	struct lint_engine e = {unit, out, {NULL, 0}, {NULL, 0, NULL, 0, NULL}, {0}, NULL, 0, 0, 0, NULL, info};
	struct lint_ctx ctx;
	ruleconf_init(&e.rules, cfg);
	source_init(&e.src, text, len);
	suppressions_init(&e.sup);
	lint_ctx_init(&ctx, cfg);
	lint_ctx_seed_catalog(&ctx, unit->catalog);
	ctx.engine = &e;
	out->files++;
	run(&e, &ctx, spans, n);
	lint_ctx_release(&ctx);
	suppressions_release(&e.sup);
	source_release(&e.src);
	ruleconf_release(&e.rules);
	free(e.active);
out:
	free(spans);
	free(joined);
	return rc;
}
