/*
 * Which relations a statement locks, and in which mode, following the
 * PostgreSQL documentation's table of lock levels per command.
 */
#include <stdlib.h>
#include <string.h>

#include "lint/internal.h"
#include "util/mem.h"

#include "util/banned.h"

struct lock_sink {
	const struct lint_ctx *ctx;
	struct lint_stmt *st;
	size_t alloc;
};

/* Takes ownership of key. */
static void add_lock_key(struct lock_sink *s, char *key, int location, enum lock_mode mode)
{
	for (size_t i = 0; i < s->st->n_locks; i++) {
		if (!strcmp(s->st->locks[i].rel, key)) {
			if (mode > s->st->locks[i].mode)
				s->st->locks[i].mode = mode;
			free(key);
			return;
		}
	}
	XGROW(s->st->locks, s->alloc, s->st->n_locks + 1);
	struct rel_lock *l = &s->st->locks[s->st->n_locks++];
	l->rel = key;
	l->mode = mode;
	l->is_new = lint_key_is_new(s->ctx, key);
	l->location = location;
}

static void add_lock(struct lock_sink *s, const cJSON *rangevar, enum lock_mode mode)
{
	if (rangevar)
		add_lock_key(s, node_relation_key(rangevar), node_location(rangevar), mode);
}

static const cJSON *fk_target(const cJSON *constraint)
{
	const cJSON *c = node_as(constraint, "Constraint");
	if (!node_str_is(c, "contype", "CONSTR_FOREIGN"))
		return NULL;
	return node_field(c, "pktable");
}

/* The lock one ALTER TABLE subcommand needs on its table. */
static enum lock_mode alter_cmd_lock(const cJSON *cmd, int pg_version)
{
	const char *sub = node_str(cmd, "subtype");
	const cJSON *def = node_as(node_field(cmd, "def"), "Constraint");
	if (!sub)
		return LOCK_ACCESS_EXCLUSIVE;
	if (!strcmp(sub, "AT_ValidateConstraint") || !strcmp(sub, "AT_SetStatistics") || !strcmp(sub, "AT_ClusterOn") ||
	    !strcmp(sub, "AT_DropCluster") || !strcmp(sub, "AT_SetOptions") || !strcmp(sub, "AT_ResetOptions"))
		return LOCK_SHARE_UPDATE_EXCLUSIVE;
	if (!strcmp(sub, "AT_AttachPartition") && pg_version >= 12)
		return LOCK_SHARE_UPDATE_EXCLUSIVE;
	if (!strcmp(sub, "AT_DetachPartition") &&
	    node_bool(node_as(node_field(cmd, "def"), "PartitionCmd"), "concurrent"))
		return LOCK_SHARE_UPDATE_EXCLUSIVE;
	if (!strcmp(sub, "AT_EnableTrig") || !strcmp(sub, "AT_DisableTrig") || !strcmp(sub, "AT_EnableTrigAll") ||
	    !strcmp(sub, "AT_DisableTrigAll") || !strcmp(sub, "AT_EnableTrigUser") ||
	    !strcmp(sub, "AT_DisableTrigUser"))
		return LOCK_SHARE_ROW_EXCLUSIVE;
	if (!strcmp(sub, "AT_AddConstraint") && node_str_is(def, "contype", "CONSTR_FOREIGN"))
		return LOCK_SHARE_ROW_EXCLUSIVE;
	return LOCK_ACCESS_EXCLUSIVE;
}

static void alter_table_locks(struct lock_sink *s, const cJSON *body)
{
	enum lock_mode mode = LOCK_NONE;
	const cJSON *cmd;
	cJSON_ArrayForEach(cmd, node_field(body, "cmds"))
	{
		const cJSON *c = node_as(cmd, "AlterTableCmd");
		enum lock_mode m = alter_cmd_lock(c, s->ctx->pg_version);
		if (m > mode)
			mode = m;
		const cJSON *pk = fk_target(node_field(c, "def"));
		if (pk)
			add_lock(s, pk, LOCK_SHARE_ROW_EXCLUSIVE);
	}
	add_lock(s, node_field(body, "relation"), mode ? mode : LOCK_ACCESS_EXCLUSIVE);
}

static void create_table_locks(struct lock_sink *s, const cJSON *body)
{
	const cJSON *elt, *con;
	cJSON_ArrayForEach(elt, node_field(body, "tableElts"))
	{
		const cJSON *pk = fk_target(elt);
		if (pk)
			add_lock(s, pk, LOCK_SHARE_ROW_EXCLUSIVE);
		cJSON_ArrayForEach(con, node_field(node_as(elt, "ColumnDef"), "constraints"))
		{
			pk = fk_target(con);
			if (pk)
				add_lock(s, pk, LOCK_SHARE_ROW_EXCLUSIVE);
		}
	}
	const cJSON *parent;
	cJSON_ArrayForEach(parent, node_field(body, "inhRelations"))
	    add_lock(s, node_as(parent, "RangeVar"), LOCK_SHARE_UPDATE_EXCLUSIVE);
}

static void drop_locks(struct lock_sink *s, const cJSON *body)
{
	const char *kind = node_str(body, "removeType");
	if (!kind || (strcmp(kind, "OBJECT_TABLE") && strcmp(kind, "OBJECT_INDEX") && strcmp(kind, "OBJECT_VIEW") &&
	              strcmp(kind, "OBJECT_MATVIEW") && strcmp(kind, "OBJECT_SEQUENCE")))
		return;
	enum lock_mode mode = node_bool(body, "concurrent") ? LOCK_SHARE_UPDATE_EXCLUSIVE : LOCK_ACCESS_EXCLUSIVE;
	const cJSON *obj;
	cJSON_ArrayForEach(obj, node_field(body, "objects"))
	{
		const cJSON *names = node_field(node_as(obj, "List"), "items");
		if (names && names->child)
			add_lock_key(s, node_names_relation_key(names), -1, mode);
	}
}

static void list_locks(struct lock_sink *s, const cJSON *list, const char *wrapper, enum lock_mode mode)
{
	const cJSON *n;
	cJSON_ArrayForEach(n, list) add_lock(s, wrapper ? node_as(n, wrapper) : n, mode);
}

/* LOCK TABLE's mode is PostgreSQL's LOCKMODE number, which enum lock_mode mirrors. */
static enum lock_mode lock_stmt_mode(const cJSON *body)
{
	int m = node_int(body, "mode", LOCK_ACCESS_EXCLUSIVE);
	return m >= LOCK_ACCESS_SHARE && m <= LOCK_ACCESS_EXCLUSIVE ? (enum lock_mode)m : LOCK_ACCESS_EXCLUSIVE;
}

static void vacuum_locks(struct lock_sink *s, const cJSON *body)
{
	bool full = node_option_on(node_field(body, "options"), "full");
	const cJSON *rel;
	cJSON_ArrayForEach(rel, node_field(body, "rels"))
	    add_lock(s, node_field(node_as(rel, "VacuumRelation"), "relation"),
	             full ? LOCK_ACCESS_EXCLUSIVE : LOCK_SHARE_UPDATE_EXCLUSIVE);
}

static void dispatch(struct lock_sink *s, const char *type, const cJSON *b)
{
	if (!strcmp(type, "AlterTableStmt"))
		alter_table_locks(s, b);
	else if (!strcmp(type, "IndexStmt"))
		add_lock(s, node_field(b, "relation"),
		         node_bool(b, "concurrent") ? LOCK_SHARE_UPDATE_EXCLUSIVE : LOCK_SHARE);
	else if (!strcmp(type, "CreateStmt"))
		create_table_locks(s, b);
	else if (!strcmp(type, "DropStmt"))
		drop_locks(s, b);
	else if (!strcmp(type, "RenameStmt"))
		add_lock(s, node_field(b, "relation"), LOCK_ACCESS_EXCLUSIVE);
	else if (!strcmp(type, "TruncateStmt"))
		list_locks(s, node_field(b, "relations"), "RangeVar", LOCK_ACCESS_EXCLUSIVE);
	else if (!strcmp(type, "ClusterStmt"))
		add_lock(s, node_field(b, "relation"), LOCK_ACCESS_EXCLUSIVE);
	else if (!strcmp(type, "VacuumStmt"))
		vacuum_locks(s, b);
	else if (!strcmp(type, "ReindexStmt"))
		add_lock(s, node_field(b, "relation"),
		         node_option_on(node_field(b, "params"), "concurrently") ? LOCK_SHARE_UPDATE_EXCLUSIVE
		                                                                 : LOCK_SHARE);
	else if (!strcmp(type, "CreateTrigStmt"))
		add_lock(s, node_field(b, "relation"), LOCK_SHARE_ROW_EXCLUSIVE);
	else if (!strcmp(type, "RefreshMatViewStmt"))
		add_lock(s, node_field(b, "relation"),
		         node_bool(b, "concurrent") ? LOCK_EXCLUSIVE : LOCK_ACCESS_EXCLUSIVE);
	else if (!strcmp(type, "UpdateStmt") || !strcmp(type, "DeleteStmt") || !strcmp(type, "InsertStmt"))
		add_lock(s, node_field(b, "relation"), LOCK_ROW_EXCLUSIVE);
	else if (!strcmp(type, "LockStmt"))
		list_locks(s, node_field(b, "relations"), "RangeVar", lock_stmt_mode(b));
}

void lint_locks_compute(const struct lint_ctx *ctx, struct lint_stmt *st)
{
	struct lock_sink s = {ctx, st, 0};
	st->locks = NULL;
	st->n_locks = 0;
	dispatch(&s, st->type, st->body);
}

void lint_locks_release(struct lint_stmt *st)
{
	for (size_t i = 0; i < st->n_locks; i++)
		free(st->locks[i].rel);
	free(st->locks);
	st->locks = NULL;
	st->n_locks = 0;
}

const char *lock_mode_name(enum lock_mode m)
{
	static const char *const names[] = {
	    "NONE",  "ACCESS SHARE",        "ROW SHARE", "ROW EXCLUSIVE",   "SHARE UPDATE EXCLUSIVE",
	    "SHARE", "SHARE ROW EXCLUSIVE", "EXCLUSIVE", "ACCESS EXCLUSIVE"};
	return (unsigned)m <= LOCK_ACCESS_EXCLUSIVE ? names[m] : "?";
}

enum lock_mode lint_strongest_existing_lock(const struct lint_stmt *st, const struct rel_lock **which)
{
	enum lock_mode best = LOCK_NONE;
	*which = NULL;
	for (size_t i = 0; i < st->n_locks; i++) {
		if (!st->locks[i].is_new && st->locks[i].mode > best) {
			best = st->locks[i].mode;
			*which = &st->locks[i];
		}
	}
	return best;
}
