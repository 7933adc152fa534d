#include "cli/commands.h"

#include "util/banned.h"

#define COMMON_OPTIONS                                                                                                 \
	"  -f, --format FMT        text (default), json, sarif, gitlab, junit, github or markdown\n"                   \
	"  -o, --output FILE       write the report to FILE instead of stdout\n"                                       \
	"      --report-json FILE  also write the JSON report to FILE (each of these five can be combined)\n"          \
	"      --sarif FILE        also write SARIF 2.1.0 (GitHub code scanning) to FILE\n"                            \
	"      --codequality FILE  also write GitLab Code Quality JSON to FILE\n"                                      \
	"      --junit FILE        also write JUnit XML (one testcase per revision or file) to FILE\n"                 \
	"      --summary-md FILE   also write the Markdown summary (GitHub step summary, PR comment) to FILE\n"        \
	"      --fail-on LEVEL     exit 1 on findings at or above error (default), warning, info; or never\n"          \
	"      --color WHEN        auto (default), always or never; NO_COLOR also turns colour off\n"                  \
	"  -q, --quiet             only errors on stderr\n"                                                            \
	"  -v, --verbose           more detail on stderr\n"                                                            \
	"  -h, --help              this text\n"

#define EXIT_CODES                                                                                                     \
	"Exit status: 0 passed, 1 findings at or above --fail-on, 2 usage or input error,\n"                           \
	"3 environment error, 4 apply failed.\n"

const struct command_spec spec_lint = {
    "lint",
    "lint SQL files for operations that are unsafe on a live database",
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
    "      --list-rules        print every rule id with its default level, then exit\n"
    "      --list-locks        print the lock table (every statement's and ALTER TABLE subcommand's lock), then exit\n"
    "      --max-file-size SIZE  refuse a bigger input, stdin included (default 64M; K, M, G suffixes)\n"
    "  -c, --config FILE       read [migrate_gate] from FILE (default: ./alembic.ini when present)\n" COMMON_OPTIONS
    "\n"
    "Suppress in SQL:  -- migrate-gate: ignore rule-a,rule-b -- reason   (line before or end of statement)\n"
    "                  -- migrate-gate: ignore-file [rule-a,...]\n"
    "Environment:      MIGRATE_GATE_FORMAT, MIGRATE_GATE_FAIL_ON, MIGRATE_GATE_PG_VERSION, ...;\n"
    "                  GITHUB_ACTIONS=true adds ::error annotations to stdout.\n"
    "\n" EXIT_CODES,
    OPT_LINT | OPT_LINT_FILES,
    NULL,
};

#define LINT_OPTIONS                                                                                                   \
	"      --pg-version N      target PostgreSQL major version (default 15)\n"                                     \
	"      --enable RULES      switch on rules (comma list; 'all' for every rule)\n"                               \
	"      --disable RULES     switch off rules (comma list)\n"                                                    \
	"      --severity R=LEVEL  change a rule's level: error, warning, info or off (repeatable)\n"

#define COMMENT_OPTIONS                                                                                                \
	"Pull/merge request comment (tokens from GITHUB_TOKEN, GITLAB_TOKEN or CI_JOB_TOKEN only):\n"                  \
	"      --comment           post the Markdown report as one sticky comment; a failure only warns\n"             \
	"      --comment-key KEY   the project's key in the comment (default: the project folder's name)\n"            \
	"      --provider NAME     github or gitlab (default: the CI this runs in)\n"                                  \
	"      --pr N              the pull request number or merge request iid (default: from the CI)\n"

#define WAIT_OPTIONS                                                                                                   \
	"      --lock-wait DURATION  the longest the gate waits on production (default 60s): the lock_timeout of\n"    \
	"                          its own statements, pg_dump's --lock-wait-timeout; a wait is announced after\n"     \
	"                          1 s with its holder, and one that runs out exits 3 (production busy)\n"             \
	"      --query-timeout DURATION  the statement_timeout of the gate's own statements (default 300s)\n"

#define SIZE_OPTIONS                                                                                                   \
	"      --small-table-bytes SIZE  findings whose cost grows with the table (rewrite, scan, index build,\n"      \
	"                          validation) become info on tables under SIZE (default 10MB; kB, MB, GB)\n"          \
	"      --require-zero-downtime  fail on any breaking revision (one the running code cannot survive)\n"

const struct command_spec spec_check = {
    "check",
    "replay new revisions on a scratch PostgreSQL (upgrade, downgrade, upgrade) and lint their SQL",
    "usage: migrate-gate check [options]\n"
    "\n"
    "Replays every new revision of the Alembic project on a throwaway PostgreSQL: upgrade,\n"
    "downgrade, upgrade again, comparing catalog snapshots after each step, so a downgrade that\n"
    "leaves something behind is caught. Then lints the SQL each revision really executed.\n"
    "\n"
    "Project:\n"
    "  -C, --project DIR       the Alembic project (default: current directory)\n"
    "  -c, --config FILE       its alembic.ini (default DIR/alembic.ini); [migrate_gate] is read from it\n"
    "  -n, --name SECTION      the ini section Alembic uses (default alembic)\n"
    "  -x KEY=VALUE            passed to env.py as alembic -x does (repeatable)\n"
    "      --python PATH       interpreter that can import alembic (default: found from alembic on PATH)\n"
    "Which revisions are new (default: all):\n"
    "      --since REV         the revisions after REV\n"
    "      --production-url-env NAME  read production's alembic_version read-only, from the URL in\n"
    "                          variable NAME (default DATABASE_URI; MIGRATE_GATE_PRODUCTION_URL outranks it)\n"
    "      --production-url URL  the same URL on the command line: avoid, 'ps' shows its password\n"
    "      --base-ref REF      the revision files git added since REF (pull requests)\n"
    "      --heads             allow several heads\n"
    "Scratch database:\n"
    "      --scratch-url-env NAME  create a throwaway database on the server whose URL is in variable\n"
    "                          NAME instead of a local cluster (also MIGRATE_GATE_SCRATCH_URL)\n"
    "      --scratch-url URL   the same on the command line: avoid when it holds a password\n"
    "      --pg-bindir DIR     PostgreSQL server binaries (default: pg_config --bindir, /usr/lib/postgresql/*/bin)\n"
    "      --scratch-cache DIR keep an initdb'd template in DIR (yours alone, mode 0700) for faster starts\n"
    "      --keep-scratch      leave the scratch database running and print how to connect\n"
    "Replay:\n"
    "      --step-timeout SECS kill a step that runs longer (default 120; 0: no limit)\n"
    "      --fail-fast         stop at the first revision that fails (default: restore a checkpoint of the\n"
    "                          scratch database and replay every later revision too)\n"
    "      --irreversible-downgrade LEVEL\n"
    "                          level of a downgrade declared irreversible: it raises NotImplementedError,\n"
    "                          RuntimeError or an error saying it cannot downgrade, or its body is empty\n"
    "                          (warning; error, info or off; --downgrade-not-implemented is the old name)\n"
    "      --summary-only      text report: the failed revisions, the top findings and the counts only\n"
    "      --max-terminal-findings N  text on the terminal (no -o): the summary only above N errors and\n"
    "                          warnings (default 50; 0: no limit); -o FILE keeps the full report\n"
    "      --one-way REVS      revisions whose downgrade is empty on purpose (spaces or commas; also\n"
    "                          [migrate_gate] one_way, or migrate_gate_one_way = True in the file)\n"
    "      --replay-from-base  also downgrade the whole history to base and upgrade it again\n"
    "      --alembic-cmd CMD   run each step as CMD upgrade/downgrade (e.g. \"alembic -c x.ini\"), not in one\n"
    "                          Python process; no statement capture, the lint reads offline SQL\n",
    OPT_LINT | OPT_CHECK | OPT_PLAN | OPT_COMMENT,
    "      --no-model-drift    do not compare env.py's target_metadata with the migrated schema\n"
    "Lint of the executed SQL:\n" LINT_OPTIONS SIZE_OPTIONS WAIT_OPTIONS COMMENT_OPTIONS COMMON_OPTIONS "\n" EXIT_CODES,
};

void command_usage(const struct command_spec *spec, FILE *out)
{
	fputs(spec->usage, out);
	if (spec->usage_more)
		fputs(spec->usage_more, out);
}

const struct command_spec spec_comment = {
    "comment",
    "post a Markdown report as the sticky pull or merge request comment",
    "usage: migrate-gate comment [options] FILE|-\n"
    "\n"
    "Posts FILE (the --summary-md report of check or deploy) as one comment on the pull request\n"
    "(GitHub) or merge request (GitLab) of this CI run, and updates that comment on later runs\n"
    "instead of adding another. An unchanged report is not posted again. Tokens come from the\n"
    "environment only: GITHUB_TOKEN; GITLAB_TOKEN, else CI_JOB_TOKEN.\n"
    "\n"
    "Options:\n"
    "      --comment-key KEY   the project's key in the comment's hidden marker (default: default)\n"
    "      --provider NAME     github or gitlab (default: the CI this runs in)\n"
    "      --pr N              the pull request number or merge request iid (default: from the CI)\n"
    "  -q, --quiet             only errors on stderr\n"
    "  -h, --help              this text\n"
    "\n"
    "Exit status: 0 posted or unchanged, 2 usage error or not a pull/merge request run,\n"
    "3 the API refused or could not be reached.\n",
    OPT_COMMENT,
    NULL,
};

#define FORMAT_OPTIONS                                                                                                 \
	"  -f, --format FMT        text (default) or json\n"                                                           \
	"  -o, --output FILE       write the report to FILE instead of stdout\n"                                       \
	"  -c, --config FILE       read [migrate_gate] from FILE (default: ./alembic.ini when present)\n"              \
	"      --color WHEN        auto (default), always or never\n"                                                  \
	"  -q, --quiet             only errors on stderr\n"                                                            \
	"  -v, --verbose           more detail on stderr\n"                                                            \
	"  -h, --help              this text\n"

const struct command_spec spec_backup = {
    "backup",
    "pg_dump production into a verified archive with a manifest, keep it, optionally upload it",
    "usage: migrate-gate backup [options]\n"
    "\n"
    "Streams pg_dump -Fc of production into one archive (tar.zst by default) with a manifest.json:\n"
    "server and pg_dump versions, alembic_version rows, table sizes and row counts, the dump's\n"
    "sha256. The archive is written under a temporary name, fsynced and renamed, with a .sha256\n"
    "(sha256sum -c format) and a .json beside it. See docs/backup.md.\n"
    "\n"
    "Production:\n"
    "      --production-url URL  the database to back up (also MIGRATE_GATE_PRODUCTION_URL, DATABASE_URI)\n"
    "      --pg-bindir DIR     where pg_dump is (default: the newest fitting one in /usr/lib/postgresql/*/bin)\n"
    "      --pending REVS      revisions about to be applied, recorded in the manifest (comma list)\n"
    "Archive:\n"
    "      --backup-dir DIR    where archives go (default ./backups)\n"
    "      --archive-format F  tar.zst (default), tar.gz or zip\n"
    "      --keep N            after a successful backup, keep only the newest N archives of the database\n"
    "      --keep-days D       after a successful backup, remove its archives older than D days\n" WAIT_OPTIONS
    "Verification:\n"
    "      --verify            restore into a scratch database and compare schema and row counts\n"
    "      --verify-exact-rows N  count(*) tables estimated below N rows exactly (default 1e6)\n"
    "      --scratch-url URL   restore on this server instead of an ephemeral local cluster\n"
    "      --scratch-cache DIR keep an initdb'd template in DIR for faster starts\n"
    "      --keep-scratch      leave the scratch database running and print how to connect\n"
    "Upload (the archive is streamed; 5xx and connection errors are retried with backoff):\n"
    "      --upload-url URL    HTTP(S) PUT to this presigned URL\n"
    "      --s3 s3://BUCKET/PREFIX  S3 PUT signed with SigV4; credentials from AWS_ACCESS_KEY_ID,\n"
    "                          AWS_SECRET_ACCESS_KEY and AWS_SESSION_TOKEN\n"
    "      --s3-endpoint URL   S3-compatible endpoint (default https://s3.REGION.amazonaws.com)\n"
    "      --s3-region R       (default AWS_REGION, AWS_DEFAULT_REGION, then us-east-1)\n"
    "      --upload-retries N  retries after the first try (default 2)\n" FORMAT_OPTIONS "\n"
    "Exit status: 0 backup written (and verified, uploaded when asked), 1 verification failed,\n"
    "2 usage error, 3 environment error (production, pg_dump, disk, upload).\n",
    OPT_BACKUP,
    NULL,
};

const struct command_spec spec_restore = {
    "restore",
    "restore a backup archive into a database, after checking it",
    "usage: migrate-gate restore [options] ARCHIVE\n"
    "\n"
    "Checks the archive's sha256 (against ARCHIVE.sha256 when present) and its manifest, shows\n"
    "what it holds and asks for confirmation. Then restores it into a new database next to the\n"
    "target (<db>_restoring_<time>), verifies its row counts and schema against the manifest, and\n"
    "swaps it in with two renames in one transaction. The old database is kept as\n"
    "<db>_replaced_<time>, and the report lists the objects it has that the archive lacks.\n"
    "Nothing changes on the target before the swap; a damaged or foreign archive changes nothing.\n"
    "\n"
    "Options:\n"
    "      --target-url URL    the database to restore into (created when it does not exist)\n"
    "      --production-url URL  or production, which must be the archive's database\n"
    "  -y, --yes               do not ask (needed when stdin is not a terminal)\n"
    "      --terminate         end the target's other sessions for the swap (new connections are\n"
    "                          refused meanwhile, at most 5 s); without it, wait for them to leave\n"
    "      --lock-wait DUR     how long to wait for other sessions to leave (default 60s)\n"
    "      --drop-replaced     drop the replaced database once the swap is done and reported\n"
    "      --replace-other     restore into a non-empty database the archive is not of\n"
    "      --clean-restore     no swap: pg_restore --clean --if-exists --single-transaction into\n"
    "                          the target in place (for roles without CREATEDB or ownership)\n"
    "      --pg-bindir DIR     where pg_restore is\n" FORMAT_OPTIONS "\n"
    "Exit status: 0 restored, 2 usage error or unusable archive, 3 environment error (nothing\n"
    "was changed: the server, pg_restore, verification, sessions that stay, a role that cannot swap).\n",
    OPT_RESTORE,
    NULL,
};

const struct command_spec spec_status = {
    "status",
    "production's revision, the pending revisions, sizes and the last backups, read-only",
    "usage: migrate-gate status [options]\n"
    "\n"
    "Reads production (read-only) and the Alembic project: production's alembic_version rows and\n"
    "whether they are heads, the pending revisions with their titles, the database size and the\n"
    "largest tables the pending revisions touch, and the last backups in --backup-dir.\n"
    "\n"
    "Options:\n"
    "      --production-url URL  production (also MIGRATE_GATE_PRODUCTION_URL, DATABASE_URI)\n"
    "  -C, --project DIR       the Alembic project (default: current directory)\n"
    "  -n, --name SECTION      the ini section Alembic uses (default alembic)\n"
    "  -x KEY=VALUE            passed to env.py (repeatable)\n"
    "      --python PATH       interpreter that can import alembic\n"
    "      --backup-dir DIR    where the archives are (default ./backups)\n" WAIT_OPTIONS
    "      --targets FILE      the whole fleet instead: one line per database, each the name of the\n"
    "                          environment variable holding its URL ('#' comments); its revision and\n"
    "                          how many revisions it lacks (docs/kubernetes.md)\n" FORMAT_OPTIONS "\n"
    "Exit status: 0, 2 usage error, 3 environment error.\n",
    OPT_CHECK | OPT_STATUS,
    NULL,
};

#define PROJECT_OPTIONS                                                                                                \
	"Project:\n"                                                                                                   \
	"  -C, --project DIR       the Alembic project (default: current directory)\n"                                 \
	"  -c, --config FILE       its alembic.ini (default DIR/alembic.ini); [migrate_gate] is read from it\n"        \
	"  -n, --name SECTION      the ini section Alembic uses (default alembic)\n"                                   \
	"  -x KEY=VALUE            passed to env.py as alembic -x does (repeatable)\n"                                 \
	"      --python PATH       interpreter that can import alembic (default: found from alembic on PATH)\n"        \
	"      --heads             allow several heads\n"                                                              \
	"      --production-url URL  production (also MIGRATE_GATE_PRODUCTION_URL or DATABASE_URI); required\n"

#define APPLY_OPTIONS                                                                                                  \
	WAIT_OPTIONS                                                                                                   \
	"      --terminate-leftovers   end migration sessions a killed run left instead of waiting for them\n"         \
	"      --lock-timeout DURATION  each revision's lock_timeout (default 5s; 0: none)\n"                          \
	"      --statement-timeout DURATION  each revision's statement_timeout (default 0: none)\n"                    \
	"      --retries N              retries after lock_timeout of a revision that committed nothing (default 3)\n" \
	"      --step-timeout SECS      kill a revision's upgrade that runs longer (default 120; 0: no limit)\n"       \
	"  DURATION: 30 (seconds), 500ms, 5s, 2min or 1h.\n"

#define DEPLOY_FORMAT_OPTIONS                                                                                          \
	"Report:\n"                                                                                                    \
	"  -f, --format FMT        text (default) or json: the deploy report (revisions, outcomes, stages);\n"         \
	"                          markdown, sarif, gitlab, junit, github: the findings with the revisions\n"          \
	"  -o, --output FILE       write the report to FILE instead of stdout\n"                                       \
	"      --report-json FILE  also write the JSON deploy report to FILE\n"                                        \
	"      --summary-md FILE   also write the Markdown summary (GitHub step summary, PR comment) to FILE\n"        \
	"      --sarif FILE, --codequality FILE, --junit FILE  also write the findings in that format\n"               \
	"      --color WHEN        auto (default), always or never; NO_COLOR also turns colour off\n"                  \
	"  -q, --quiet             only errors on stderr\n"                                                            \
	"  -v, --verbose           more detail on stderr\n"                                                            \
	"  -h, --help              this text\n"

const struct command_spec spec_plan = {
    "plan",
    "show what a deploy would apply to production, with deploy modes and table sizes (read-only)",
    "usage: migrate-gate plan [options]\n"
    "\n"
    "Reads production's alembic_version (read-only) and shows the revisions still to apply, in order, with\n"
    "their titles; each revision's deploy mode (additive: safe while the old code runs; breaking: needs a\n"
    "maintenance window or expand/contract) with the reason; the existing tables it locks with their size\n"
    "on production (reltuples, pg_total_relation_size); and the lint findings of its offline SQL, ranked by\n"
    "that size.\n"
    "\n" PROJECT_OPTIONS "Plan:\n" SIZE_OPTIONS WAIT_OPTIONS LINT_OPTIONS
    "      --lock-timeout DURATION  the lock_timeout apply will set (default 5s), which lint counts\n"
    DEPLOY_FORMAT_OPTIONS "\n"
    "Exit status: 0 planned, 1 a breaking revision with --require-zero-downtime, 2 usage or input error,\n"
    "3 environment error.\n",
    OPT_LINT | OPT_CHECK | OPT_PLAN | OPT_PLAN_TIMEOUT,
    NULL,
};

const struct command_spec spec_apply = {
    "apply",
    "apply the revisions production lacks, under a lock, with timeouts, retries and verification",
    "usage: migrate-gate apply [options]\n"
    "\n"
    "Applies the revisions production lacks, one at a time: refuses a transaction pooler, takes the\n"
    "project's advisory lock, re-reads alembic_version, upgrades each revision in its own session\n"
    "(application_name 'migrate-gate REV', lock_timeout and statement_timeout through PGOPTIONS), reports\n"
    "what blocks a lock wait, retries with backoff a revision that hit lock_timeout having committed\n"
    "nothing itself (never one that committed part of its work: a retry would run that again), and\n"
    "verifies the version row after each. The report lists every revision's outcome; its first line is\n"
    "production's revision as it is now.\n"
    "\n" PROJECT_OPTIONS "Apply:\n" APPLY_OPTIONS DEPLOY_FORMAT_OPTIONS "\n"
    "Exit status: 0 applied (or nothing to apply), 2 usage or input error, 3 environment error (a\n"
    "transaction pooler, no connection), 4 apply failed: production's revision is printed.\n",
    OPT_CHECK | OPT_APPLY,
    NULL,
};

/* deploy's last stage (docs/deploy.md). */
#define VERIFY_OPTIONS                                                                                                 \
	"Verify (after the apply; it always records production's revision, size and table count):\n"                 \
	"      --health-url URL    poll URL until it answers 2xx --health-checks times in a row (repeatable; also\n"  \
	"                          MIGRATE_GATE_HEALTH_URLS or health_urls in [migrate_gate], comma-separated)\n"    \
	"      --health-timeout DURATION  give up on a URL after this long (default 120s): exit 4\n"                 \
	"      --health-interval DURATION  between two requests (default 2s)\n"                                      \
	"      --health-checks N   2xx answers in a row that pass (default 3)\n"                                      \
	"      --health-ca FILE    the CA certificates (PEM) to trust for https URLs, instead of the system's\n"     \
	"      --health-header-env NAME  send the header 'Name: value' held by variable NAME (a token: masked)\n"   \
	"      --health-sql FILE   read-only SQL checks on production: each query must return one row whose\n"      \
	"                          first column is true (a '-- name:' comment names it)\n"

const struct command_spec spec_deploy = {
    "deploy",
    "the whole gate for the deploy job: plan, check, backup, apply, verify",
    "usage: migrate-gate deploy [options]\n"
    "\n"
    "Runs plan, check (the replay on a scratch PostgreSQL), backup, apply and verify against production, and\n"
    "stops at the first stage that fails. The report shows every stage with its status and duration, and on a\n"
    "failed apply how to go back. With nothing to apply it exits 0 at once, without a backup.\n"
    "\n" PROJECT_OPTIONS "Stages:\n"
    "      --skip-check        do not replay the revisions first (said loudly in every report)\n"
    "      --skip-backup       do not back production up first (said loudly in every report)\n"
    "      --skip-verify       do not check the application and production after the apply (said loudly)\n"
    "Check (see migrate-gate help check):\n"
    "      --scratch-url URL   --pg-bindir DIR   --scratch-cache DIR   --keep-scratch\n"
    "      --irreversible-downgrade LEVEL   --fail-fast   --fail-on LEVEL (default error)\n" SIZE_OPTIONS LINT_OPTIONS
    "Backup (see migrate-gate help backup):\n"
    "      --backup-dir DIR (default ./backups)   --archive-format F   --keep N   --keep-days D   --verify\n"
    "      --upload-url URL   --s3 s3://BUCKET/PREFIX   --s3-endpoint URL   --s3-region R\n"
    "Apply:\n" APPLY_OPTIONS,
    OPT_LINT | OPT_CHECK | OPT_PLAN | OPT_APPLY | OPT_DEPLOY | OPT_BACKUP | OPT_COMMENT,
    VERIFY_OPTIONS COMMENT_OPTIONS DEPLOY_FORMAT_OPTIONS "\n"
    "Exit status: 0 deployed (or nothing to deploy), 1 the plan, the check or the backup's verification failed\n"
    "(nothing was applied), 2 usage or input error, 3 environment error (production, pg_dump, disk),\n"
    "4 apply failed, or verify failed after the apply: production's revision is printed.\n",
};

const char usage_main[] = "usage: migrate-gate [--version] [--help] COMMAND [options]\n"
                          "\n"
                          "A pre-deploy gate for Alembic migrations on PostgreSQL.\n"
                          "\n"
                          "Commands:\n"
                          "  lint      lint SQL files for operations that are unsafe on a live database\n"
                          "  check     replay new revisions on a scratch PostgreSQL and lint the SQL they run\n"
                          "  comment   post a Markdown report as the sticky pull or merge request comment\n"
                          "  backup    pg_dump production into a verified archive, keep it, upload it\n"
                          "  restore   restore a backup archive, after checking it\n"
                          "  status    production's revision, pending revisions, sizes, last backups\n"
                          "  plan      show what a deploy would apply to production (read-only)\n"
                          "  apply     apply the new revisions to production under a lock\n"
                          "  deploy    plan, check, backup, apply, verify: the whole gate for the deploy job\n"
                          "  help      show the help of a command: migrate-gate help lint\n"
                          "\n" EXIT_CODES;
