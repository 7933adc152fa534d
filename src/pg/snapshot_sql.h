/*
 * The catalog query behind snapshot_take(), kept apart from the C that runs
 * it. One UNION ALL, so a snapshot is one round trip and one plan (prepared
 * once per connection): the replay takes four snapshots per revision.
 * Every part yields kind, identity and 8 fields, all text, then the name of
 * the relation the line belongs to (NO_OWNER below).
 */
#ifndef GATE_PG_SNAPSHOT_SQL_H
#define GATE_PG_SNAPSHOT_SQL_H

/* The layout follows the SQL, which the formatter cannot read. */
/* clang-format off */

/* Schema-qualified name, with public left out (identities read "t", not "public.t"). */
#define QN(nsp, name)                                                                                                  \
	"(CASE WHEN " nsp " = 'public' THEN quote_ident(" name ") ELSE quote_ident(" nsp ") || '.' || quote_ident(" name \
	") END)"

#define USER_NS(nsp) "(" nsp " NOT IN ('pg_catalog', 'information_schema') AND " nsp " !~ '^pg_(toast|temp_)')"

/* Objects that belong to an extension are the extension's business, not the migration's. */
#define NOT_EXT(catalog, oid)                                                                                          \
	"NOT EXISTS (SELECT 1 FROM pg_depend x WHERE x.classid = '" catalog "'::regclass AND x.objid = " oid           \
	" AND x.deptype = 'e')"

/* $1 is the name of Alembic's version table, left out with its columns and indexes. */
#define NOT_ALEMBIC(relname) "(" relname " <> $1)"

/*
 * The last column of every part: the name of the relation a line belongs to
 * (a column's, index's or trigger's table; an owned sequence's table), or
 * NULL for objects outside any relation. A scoped snapshot keeps the lines
 * whose relation has one of the names it is given.
 */
#define NO_OWNER "NULL::name"

/* The table whose column owns relation oid (a sequence: OWNED BY, serial, identity), or NULL. */
#define OWNING_TABLE(oid)                                                                                              \
	"(SELECT t.relname FROM pg_depend d JOIN pg_class t ON t.oid = d.refobjid WHERE d.classid = "                  \
	"'pg_class'::regclass AND d.objid = " oid " AND d.refclassid = 'pg_class'::regclass AND d.refobjsubid > 0 "    \
	"AND d.deptype IN ('a', 'i') LIMIT 1)"

/* An index's comment belongs to its table, an owned sequence's to the sequence's table. */
#define COMMENT_OWNER                                                                                                  \
	"CASE d.classoid WHEN 'pg_class'::regclass THEN (SELECT coalesce(it.relname, CASE WHEN r.relkind = 'S' THEN "  \
	OWNING_TABLE("r.oid") " END, r.relname) FROM pg_class r LEFT "                                               \
	"JOIN pg_index i ON i.indexrelid = r.oid LEFT JOIN pg_class it ON it.oid = i.indrelid WHERE r.oid = "          \
	"d.objoid) WHEN 'pg_constraint'::regclass THEN (SELECT r.relname FROM pg_constraint k JOIN pg_class r ON "      \
	"r.oid = k.conrelid WHERE k.oid = d.objoid) WHEN 'pg_trigger'::regclass THEN (SELECT r.relname FROM "          \
	"pg_trigger g JOIN pg_class r ON r.oid = g.tgrelid WHERE g.oid = d.objoid) WHEN 'pg_policy'::regclass THEN "   \
	"(SELECT r.relname FROM pg_policy p JOIN pg_class r ON r.oid = p.polrelid WHERE p.oid = d.objoid) WHEN "       \
	"'pg_rewrite'::regclass THEN (SELECT r.relname FROM pg_rewrite w JOIN pg_class r ON r.oid = w.ev_class WHERE " \
	"w.oid = d.objoid) END"

/* Privileges other than the owner's own, sorted: "PUBLIC EXECUTE, app SELECT". */
#define PRIVS(acl, owner)                                                                                              \
	"(SELECT string_agg(p, ', ' ORDER BY p) FROM (SELECT CASE WHEN a.grantee = 0 THEN 'PUBLIC' ELSE "             \
	"quote_ident(pg_get_userbyid(a.grantee)) END || ' ' || a.privilege_type || CASE WHEN a.is_grantable THEN "    \
	"' with grant option' ELSE '' END AS p FROM aclexplode(" acl ") a WHERE a.grantee <> " owner ") privs)"

/*
 * Built-in objects have OIDs below FirstNormalObjectId (16384): testing that
 * first skips most of the catalog before the costlier filters (3.7 -> 0.8 ms
 * on an empty database).
 */
#define USER_OID(oid) oid " >= 16384 AND "

#define USER_REL_FILTER                                                                                                \
	" WHERE " USER_OID("c.oid") USER_NS("n.nspname") " AND " NOT_EXT("pg_class", "c.oid") " AND " NOT_ALEMBIC("c.relname")

/* The user's relations as c (with their schema as n)... */
#define USER_REL " FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace" USER_REL_FILTER

/* ...and what belongs to one of them, joined through relid. */
#define OF_USER_REL(relid)                                                                                             \
	" JOIN pg_class c ON c.oid = " relid " JOIN pg_namespace n ON n.oid = c.relnamespace" USER_REL_FILTER

/* The CASE outside the subquery: most columns have their type's collation, and then the lookup is skipped. */
#define NONDEFAULT_COLLATION(coll, typcoll)                                                                            \
	"CASE WHEN " coll " <> " typcoll " THEN (SELECT " QN("cn.nspname", "co.collname") " FROM pg_collation co "    \
	"JOIN pg_namespace cn ON cn.oid = co.collnamespace WHERE co.oid = " coll ") END"

#define SNAPSHOT_SCHEMAS                                                                                               \
	"SELECT 'schema', quote_ident(n.nspname), NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, " NO_OWNER " FROM "   \
	"pg_namespace n " \
	"WHERE " USER_NS("n.nspname") " AND " NOT_EXT("pg_namespace", "n.oid")

#define SNAPSHOT_TABLES                                                                                                \
	"SELECT 'table', " QN("n.nspname", "c.relname") ", CASE c.relkind WHEN 'p' THEN 'partitioned table' WHEN "     \
	"'f' THEN 'foreign table' ELSE 'table' END, CASE c.relpersistence WHEN 'u' THEN 'unlogged' ELSE 'logged' END, " \
	"pg_get_partkeydef(c.oid), (SELECT string_agg(" QN("pn.nspname", "p.relname") ", ', ' ORDER BY i.inhseqno) "   \
	"FROM pg_inherits i JOIN pg_class p ON p.oid = i.inhparent JOIN pg_namespace pn ON pn.oid = p.relnamespace "   \
	"WHERE i.inhrelid = c.oid), pg_get_expr(c.relpartbound, c.oid), array_to_string(c.reloptions, ', '), CASE "    \
	"WHEN c.relforcerowsecurity THEN 'forced' WHEN c.relrowsecurity THEN 'enabled' END, CASE c.relreplident WHEN "  \
	"'n' THEN 'nothing' WHEN 'f' THEN 'full' WHEN 'i' THEN 'index' END, c.relname" USER_REL                                    \
	" AND c.relkind IN ('r', 'p', 'f')"

/* What ALTER COLUMN SET STATISTICS and SET STORAGE changed, or NULL. */
#define COLUMN_SETTINGS                                                                                                \
	"nullif(concat_ws(', ', CASE WHEN a.attstattarget >= 0 THEN 'statistics ' || a.attstattarget END, CASE WHEN "  \
	"a.attstorage <> t.typstorage THEN 'storage ' || CASE a.attstorage WHEN 'p' THEN 'plain' WHEN 'e' THEN "       \
	"'external' WHEN 'm' THEN 'main' ELSE 'extended' END END), '')"

#define SNAPSHOT_COLUMNS                                                                                               \
	"SELECT 'column', " QN("n.nspname", "c.relname") " || '.' || quote_ident(a.attname), format_type(a.atttypid, " \
	"a.atttypmod), CASE WHEN a.attnotnull THEN 'not null' ELSE 'null' END, CASE WHEN a.attgenerated = '' THEN "    \
	"pg_get_expr(d.adbin, d.adrelid) END, CASE a.attidentity WHEN 'a' THEN 'always' WHEN 'd' THEN 'by default' "   \
	"END, CASE WHEN a.attgenerated = 's' THEN pg_get_expr(d.adbin, d.adrelid) || ' stored' END, "                  \
	NONDEFAULT_COLLATION("a.attcollation", "t.typcollation") ", (row_number() OVER (PARTITION BY a.attrelid, c.relname "     \
	"ORDER BY a.attnum))::text, " COLUMN_SETTINGS ", c.relname"                                                  \
	" FROM pg_attribute a JOIN pg_type t ON t.oid = a.atttypid LEFT JOIN pg_attrdef d ON d.adrelid = a.attrelid "  \
	"AND d.adnum = a.attnum" OF_USER_REL("a.attrelid") " AND a.attnum > 0 AND NOT a.attisdropped AND c.relkind IN " \
							   "('r', 'p', 'f', 'c')"

#define SNAPSHOT_CONSTRAINTS                                                                                           \
	"SELECT 'constraint', " QN("n.nspname", "c.relname") " || '.' || quote_ident(k.conname), "                     \
	"pg_get_constraintdef(k.oid), NULL, NULL, NULL, NULL, NULL, NULL, NULL, c.relname FROM pg_constraint k" OF_USER_REL(     \
	    "k.conrelid")

/* Indexes that implement a constraint show as the constraint. Invalid ones show, unlike in pg_dump -s. */
#define SNAPSHOT_INDEXES                                                                                               \
	"SELECT 'index', " QN("n.nspname", "c.relname") " || '.' || quote_ident(ic.relname), "                         \
	"pg_get_indexdef(i.indexrelid), CASE WHEN i.indisvalid THEN 'valid' ELSE 'invalid' END, CASE WHEN "            \
	"i.indisclustered THEN 'clustered' END, NULL, NULL, NULL, NULL, NULL, c.relname FROM pg_index i JOIN pg_class "  \
	"ic ON "     \
	"ic.oid = i.indexrelid" OF_USER_REL("i.indrelid") " AND NOT EXISTS (SELECT 1 FROM pg_constraint k WHERE "       \
							  "k.conindid = i.indexrelid AND k.conrelid = i.indrelid AND "  \
							  "k.contype IN ('p', 'u', 'x'))"

/* The column a sequence belongs to (OWNED BY, serial, identity): t is its table, ta the column. */
#define SEQUENCE_OWNER_JOIN                                                                                            \
	"pg_depend d JOIN pg_class t ON t.oid = d.refobjid JOIN pg_namespace tn ON tn.oid = t.relnamespace JOIN "      \
	"pg_attribute ta ON ta.attrelid = t.oid AND ta.attnum = d.refobjsubid WHERE d.classid = 'pg_class'::regclass " \
	"AND d.objid = c.oid AND d.refclassid = 'pg_class'::regclass AND d.refobjsubid > 0 AND d.deptype IN ('a', "    \
	"'i') LIMIT 1"

#define SNAPSHOT_SEQUENCES                                                                                             \
	"SELECT 'sequence', " QN("n.nspname", "c.relname") ", format_type(s.seqtypid, NULL), s.seqstart::text, "       \
	"s.seqincrement::text, s.seqmin::text, s.seqmax::text, s.seqcache::text, CASE WHEN s.seqcycle THEN 'cycle' "   \
	"ELSE 'no cycle' END, (SELECT " QN("tn.nspname", "t.relname") " || '.' || quote_ident(ta.attname) FROM "       \
	SEQUENCE_OWNER_JOIN "), coalesce(" OWNING_TABLE("c.oid") ", c.relname) FROM pg_sequence "                      \
	"s" OF_USER_REL("s.seqrelid")

#define SNAPSHOT_VIEWS                                                                                                 \
	"SELECT CASE c.relkind WHEN 'm' THEN 'matview' ELSE 'view' END, " QN("n.nspname", "c.relname") ", "            \
	"pg_get_viewdef(c.oid), array_to_string(c.reloptions, ', '), NULL, NULL, NULL, NULL, NULL, NULL, c.relname" USER_REL     \
	" AND c.relkind IN ('v', 'm')"

#define SNAPSHOT_FUNCTIONS                                                                                             \
	"SELECT CASE p.prokind WHEN 'p' THEN 'procedure' WHEN 'a' THEN 'aggregate' ELSE 'function' END, " QN(         \
	    "n.nspname", "p.proname") " || '(' || pg_get_function_identity_arguments(p.oid) || ')', CASE WHEN "        \
				      "p.prokind = 'a' THEN (SELECT format('sfunc=%s stype=%s finalfunc=%s "           \
				      "combinefunc=%s initcond=%s', g.aggtransfn, format_type(g.aggtranstype, NULL), " \
				      "g.aggfinalfn, g.aggcombinefn, g.agginitval) FROM pg_aggregate g WHERE "         \
				      "g.aggfnoid = p.oid) ELSE pg_get_functiondef(p.oid) END, NULL, NULL, NULL, "     \
				      "NULL, NULL, NULL, NULL, " NO_OWNER " FROM pg_proc p JOIN pg_namespace n ON n.oid = "          \
				      "p.pronamespace WHERE " USER_OID("p.oid") USER_NS("n.nspname") " AND " NOT_EXT("pg_proc", "p.oid")

#define SNAPSHOT_TRIGGERS                                                                                              \
	"SELECT 'trigger', " QN("n.nspname", "c.relname") " || '.' || quote_ident(g.tgname), pg_get_triggerdef(g.oid), " \
	"CASE g.tgenabled WHEN 'O' THEN 'enabled' WHEN 'D' THEN 'disabled' WHEN 'R' THEN 'replica' ELSE 'always' "     \
	"END, NULL, NULL, NULL, NULL, NULL, NULL, c.relname FROM pg_trigger g" OF_USER_REL("g.tgrelid") " AND NOT g.tgisinternal"

#define USER_TYPE                                                                                                      \
	" FROM pg_type t JOIN pg_namespace n ON n.oid = t.typnamespace WHERE " USER_OID("t.oid") USER_NS("n.nspname") " AND " NOT_EXT(   \
	    "pg_type", "t.oid")

#define SNAPSHOT_ENUMS                                                                                                 \
	"SELECT 'enum', " QN("n.nspname", "t.typname") ", (SELECT string_agg(quote_literal(e.enumlabel), ', ' ORDER "  \
	"BY e.enumsortorder) FROM pg_enum e WHERE e.enumtypid = t.oid), NULL, NULL, NULL, NULL, NULL, NULL, "          \
	"NULL, " NO_OWNER USER_TYPE " AND t.typtype = 'e'"

#define SNAPSHOT_DOMAINS                                                                                               \
	"SELECT 'domain', " QN("n.nspname", "t.typname") ", "          \
	"format_type(t.typbasetype, t.typtypmod), CASE WHEN t.typnotnull THEN 'not null' ELSE 'null' END, "            \
	"t.typdefault, " NONDEFAULT_COLLATION("t.typcollation", "(SELECT b.typcollation FROM pg_type b WHERE b.oid = " \
					      "t.typbasetype)") ", (SELECT string_agg(quote_ident(k.conname) || ' ' || "  \
								"pg_get_constraintdef(k.oid), ', ' ORDER BY k.conname) " \
								"FROM pg_constraint k WHERE k.contypid = t.oid), NULL, " \
								"NULL, NULL, " NO_OWNER USER_TYPE                                   \
	" AND t.typtype = 'd'"

#define SNAPSHOT_OTHER_TYPES                                                                                           \
	"SELECT 'type', " QN("n.nspname", "t.typname") ", CASE t.typtype WHEN 'c' "     \
	"THEN 'composite' ELSE 'range of ' || (SELECT format_type(r.rngsubtype, NULL) FROM pg_range r WHERE "          \
	"r.rngtypid = t.oid) END, NULL, NULL, NULL, NULL, NULL, NULL, NULL, " NO_OWNER USER_TYPE                                  \
	" AND (t.typtype = 'r' OR (t.typtype = 'c' AND (SELECT relkind FROM pg_class WHERE oid = t.typrelid) = 'c'))"

#define SNAPSHOT_EXTENSIONS                                                                                            \
	"SELECT 'extension', quote_ident(e.extname), e.extversion, quote_ident(n.nspname), NULL, NULL, NULL, NULL, "   \
	"NULL, NULL, " NO_OWNER " FROM pg_extension e JOIN pg_namespace n ON n.oid = e.extnamespace"

/* Objects made by initdb have OIDs below 16384 (FirstNormalObjectId); their comments are not the project's. */
#define SNAPSHOT_COMMENTS                                                                                              \
	"SELECT 'comment', pg_describe_object(d.classoid, d.objoid, d.objsubid), d.description, NULL, NULL, NULL, "    \
	"NULL, NULL, NULL, NULL, " COMMENT_OWNER " FROM pg_description d WHERE d.objoid >= 16384 AND NOT EXISTS (SELECT 1 FROM "          \
	"pg_depend x WHERE x.classid = d.classoid AND x.objid = d.objoid AND x.deptype = 'e') AND NOT "                \
	"(d.classoid = 'pg_class'::regclass AND d.objoid IN (SELECT oid FROM pg_class WHERE relname = "                \
	"$1))"

/*
 * FENCE (OFFSET 0) keeps the privileges test from running on every catalog
 * row before the schema filter. A scoped snapshot leaves it out: there the
 * owner test must reach the scan, and it leaves few rows.
 */
#define FENCE " OFFSET 0"
#define GRANT_PART(what, acl, owner, rel, from, fence)                                                                \
	"SELECT 'grant', ident, privs, NULL, NULL, NULL, NULL, NULL, NULL, NULL, rel FROM (SELECT " what " AS ident, " \
	PRIVS(acl, owner) " AS privs, " rel " AS rel" from fence ") g WHERE privs IS NOT NULL"

#define GRANTS_RELATIONS_(fence)                                                                                       \
	GRANT_PART("CASE c.relkind WHEN 'S' THEN 'sequence ' ELSE 'table ' END || " QN("n.nspname", "c.relname"),      \
		   "coalesce(c.relacl, acldefault(CASE c.relkind WHEN 'S' THEN 's' ELSE 'r' END::\"char\", c.relowner))", \
		   "c.relowner", "CASE WHEN c.relkind = 'S' THEN coalesce(" OWNING_TABLE("c.oid") ", c.relname) ELSE "    \
		   "c.relname END", USER_REL " AND c.relkind IN ('r', 'p', 'f', 'v', 'm', 'S')", fence)

#define GRANTS_COLUMNS_(fence)                                                                                         \
	GRANT_PART("'column ' || " QN("n.nspname", "c.relname") " || '.' || quote_ident(a.attname)", "a.attacl",       \
		   "c.relowner", "c.relname",                                                                          \
		   " FROM pg_attribute a" OF_USER_REL("a.attrelid") " AND a.attacl IS NOT NULL AND a.attnum > 0", fence)

#define GRANTS_SCHEMAS                                                                                                 \
	GRANT_PART("'schema ' || quote_ident(n.nspname)", "coalesce(n.nspacl, acldefault('n', n.nspowner))",           \
		   "n.nspowner", NO_OWNER, " FROM pg_namespace n WHERE " USER_NS("n.nspname"), FENCE)

#define GRANTS_FUNCTIONS                                                                                               \
	GRANT_PART("'function ' || " QN("n.nspname", "p.proname") " || '(' || "                                        \
		   "pg_get_function_identity_arguments(p.oid) || ')'",                                                 \
		   "coalesce(p.proacl, acldefault('f', p.proowner))", "p.proowner", NO_OWNER,                                    \
		   " FROM pg_proc p JOIN pg_namespace n ON n.oid = p.pronamespace WHERE " USER_OID("p.oid") USER_NS(                     \
		       "n.nspname") " AND " NOT_EXT("pg_proc", "p.oid"), FENCE)

#define GRANTS_TYPES                                                                                                   \
	GRANT_PART("'type ' || " QN("n.nspname", "t.typname"), "coalesce(t.typacl, acldefault('T', t.typowner))",      \
		   "t.typowner", NO_OWNER, USER_TYPE " AND t.typtype IN ('e', 'd', 'r')", FENCE)

#define SNAPSHOT_POLICIES                                                                                              \
	"SELECT 'policy', " QN("p.schemaname", "p.tablename") " || '.' || quote_ident(p.policyname), p.cmd, "          \
	"p.permissive, array_to_string(p.roles, ', '), p.qual, p.with_check, NULL, NULL, NULL, p.tablename FROM "   \
	"pg_policies p"

/* pg_rules leaves out the _RETURN rules that make views. */
#define SNAPSHOT_RULES                                                                                                 \
	"SELECT 'rule', " QN("r.schemaname", "r.tablename") " || '.' || quote_ident(r.rulename), r.definition, NULL, " \
	"NULL, NULL, NULL, NULL, NULL, NULL, r.tablename FROM pg_rules r WHERE " USER_NS("r.schemaname") " AND r.tablename <> $1"

#define SNAPSHOT_STATISTICS                                                                                            \
	"SELECT 'statistics', " QN("n.nspname", "s.stxname") ", pg_get_statisticsobjdef(s.oid), NULL, NULL, NULL, "    \
	"NULL, NULL, NULL, NULL, (SELECT r.relname FROM pg_class r WHERE r.oid = s.stxrelid) FROM pg_statistic_ext s JOIN pg_namespace n ON n.oid = s.stxnamespace WHERE " USER_NS( \
	    "n.nspname")

#define SNAPSHOT_COLLATIONS                                                                                            \
	"SELECT 'collation', " QN("n.nspname", "c.collname") ", c.collprovider::text, c.collcollate, c.collctype, "    \
	"NULL, NULL, NULL, NULL, NULL, " NO_OWNER " FROM pg_collation c JOIN pg_namespace n ON n.oid = c.collnamespace WHERE "       \
	USER_NS("n.nspname") " AND " NOT_EXT("pg_collation", "c.oid")

/* The parts of the snapshot query, joined with UNION ALL at run time (C99 caps a literal at 4095 bytes). */
#define SNAPSHOT_PARTS                                                                                                 \
	SNAPSHOT_SCHEMAS, SNAPSHOT_TABLES, SNAPSHOT_COLUMNS, SNAPSHOT_CONSTRAINTS, SNAPSHOT_INDEXES,                    \
	    SNAPSHOT_SEQUENCES, SNAPSHOT_VIEWS, SNAPSHOT_FUNCTIONS, SNAPSHOT_TRIGGERS, SNAPSHOT_ENUMS,                 \
	    SNAPSHOT_DOMAINS, SNAPSHOT_OTHER_TYPES, SNAPSHOT_EXTENSIONS, SNAPSHOT_COMMENTS, GRANTS_RELATIONS_(FENCE),  \
	    GRANTS_COLUMNS_(FENCE), GRANTS_SCHEMAS, GRANTS_FUNCTIONS, GRANTS_TYPES, SNAPSHOT_POLICIES, SNAPSHOT_RULES,         \
	    SNAPSHOT_STATISTICS, SNAPSHOT_COLLATIONS

/*
 * A scoped snapshot: the lines of the relations named in $2, from the parts
 * whose lines have an owner. The planner pushes the owner test into each
 * part, so only those relations are read and described (the columns'
 * row_number() partitions by c.relname too, or the test would wait for every
 * table's columns to be numbered).
 */
#define SCOPED_PARTS                                                                                                   \
	SNAPSHOT_TABLES, SNAPSHOT_COLUMNS, SNAPSHOT_CONSTRAINTS, SNAPSHOT_INDEXES, SNAPSHOT_SEQUENCES, SNAPSHOT_VIEWS,  \
	    SNAPSHOT_TRIGGERS, SNAPSHOT_COMMENTS, GRANTS_RELATIONS_(""), GRANTS_COLUMNS_(""), SNAPSHOT_POLICIES,        \
	    SNAPSHOT_RULES, SNAPSHOT_STATISTICS
#define SCOPED_HEAD "SELECT * FROM ("
#define SCOPED_TAIL ") s(kind, ident, f1, f2, f3, f4, f5, f6, f7, f8, owner) WHERE owner = ANY($2::name[])"

#define RELFILENODES_SQL                                                                                               \
	"SELECT CASE WHEN c.relkind = 'i' THEN 'index' ELSE 'table' END, CASE WHEN c.relkind = 'i' THEN " QN(          \
	    "n.nspname", "t.relname") " || '.' || quote_ident(c.relname) ELSE " QN("n.nspname", "c.relname")          \
	" END, pg_relation_filenode(c.oid)::text FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace LEFT "  \
	"JOIN pg_index i ON i.indexrelid = c.oid LEFT JOIN pg_class t ON t.oid = i.indrelid WHERE c.relkind IN ('r', " \
	"'m', 'i') AND " USER_NS("n.nspname") " AND " NOT_EXT("pg_class", "c.oid") " AND " NOT_ALEMBIC(               \
	    "coalesce(t.relname, c.relname)")

/* clang-format on */

#endif
