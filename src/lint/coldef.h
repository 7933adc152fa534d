/*
 * What a column definition (a ColumnDef body, from CREATE TABLE, ADD COLUMN
 * or ALTER COLUMN TYPE) means for the rows already in the table. Shared by
 * the context upkeep and the column and type rules.
 */
#ifndef GATE_LINT_COLDEF_H
#define GATE_LINT_COLDEF_H

#include <cjson/cJSON.h>
#include <stdbool.h>

/*
 * A TypeName body as text: the last name with its type modifiers and array
 * brackets, e.g. "varchar(20)", "numeric(10,2)", "int4[]"; a schema other
 * than pg_catalog is kept ("app.money"). Newly allocated.
 */
char *coldef_type_string(const cJSON *type_name);
/* The column's DEFAULT expression, or NULL when it has none or it is a NULL literal. */
const cJSON *coldef_default(const cJSON *coldef);
/* The column's first constraint body of the given contype (e.g. "CONSTR_IDENTITY"), or NULL. */
const cJSON *coldef_constraint(const cJSON *coldef, const char *contype);
/* The column is declared serial, bigserial or smallserial (or serial2/4/8). */
bool coldef_is_serial(const cJSON *coldef);
/*
 * Adding the column gives existing rows a value: a non-NULL DEFAULT, an
 * identity, a generation expression or a serial type.
 */
bool coldef_fills_rows(const cJSON *coldef);

#endif
