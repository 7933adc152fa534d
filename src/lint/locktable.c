/*
 * The lock table (see locktable.h). Sources: PostgreSQL 15 documentation,
 * "Explicit Locking" (table 13.2) and the reference page of each command;
 * for ALTER TABLE, the lock level listed with each subcommand. Rows say
 * "none" for statements that lock no table, index, view or sequence (they
 * may lock other objects: a database, a role, a type's catalog row).
 */
#include <string.h>

#include "lint/lint.h"
#include "lint/locktable.h"
#include "util/buf.h"

#include "util/banned.h"

#define NO LOCK_NONE
#define AS LOCK_ACCESS_SHARE
#define RS LOCK_ROW_SHARE
#define RE LOCK_ROW_EXCLUSIVE
#define SUE LOCK_SHARE_UPDATE_EXCLUSIVE
#define SH LOCK_SHARE
#define SRE LOCK_SHARE_ROW_EXCLUSIVE
#define EX LOCK_EXCLUSIVE
#define AE LOCK_ACCESS_EXCLUSIVE

/* A row with no option. */
#define R(name, mode, work, others, judged)                                                                            \
	{                                                                                                              \
		name, mode, NULL, NO, work, others, judged                                                             \
	}
/* A row whose lock depends on an option. */
#define O(name, mode, option, alt, work, others, judged)                                                               \
	{                                                                                                              \
		name, mode, option, alt, work, others, judged                                                          \
	}
/* A node that locks no relation. */
#define N(name)                                                                                                        \
	{                                                                                                              \
		name, NO, NULL, NO, WORK_NONE, NULL, NULL                                                              \
	}
/* A node that is never a statement of its own. */
#define I(name, mode)                                                                                                  \
	{                                                                                                              \
		name, mode, NULL, NO, WORK_INTERNAL, NULL, NULL                                                        \
	}

static const struct lock_row statements[] = {
    /* Queries and data changes. */
    O("SelectStmt", AS, "FOR UPDATE/SHARE", RS, WORK_SCAN, NULL, NULL),
    R("InsertStmt", RE, WORK_SCAN, "ACCESS SHARE on tables it reads", "unbatched-dml-with-ddl"),
    R("UpdateStmt", RE, WORK_SCAN, "ACCESS SHARE on tables it reads; row locks on the rows it changes",
      "unbatched-dml-with-ddl"),
    R("DeleteStmt", RE, WORK_SCAN, "ACCESS SHARE on tables it reads; row locks on the rows it deletes",
      "unbatched-dml-with-ddl"),
    R("MergeStmt", RE, WORK_SCAN, "ACCESS SHARE on the source", NULL),
    O("CopyStmt", AS, "FROM", RE, WORK_SCAN, NULL, NULL),
    R("ExplainStmt", AS, WORK_NONE, "with ANALYZE, the locks of the statement it runs", NULL),
    R("DeclareCursorStmt", AS, WORK_NONE, "the locks of its query", NULL),
    N("FetchStmt"),
    N("ClosePortalStmt"),
    N("PrepareStmt"),
    R("ExecuteStmt", NO, WORK_NONE, "the locks of the prepared statement", NULL),
    N("DeallocateStmt"),
    R("CallStmt", NO, WORK_NONE, "the locks of the procedure's statements, which the linter cannot see", NULL),
    R("DoStmt", NO, WORK_NONE, "the locks of the block's statements (linted one by one)", NULL),
    O("LockStmt", AE, "IN ... MODE", AS, WORK_HOLD, NULL, NULL),
    /* Tables, indexes, views, sequences. */
    R("CreateStmt", NO, WORK_CATALOG,
      "SHARE ROW EXCLUSIVE on tables its foreign keys reference; SHARE UPDATE EXCLUSIVE on INHERITS parents; "
      "ACCESS EXCLUSIVE on the PARTITION OF parent (and a scan of its default partition)",
      NULL),
    R("CreateTableAsStmt", NO, WORK_SCAN, "ACCESS SHARE on the tables its query reads", NULL),
    R("CreateForeignTableStmt", NO, WORK_CATALOG, "as CreateStmt for a PARTITION OF parent", NULL),
    N("ImportForeignSchemaStmt"),
    O("IndexStmt", SH, "CONCURRENTLY", SUE, WORK_SCAN, "SHARE on every partition of a partitioned table",
      "create-index-non-concurrent"),
    O("ReindexStmt", SH, "CONCURRENTLY", SUE, WORK_SCAN, "ACCESS EXCLUSIVE on the indexes it rebuilds",
      "reindex-non-concurrent"),
    R("AlterTableStmt", AE, WORK_CATALOG, "the strongest of its subcommands (rows AT_*)", NULL),
    R("AlterTableMoveAllStmt", AE, WORK_REWRITE, "every table, index or materialized view it moves", NULL),
    R("AlterObjectSchemaStmt", AE, WORK_CATALOG, "for a table, index, view or sequence; none for other objects", NULL),
    R("AlterObjectDependsStmt", AE, WORK_CATALOG, "for an index or materialized view", NULL),
    O("RenameStmt", AE, "an index", SUE, WORK_CATALOG,
      "ACCESS EXCLUSIVE on the table of a renamed column, constraint, trigger, rule or policy",
      "rename-table, rename-column"),
    O("DropStmt", AE, "DROP INDEX CONCURRENTLY", SUE, WORK_CATALOG,
      "ACCESS EXCLUSIVE on the table of a dropped index, trigger, rule or policy; SHARE UPDATE EXCLUSIVE on the "
      "table of dropped statistics; none for other objects",
      "drop-table, drop-index-non-concurrent"),
    R("TruncateStmt", AE, WORK_CATALOG, "ACCESS EXCLUSIVE on tables it cascades to", "cascade"),
    R("ClusterStmt", AE, WORK_REWRITE, NULL, "cluster"),
    O("VacuumStmt", SUE, "FULL", AE, WORK_SCAN, "ANALYZE alone: SHARE UPDATE EXCLUSIVE", "vacuum-full"),
    O("RefreshMatViewStmt", AE, "CONCURRENTLY", EX, WORK_SCAN, "ACCESS SHARE on the tables its query reads", NULL),
    R("ViewStmt", NO, WORK_CATALOG,
      "ACCESS EXCLUSIVE on the view it replaces (OR REPLACE); ACCESS SHARE on "
      "the relations it reads",
      NULL),
    N("CreateSeqStmt"),
    R("AlterSeqStmt", SRE, WORK_CATALOG, NULL, NULL),
    R("CreateTrigStmt", SRE, WORK_CATALOG, NULL, "create-trigger-existing-table"),
    R("RuleStmt", AE, WORK_CATALOG, NULL, NULL),
    R("CreatePolicyStmt", AE, WORK_CATALOG, NULL, NULL),
    R("AlterPolicyStmt", AE, WORK_CATALOG, NULL, NULL),
    R("CreateStatsStmt", SUE, WORK_CATALOG, NULL, NULL),
    R("AlterStatsStmt", NO, WORK_CATALOG, "SHARE UPDATE EXCLUSIVE on the statistics object", NULL),
    R("CommentStmt", SUE, WORK_CATALOG, "for a table, column, index, view or sequence", NULL),
    R("SecLabelStmt", SUE, WORK_CATALOG, "for a table, column, index, view or sequence", NULL),
    R("ReplicaIdentityStmt", AE, WORK_CATALOG, "only inside ALTER TABLE (AT_ReplicaIdentity)", NULL),
    R("CreatePublicationStmt", SUE, WORK_CATALOG, "on the tables it lists", NULL),
    R("AlterPublicationStmt", SUE, WORK_CATALOG, "on the tables it adds, sets or drops", NULL),
    R("DropOwnedStmt", AE, WORK_CATALOG, "on every relation it drops", NULL),
    R("ReassignOwnedStmt", AE, WORK_CATALOG, "on every relation whose owner changes", NULL),
    /* Types and domains: they lock the tables that use them only when they check or rewrite columns. */
    R("AlterDomainStmt", NO, WORK_CATALOG,
      "SHARE on every table with a column of the domain for ADD CONSTRAINT, VALIDATE CONSTRAINT and SET NOT NULL "
      "(each scans them)",
      "domain-constraint"),
    R("AlterEnumStmt", NO, WORK_CATALOG, NULL, "enum-value-in-transaction"),
    N("AlterTypeStmt"),
    N("CreateDomainStmt"),
    N("CreateEnumStmt"),
    N("CreateRangeStmt"),
    N("CompositeTypeStmt"),
    N("DefineStmt"),
    /* Functions, extensions, languages, casts, operators, text search, access methods. */
    N("CreateFunctionStmt"),
    N("AlterFunctionStmt"),
    R("CreateExtensionStmt", NO, WORK_CATALOG, "the locks of the extension's script, which the linter cannot see",
      NULL),
    R("AlterExtensionStmt", NO, WORK_CATALOG, "UPDATE: the locks of the update script", NULL),
    N("AlterExtensionContentsStmt"),
    N("CreatePLangStmt"),
    N("CreateCastStmt"),
    N("CreateConversionStmt"),
    N("CreateOpClassStmt"),
    N("CreateOpFamilyStmt"),
    N("AlterOpFamilyStmt"),
    N("AlterOperatorStmt"),
    N("CreateTransformStmt"),
    N("CreateAmStmt"),
    N("AlterCollationStmt"),
    N("AlterTSDictionaryStmt"),
    N("AlterTSConfigurationStmt"),
    N("CreateEventTrigStmt"),
    N("AlterEventTrigStmt"),
    /* Schemas, roles, privileges, ownership. */
    R("CreateSchemaStmt", NO, WORK_CATALOG, "the locks of the statements it contains", NULL),
    N("GrantStmt"),
    N("GrantRoleStmt"),
    N("AlterDefaultPrivilegesStmt"),
    N("AlterOwnerStmt"),
    N("CreateRoleStmt"),
    N("AlterRoleStmt"),
    N("AlterRoleSetStmt"),
    N("DropRoleStmt"),
    /* Foreign data, replication. */
    N("CreateFdwStmt"),
    N("AlterFdwStmt"),
    N("CreateForeignServerStmt"),
    N("AlterForeignServerStmt"),
    N("CreateUserMappingStmt"),
    N("AlterUserMappingStmt"),
    N("DropUserMappingStmt"),
    N("CreateSubscriptionStmt"),
    N("AlterSubscriptionStmt"),
    N("DropSubscriptionStmt"),
    /* Databases, tablespaces, the server. */
    N("CreatedbStmt"),
    N("DropdbStmt"),
    N("AlterDatabaseStmt"),
    N("AlterDatabaseSetStmt"),
    N("AlterDatabaseRefreshCollStmt"),
    N("CreateTableSpaceStmt"),
    N("DropTableSpaceStmt"),
    N("AlterTableSpaceOptionsStmt"),
    N("AlterSystemStmt"),
    N("CheckPointStmt"),
    N("LoadStmt"),
    /* Session and transaction control. */
    N("TransactionStmt"),
    N("VariableSetStmt"),
    N("VariableShowStmt"),
    N("DiscardStmt"),
    N("ConstraintsSetStmt"),
    N("ListenStmt"),
    N("UnlistenStmt"),
    N("NotifyStmt"),
    /* Nodes that are parts of other statements. */
    I("RawStmt", NO),
    I("SetOperationStmt", NO),
    I("ReturnStmt", NO),
    I("PLAssignStmt", NO),
};

static const struct lock_row subcommands[] = {
    R("AT_AddColumn", AE, WORK_CATALOG, NULL, "add-column-rewrite"),
    R("AT_ColumnDefault", AE, WORK_CATALOG, NULL, NULL),
    R("AT_DropNotNull", AE, WORK_CATALOG, NULL, "drop-not-null"),
    R("AT_SetNotNull", AE, WORK_SCAN, NULL, "set-not-null"),
    R("AT_DropExpression", AE, WORK_CATALOG, NULL, NULL),
    R("AT_SetStatistics", SUE, WORK_CATALOG, NULL, NULL),
    R("AT_SetOptions", SUE, WORK_CATALOG, NULL, NULL),
    R("AT_ResetOptions", SUE, WORK_CATALOG, NULL, NULL),
    R("AT_SetStorage", AE, WORK_CATALOG, NULL, NULL),
    R("AT_SetCompression", AE, WORK_CATALOG, NULL, NULL),
    R("AT_DropColumn", AE, WORK_CATALOG, NULL, "drop-column"),
    O("AT_AddConstraint", AE, "FOREIGN KEY", SRE, WORK_SCAN,
      "SHARE ROW EXCLUSIVE on the referenced table; NOT VALID skips the scan", "check-not-valid"),
    R("AT_AlterConstraint", AE, WORK_CATALOG, NULL, NULL),
    R("AT_ValidateConstraint", SUE, WORK_SCAN, "ROW SHARE on the referenced table of a foreign key",
      "validate-in-same-transaction"),
    R("AT_AddIndexConstraint", AE, WORK_CATALOG, "USING INDEX: no build", "primary-key-not-using-index"),
    R("AT_DropConstraint", AE, WORK_CATALOG, "ACCESS EXCLUSIVE on the referenced table of a foreign key",
      "drop-constraint"),
    R("AT_AlterColumnType", AE, WORK_REWRITE, "none when the new type is binary coercible", "alter-column-type"),
    R("AT_AlterColumnGenericOptions", AE, WORK_CATALOG, NULL, NULL),
    R("AT_ChangeOwner", AE, WORK_CATALOG, NULL, NULL),
    R("AT_ClusterOn", SUE, WORK_CATALOG, NULL, NULL),
    R("AT_DropCluster", SUE, WORK_CATALOG, NULL, NULL),
    R("AT_SetLogged", AE, WORK_REWRITE, NULL, "set-logged-unlogged"),
    R("AT_SetUnLogged", AE, WORK_REWRITE, NULL, "set-logged-unlogged"),
    R("AT_DropOids", AE, WORK_CATALOG, "a no-op since PostgreSQL 12", NULL),
    R("AT_SetAccessMethod", AE, WORK_REWRITE, NULL, "set-access-method"),
    R("AT_SetTableSpace", AE, WORK_REWRITE, "copies the relation's files", NULL),
    O("AT_SetRelOptions", AE, "storage parameters only (fillfactor, autovacuum_*, toast.*, ...)", SUE, WORK_CATALOG,
      NULL, NULL),
    O("AT_ResetRelOptions", AE, "storage parameters only", SUE, WORK_CATALOG, NULL, NULL),
    R("AT_EnableTrig", SRE, WORK_CATALOG, NULL, NULL),
    R("AT_EnableAlwaysTrig", SRE, WORK_CATALOG, NULL, NULL),
    R("AT_EnableReplicaTrig", SRE, WORK_CATALOG, NULL, NULL),
    R("AT_DisableTrig", SRE, WORK_CATALOG, NULL, NULL),
    R("AT_EnableTrigAll", SRE, WORK_CATALOG, NULL, NULL),
    R("AT_DisableTrigAll", SRE, WORK_CATALOG, NULL, NULL),
    R("AT_EnableTrigUser", SRE, WORK_CATALOG, NULL, NULL),
    R("AT_DisableTrigUser", SRE, WORK_CATALOG, NULL, NULL),
    R("AT_EnableRule", AE, WORK_CATALOG, NULL, NULL),
    R("AT_EnableAlwaysRule", AE, WORK_CATALOG, NULL, NULL),
    R("AT_EnableReplicaRule", AE, WORK_CATALOG, NULL, NULL),
    R("AT_DisableRule", AE, WORK_CATALOG, NULL, NULL),
    R("AT_AddInherit", AE, WORK_CATALOG, "SHARE UPDATE EXCLUSIVE on the parent", NULL),
    R("AT_DropInherit", AE, WORK_CATALOG, "SHARE UPDATE EXCLUSIVE on the parent", NULL),
    R("AT_AddOf", AE, WORK_CATALOG, NULL, NULL),
    R("AT_DropOf", AE, WORK_CATALOG, NULL, NULL),
    R("AT_ReplicaIdentity", AE, WORK_CATALOG, NULL, NULL),
    R("AT_EnableRowSecurity", AE, WORK_CATALOG, NULL, NULL),
    R("AT_DisableRowSecurity", AE, WORK_CATALOG, NULL, NULL),
    R("AT_ForceRowSecurity", AE, WORK_CATALOG, NULL, NULL),
    R("AT_NoForceRowSecurity", AE, WORK_CATALOG, NULL, NULL),
    R("AT_GenericOptions", AE, WORK_CATALOG, NULL, NULL),
    R("AT_AttachPartition", SUE, WORK_SCAN,
      "ACCESS EXCLUSIVE on the partition, scanned unless a valid CHECK constraint implies its bound; ACCESS "
      "EXCLUSIVE on the default partition, scanned",
      NULL),
    O("AT_DetachPartition", AE, "CONCURRENTLY", SUE, WORK_CATALOG, "the same lock on the partition",
      "detach-partition-non-concurrent"),
    R("AT_DetachPartitionFinalize", SUE, WORK_CATALOG, NULL, NULL),
    R("AT_AddIdentity", AE, WORK_CATALOG, NULL, NULL),
    R("AT_SetIdentity", AE, WORK_CATALOG, NULL, NULL),
    R("AT_DropIdentity", AE, WORK_CATALOG, NULL, NULL),
    /* Produced inside PostgreSQL from the forms above, never by the parser. */
    I("AT_AddColumnRecurse", AE),
    I("AT_AddColumnToView", AE),
    I("AT_CookedColumnDefault", AE),
    I("AT_CheckNotNull", AS),
    I("AT_DropColumnRecurse", AE),
    I("AT_AddIndex", AE),
    I("AT_ReAddIndex", AE),
    I("AT_AddConstraintRecurse", AE),
    I("AT_ReAddConstraint", AE),
    I("AT_ReAddDomainConstraint", AE),
    I("AT_ValidateConstraintRecurse", SUE),
    I("AT_DropConstraintRecurse", AE),
    I("AT_ReAddComment", AE),
    I("AT_ReplaceRelOptions", AE),
    I("AT_ReAddStatistics", AE),
};

const struct lock_row *lock_table_statements(size_t *n)
{
	*n = sizeof(statements) / sizeof(statements[0]);
	return statements;
}

const struct lock_row *lock_table_subcommands(size_t *n)
{
	*n = sizeof(subcommands) / sizeof(subcommands[0]);
	return subcommands;
}

const struct lock_row *lock_table_find(const char *name)
{
	size_t n;
	const struct lock_row *rows = strncmp(name, "AT_", 3) ? lock_table_statements(&n) : lock_table_subcommands(&n);
	for (size_t i = 0; i < n; i++)
		if (rows[i].name[0] == name[0] && !strcmp(rows[i].name, name))
			return &rows[i];
	return NULL;
}

const char *lock_work_name(enum lock_work w)
{
	static const char *const names[] = {"none", "catalog", "scan", "rewrite", "held", "internal"};
	return (unsigned)w <= WORK_INTERNAL ? names[w] : "?";
}

static void row_text(struct buf *b, const struct lock_row *r)
{
	if (r->work == WORK_INTERNAL)
		buf_addf(b, "%s\t%s\t\t\tinternal\tnever produced by the parser\t\n", r->name,
		         r->mode ? lock_mode_name(r->mode) : "none");
	else
		buf_addf(b, "%s\t%s\t%s\t%s\t%s\t%s\t%s\n", r->name, r->mode ? lock_mode_name(r->mode) : "none",
		         r->option ? r->option : "", r->option ? lock_mode_name(r->alt_mode) : "",
		         lock_work_name(r->work), r->others ? r->others : "", r->judged_by ? r->judged_by : "");
}

char *lint_lock_table_text(void)
{
	struct buf b = BUF_INIT;
	size_t n;
	const struct lock_row *rows = lock_table_statements(&n);
	for (size_t i = 0; i < n; i++)
		row_text(&b, &rows[i]);
	rows = lock_table_subcommands(&n);
	for (size_t i = 0; i < n; i++)
		row_text(&b, &rows[i]);
	return buf_detach(&b);
}
