#include "cli/commands.h"

#define COMMON_OPTIONS                                                                                         \
	"  -f, --format FMT        text (default), json, sarif, gitlab, junit or github\n"                          \
	"  -o, --output FILE       write the report to FILE instead of stdout\n"                                   \
	"      --fail-on LEVEL     exit 1 on findings at or above error (default), warning, info; or never\n"     \
	"  -c, --config FILE       read [migrate_gate] from FILE (default: ./alembic.ini when present)\n"         \
	"      --color WHEN        auto (default), always or never; NO_COLOR also turns colour off\n"            \
	"  -q, --quiet             only errors on stderr\n"                                                     \
	"  -v, --verbose           more detail on stderr\n"                                                     \
	"  -h, --help              this text\n"

#define EXIT_CODES                                                                                             \
	"Exit status: 0 passed, 1 findings at or above --fail-on, 2 usage or input error,\n"                       \
	"3 environment error, 4 apply failed.\n"

const struct command_spec spec_lint = {
	"lint", "lint SQL files for operations that are unsafe on a live database",
	"usage: migrate-gate lint [options] PATH|- ...\n"
	"\n"
	"Lints .sql files, folders of them (recursively), or stdin ('-') with PostgreSQL's own\n"
	"parser (libpg_query). No database is needed.\n"
	"\n"
	"Options:\n"
	"      --pg-version N      target PostgreSQL major version (default 15)\n"
	"      --assume-in-transaction BOOL\n"
	"                          each file starts inside a transaction, as Alembic runs it (default true)\n"
	"      --no-assume-in-transaction\n"
	"      --enable RULES      switch on rules (comma list; 'all' for every rule)\n"
	"      --disable RULES     switch off rules (comma list)\n"
	"      --severity R=LEVEL  change a rule's level: error, warning, info or off (repeatable)\n"
	"      --list-rules        print every rule id with its default level, then exit\n" COMMON_OPTIONS
	"\n"
	"Suppress in SQL:  -- migrate-gate: ignore rule-a,rule-b -- reason   (line before or end of statement)\n"
	"                  -- migrate-gate: ignore-file [rule-a,...]\n"
	"Environment:      MIGRATE_GATE_FORMAT, MIGRATE_GATE_FAIL_ON, MIGRATE_GATE_PG_VERSION, ...;\n"
	"                  GITHUB_ACTIONS=true adds ::error annotations to stdout.\n"
	"\n" EXIT_CODES,
	OPT_LINT,
};

const char usage_main[] =
	"usage: migrate-gate [--version] [--help] COMMAND [options]\n"
	"\n"
	"A pre-deploy gate for Alembic migrations on PostgreSQL.\n"
	"\n"
	"Commands:\n"
	"  lint      lint SQL files for operations that are unsafe on a live database\n"
	"  help      show the help of a command: migrate-gate help lint\n"
	"\n" EXIT_CODES;
