#include "report/backup_report.h"

#include <cjson/cJSON.h>
#include <stdlib.h>
#include <string.h>

#include "report/writers.h"
#include "util/buf.h"
#include "util/json.h"
#include "util/log.h"
#include "util/mem.h"

#include "util/banned.h"

static void join(struct buf *b, const struct strlist *l, const char *sep, const char *none)
{
	for (size_t i = 0; i < l->n; i++)
		buf_addf(b, "%s%s", i ? sep : "", l->items[i]);
	if (!l->n)
		buf_adds(b, none);
}

static const char *verify_word(enum backup_verify v)
{
	return v == VERIFY_PASSED ? "passed" : v == VERIFY_FAILED ? "failed" : "skipped";
}

void report_write_manifest_text(const char *archive, const struct manifest *m, FILE *out)
{
	struct buf revs = BUF_INIT, pending = BUF_INIT;
	char *db = human_bytes((double)m->database_bytes), *dump = human_bytes((double)m->dump_bytes);
	join(&revs, &m->revisions, ", ", m->version_table ? "(none)" : "(no alembic_version table)");
	join(&pending, &m->pending, ", ", "(none given)");
	fprintf(out, "archive   %s\n", archive);
	fprintf(out, "database  %s on %s:%s (PostgreSQL %s), %s\n", m->database, m->host ? m->host : "?",
	        m->port ? m->port : "?", m->server_version ? m->server_version : "?", db);
	fprintf(out, "taken     %s by migrate-gate %s%s%s\n", m->created_at ? m->created_at : "?",
	        m->tool_version ? m->tool_version : "?", m->commit ? ", commit " : "", m->commit ? m->commit : "");
	fprintf(out, "revision  %s\n", revs.data);
	fprintf(out, "pending   %s\n", pending.data);
	fprintf(out, "dump      %s (pg_dump %s), %zu table(s), sha256 %s\n", dump,
	        m->pg_dump_version ? m->pg_dump_version : "?", m->n_tables, m->dump_sha256);
	free(db);
	free(dump);
	buf_release(&revs);
	buf_release(&pending);
}

static void backup_text(const struct backup_result *r, bool color, FILE *out)
{
	const char *bold = color ? "\033[1m" : "", *reset = color ? "\033[0m" : "";
	bool ok = r->verify != VERIFY_FAILED && r->archive_path && !strstr(r->archive_path, ".failed");
	char *size = human_bytes((double)r->archive_bytes);
	fprintf(out, "%sbackup %s%s\n", bold, ok ? "written" : "FAILED", reset);
	if (r->archive_path)
		report_write_manifest_text(r->archive_path, &r->manifest, out);
	fprintf(out, "file      %s %s, sha256 %s\n", size, r->manifest.archive_format ? r->manifest.archive_format : "",
	        r->sha256);
	fprintf(out, "verified  %s", verify_word(r->verify));
	if (r->verify != VERIFY_SKIPPED)
		fprintf(out, " (restored into scratch and compared in %.1f s)", r->verify_seconds);
	fputc('\n', out);
	for (size_t i = 0; i < r->problems.n; i++)
		fprintf(out, "  - %s\n", r->problems.items[i]);
	if (r->uploaded_to)
		fprintf(out, "uploaded  %s (%.1f s)\n", r->uploaded_to, r->upload_seconds);
	if (r->upload_failed)
		fprintf(out, "uploaded  FAILED: %s\n", r->upload_failed);
	for (size_t i = 0; i < r->pruned.n; i++)
		fprintf(out, "pruned    %s\n", r->pruned.items[i]);
	for (size_t i = 0; i < r->notes.n; i++)
		fprintf(out, "note      %s\n", r->notes.items[i]);
	free(size);
}

static void backup_json(const struct backup_result *r, FILE *out)
{
	cJSON *o = cJSON_CreateObject(), *v = cJSON_CreateObject(), *secs = cJSON_CreateObject();
	cJSON_AddStringToObject(o, "command", "backup");
	cJSON_AddBoolToObject(o, "passed",
	                      r->verify != VERIFY_FAILED && r->archive_path && !strstr(r->archive_path, ".failed"));
	json_add_str_or_null(o, "archive", r->archive_path);
	cJSON_AddStringToObject(o, "sha256", r->sha256);
	cJSON_AddNumberToObject(o, "bytes", (double)r->archive_bytes);
	cJSON_AddStringToObject(v, "state", verify_word(r->verify));
	cJSON_AddItemToObject(v, "problems", json_strings(&r->problems));
	cJSON_AddItemToObject(o, "verification", v);
	json_add_str_or_null(o, "uploaded_to", r->uploaded_to);
	json_add_str_or_null(o, "upload_error", r->upload_failed);
	cJSON_AddItemToObject(o, "pruned", json_strings(&r->pruned));
	cJSON_AddItemToObject(o, "notes", json_strings(&r->notes));
	cJSON_AddNumberToObject(secs, "dump", r->dump_seconds);
	cJSON_AddNumberToObject(secs, "verify", r->verify_seconds);
	cJSON_AddNumberToObject(secs, "upload", r->upload_seconds);
	cJSON_AddItemToObject(o, "seconds", secs);
	cJSON_AddItemToObject(o, "manifest", manifest_to_cjson(&r->manifest));
	report_put_json(o, out);
}

void report_write_backup(const struct backup_result *r, enum report_format fmt, bool color, FILE *out)
{
	if (fmt == FMT_JSON)
		backup_json(r, out);
	else
		backup_text(r, color, out);
}

static void restore_json(const struct restore_outcome *o, FILE *out)
{
	cJSON *j = cJSON_CreateObject(), *swap = cJSON_CreateObject();
	cJSON_AddStringToObject(j, "command", "restore");
	cJSON_AddStringToObject(j, "archive", o->archive);
	json_add_str_or_null(j, "target_database", o->target_db);
	cJSON_AddStringToObject(j, "method", o->method);
	cJSON_AddItemToObject(j, "alembic_version", json_strings(o->versions));
	cJSON_AddBoolToObject(j, "matches_archive", o->matches);
	json_add_str_or_null(swap, "replaced_database", o->replaced_db);
	cJSON_AddBoolToObject(swap, "replaced_dropped", o->replaced_dropped);
	cJSON_AddNumberToObject(swap, "swap_ms", o->swap_ms);
	if (o->only_replaced) {
		cJSON_AddItemToObject(swap, "only_in_replaced", json_strings(o->only_replaced));
		cJSON_AddItemToObject(swap, "only_in_archive", json_strings(o->only_archive));
		cJSON_AddItemToObject(swap, "differs", json_strings(o->differs));
	}
	cJSON_AddItemToObject(j, "swap", swap);
	cJSON_AddItemToObject(j, "manifest", manifest_to_cjson(o->m));
	report_put_json(j, out);
}

static void list_text(const char *title, const struct strlist *l, FILE *out)
{
	if (!l || !l->n)
		return;
	fprintf(out, "%s:\n", title);
	for (size_t i = 0; i < l->n; i++)
		fprintf(out, "  %s\n", l->items[i]);
}

void report_write_restore(const struct restore_outcome *o, enum report_format fmt, FILE *out)
{
	if (fmt == FMT_JSON) {
		restore_json(o, out);
		return;
	}
	struct buf v = BUF_INIT;
	join(&v, o->versions, ", ", "(none)");
	fprintf(out, "restored  %s into database '%s'\n", o->archive, o->target_db ? o->target_db : o->m->database);
	fprintf(out, "revision  %s%s\n", v.data, o->matches ? " (as in the archive)" : " (differs from the archive's)");
	if (o->replaced_db)
		fprintf(out, "swapped   in %.0f ms; the database that was '%s' %s '%s'\n", o->swap_ms, o->target_db,
		        o->replaced_dropped ? "was dropped (--drop-replaced); it was" : "is kept as", o->replaced_db);
	else if (!strcmp(o->method, "new"))
		fprintf(out, "created   database '%s' (it did not exist)\n", o->target_db);
	else
		fprintf(out,
		        "method    pg_restore --clean in place (--clean-restore): objects not in the archive stay\n");
	if (o->only_replaced && !o->only_replaced->n && !o->only_archive->n && !o->differs->n)
		fprintf(out, "schema    the replaced database had the archive's objects, no more, no less\n");
	list_text("only in the replaced database (not in the archive)", o->only_replaced, out);
	list_text("only in the archive (missing from the replaced database)", o->only_archive, out);
	list_text("defined differently in the replaced database", o->differs, out);
	buf_release(&v);
}

void status_info_init(struct status_info *s)
{
	memset(s, 0, sizeof(*s));
}

void status_info_release(struct status_info *s)
{
	free(s->database);
	free(s->server_version);
	strlist_release(&s->revisions);
	strlist_release(&s->heads);
	strlist_release(&s->pending);
	strlist_release(&s->notes);
	for (size_t i = 0; i < s->n_tables; i++) {
		free(s->tables[i].name);
		free(s->tables[i].touched_by);
	}
	free(s->tables);
	for (size_t i = 0; i < s->n_backups; i++) {
		free(s->backups[i].name);
		free(s->backups[i].state);
		free(s->backups[i].verification);
		free(s->backups[i].revision);
	}
	free(s->backups);
	status_info_init(s);
}

static char *age_text(double secs)
{
	struct buf b = BUF_INIT;
	if (secs < 120)
		buf_addf(&b, "%.0f s", secs);
	else if (secs < 7200)
		buf_addf(&b, "%.0f min", secs / 60);
	else if (secs < 2 * 86400)
		buf_addf(&b, "%.1f h", secs / 3600);
	else
		buf_addf(&b, "%.1f days", secs / 86400);
	return buf_detach(&b);
}

static bool is_head(const struct status_info *s, const char *rev)
{
	return strlist_has(&s->heads, rev);
}

static void status_text_revisions(const struct status_info *s, FILE *out)
{
	char *size = human_bytes(s->database_bytes);
	fprintf(out, "production  %s (PostgreSQL %s), %s\n", s->database, s->server_version, size);
	free(size);
	if (!s->version_table)
		fputs("revision    none: no alembic_version table (never migrated)\n", out);
	else if (!s->revisions.n)
		fputs("revision    none: alembic_version is empty\n", out);
	for (size_t i = 0; i < s->revisions.n; i++)
		fprintf(out, "revision    %s%s\n", s->revisions.items[i],
		        !s->heads.n                         ? ""
		        : is_head(s, s->revisions.items[i]) ? " (head)"
		                                            : " (not a head)");
	fprintf(out, "pending     %zu revision(s)\n", s->pending.n);
	for (size_t i = 0; i < s->pending.n; i++) {
		const char *tab = strchr(s->pending.items[i], '\t');
		fprintf(out, "  %.*s  %s\n", tab ? (int)(tab - s->pending.items[i]) : (int)strlen(s->pending.items[i]),
		        s->pending.items[i], tab && tab[1] ? tab + 1 : "");
	}
}

static void status_text(const struct status_info *s, bool color, FILE *out)
{
	const char *bold = color ? "\033[1m" : "", *reset = color ? "\033[0m" : "";
	fprintf(out, "%sstatus%s\n", bold, reset);
	status_text_revisions(s, out);
	if (s->n_tables)
		fputs("largest tables the pending revisions touch:\n", out);
	for (size_t i = 0; i < s->n_tables; i++) {
		char *size = human_bytes(s->tables[i].bytes);
		fprintf(out, "  %-30s %10s  ~%.0f rows  (%s)\n", s->tables[i].name, size, s->tables[i].rows,
		        s->tables[i].touched_by);
		free(size);
	}
	fprintf(out, "backups in %s: %zu\n", s->backup_dir, s->n_backups);
	for (size_t i = 0; i < s->n_backups; i++) {
		const struct status_backup *b = &s->backups[i];
		char *size = human_bytes((double)b->bytes), *age = age_text(b->age_seconds);
		fprintf(out, "  %s  %s ago, %s, %s%s, verification %s\n", b->name, age, size,
		        strcmp(b->state, "complete") ? "FAILED " : "", b->state, b->verification);
		free(size);
		free(age);
	}
	for (size_t i = 0; i < s->notes.n; i++)
		fprintf(out, "note: %s\n", s->notes.items[i]);
}

static cJSON *status_backups_json(const struct status_info *s)
{
	cJSON *a = cJSON_CreateArray();
	for (size_t i = 0; i < s->n_backups; i++) {
		const struct status_backup *b = &s->backups[i];
		cJSON *o = cJSON_CreateObject();
		cJSON_AddStringToObject(o, "name", b->name);
		cJSON_AddStringToObject(o, "state", b->state);
		cJSON_AddStringToObject(o, "verification", b->verification);
		cJSON_AddNumberToObject(o, "age_seconds", b->age_seconds);
		cJSON_AddNumberToObject(o, "bytes", (double)b->bytes);
		cJSON_AddStringToObject(o, "revision", b->revision);
		cJSON_AddItemToArray(a, o);
	}
	return a;
}

static cJSON *status_pending_json(const struct status_info *s)
{
	cJSON *a = cJSON_CreateArray();
	for (size_t i = 0; i < s->pending.n; i++) {
		const char *tab = strchr(s->pending.items[i], '\t');
		cJSON *o = cJSON_CreateObject();
		char *id = tab ? xstrndup(s->pending.items[i], (size_t)(tab - s->pending.items[i]))
		               : xstrdup(s->pending.items[i]);
		cJSON_AddStringToObject(o, "revision", id);
		json_add_str_or_null(o, "title", tab && tab[1] ? tab + 1 : NULL);
		cJSON_AddItemToArray(a, o);
		free(id);
	}
	return a;
}

static void status_json(const struct status_info *s, FILE *out)
{
	cJSON *o = cJSON_CreateObject(), *tables = cJSON_CreateArray(), *heads = cJSON_CreateArray();
	cJSON_AddStringToObject(o, "command", "status");
	json_add_str_or_null(o, "database", s->database);
	json_add_str_or_null(o, "server_version", s->server_version);
	cJSON_AddNumberToObject(o, "database_bytes", s->database_bytes);
	cJSON_AddBoolToObject(o, "version_table", s->version_table);
	cJSON_AddItemToObject(o, "revisions", json_strings(&s->revisions));
	for (size_t i = 0; i < s->revisions.n; i++)
		if (is_head(s, s->revisions.items[i]))
			cJSON_AddItemToArray(heads, cJSON_CreateString(s->revisions.items[i]));
	cJSON_AddItemToObject(o, "revisions_at_head", heads);
	cJSON_AddItemToObject(o, "heads", json_strings(&s->heads));
	cJSON_AddItemToObject(o, "pending", status_pending_json(s));
	for (size_t i = 0; i < s->n_tables; i++) {
		cJSON *t = cJSON_CreateObject();
		cJSON_AddStringToObject(t, "name", s->tables[i].name);
		cJSON_AddNumberToObject(t, "bytes", s->tables[i].bytes);
		cJSON_AddNumberToObject(t, "estimated_rows", s->tables[i].rows);
		cJSON_AddStringToObject(t, "touched_by", s->tables[i].touched_by);
		cJSON_AddItemToArray(tables, t);
	}
	cJSON_AddItemToObject(o, "tables_touched", tables);
	cJSON_AddStringToObject(o, "backup_dir", s->backup_dir);
	cJSON_AddItemToObject(o, "backups", status_backups_json(s));
	cJSON_AddItemToObject(o, "notes", json_strings(&s->notes));
	report_put_json(o, out);
}

void report_write_status(const struct status_info *s, enum report_format fmt, bool color, FILE *out)
{
	if (fmt == FMT_JSON)
		status_json(s, out);
	else
		status_text(s, color, out);
}

void status_fleet_release(struct status_fleet *f)
{
	for (size_t i = 0; i < f->n; i++) {
		free(f->items[i].name);
		strlist_release(&f->items[i].revisions);
		free(f->items[i].error);
	}
	free(f->items);
	strlist_release(&f->heads);
	memset(f, 0, sizeof(*f));
}

/* "0006 (head)", "0005, 1 pending", "no alembic_version", or the error. */
static void fleet_line(const struct status_target *t, struct buf *b)
{
	if (t->error) {
		buf_addf(b, "error: %s", t->error);
		return;
	}
	join(b, &t->revisions, ", ", "no alembic_version");
	if (t->pending)
		buf_addf(b, ", %zu pending", t->pending);
	else
		buf_adds(b, " (head)");
}

static void fleet_text(const struct status_fleet *f, bool color, FILE *out)
{
	const char *bold = color ? "\033[1m" : "", *reset = color ? "\033[0m" : "";
	struct buf heads = BUF_INIT;
	size_t width = 6, behind = 0, failed = 0;
	join(&heads, &f->heads, ", ", "none");
	for (size_t i = 0; i < f->n; i++) {
		width = strlen(f->items[i].name) > width ? strlen(f->items[i].name) : width;
		behind += !f->items[i].error && f->items[i].pending;
		failed += f->items[i].error != NULL;
	}
	fprintf(out, "%sfleet%s  %zu database(s) from %s; the project's head: %s\n", bold, reset, f->n, f->file,
	        heads.data);
	for (size_t i = 0; i < f->n; i++) {
		struct buf line = BUF_INIT;
		fleet_line(&f->items[i], &line);
		fprintf(out, "  %-*s  %s\n", (int)width, f->items[i].name, line.data);
		buf_release(&line);
	}
	fprintf(out, "%zu at head, %zu behind, %zu unreadable\n", f->n - behind - failed, behind, failed);
	buf_release(&heads);
}

static void fleet_json(const struct status_fleet *f, FILE *out)
{
	cJSON *o = cJSON_CreateObject(), *targets = cJSON_CreateArray();
	cJSON_AddStringToObject(o, "command", "status");
	cJSON_AddStringToObject(o, "targets_file", f->file);
	cJSON_AddItemToObject(o, "heads", json_strings(&f->heads));
	for (size_t i = 0; i < f->n; i++) {
		const struct status_target *t = &f->items[i];
		cJSON *j = cJSON_CreateObject();
		cJSON_AddStringToObject(j, "name", t->name);
		cJSON_AddItemToObject(j, "revisions", json_strings(&t->revisions));
		cJSON_AddNumberToObject(j, "pending", t->error ? 0 : (double)t->pending);
		cJSON_AddBoolToObject(j, "at_head", !t->error && !t->pending);
		json_add_str_or_null(j, "error", t->error);
		cJSON_AddItemToArray(targets, j);
	}
	cJSON_AddItemToObject(o, "targets", targets);
	report_put_json(o, out);
}

void report_write_fleet(const struct status_fleet *f, enum report_format fmt, bool color, FILE *out)
{
	if (fmt == FMT_JSON)
		fleet_json(f, out);
	else
		fleet_text(f, color, out);
}
