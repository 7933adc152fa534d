/*
 * Turns argv, MIGRATE_GATE_* variables and the [migrate_gate] section of an
 * alembic.ini into one gate_config. Precedence: flags, then environment,
 * then the config file. Commands only ever read the result.
 */
#ifndef GATE_CLI_CONFIG_H
#define GATE_CLI_CONFIG_H

#include <stdbool.h>

#include "lint/lint.h"
#include "report/writer.h"
#include "util/log.h"
#include "util/strset.h"

struct gate_config {
	const char *command;
	enum color_mode color;
	enum log_verbosity verbosity;
	enum report_format format;
	char *output; /* report path, NULL for stdout */
	enum severity fail_on;
	char *config_file;       /* explicit --config, or NULL */
	bool github_annotations; /* also print ::error lines (GITHUB_ACTIONS=true) */
	/* More reports of the same run, each to its own file, or NULL */
	char *report_json; /* --report-json FILE */
	char *sarif;       /* --sarif FILE */
	char *codequality; /* --codequality FILE: GitLab Code Quality */
	char *junit;       /* --junit FILE */
	char *summary_md;  /* --summary-md FILE: the Markdown report */

	/* the sticky pull/merge request comment (tokens come from the environment only) */
	bool comment;      /* --comment: post the report (check, deploy) */
	char *comment_key; /* --comment-key: the project key in the comment's marker */
	char *provider;    /* --provider github|gitlab, NULL: the CI's own */
	char *pr;          /* --pr N: the pull request number or merge request iid */

	/* lint */
	struct strlist paths;
	struct strlist enable;
	struct strlist disable;
	struct strlist severity;
	struct lint_config lint;
	bool list_rules;
	bool list_locks;
	size_t max_file_size; /* --max-file-size: the largest input, stdin included */

	/* check: the Alembic project and the scratch database */
	char *project_dir;              /* --project, default "." */
	char *alembic_name;             /* -n, the ini section */
	struct strlist x_args;          /* -x, passed to env.py */
	struct strlist one_way;         /* --one-way REV... ([migrate_gate] one_way): revisions that cannot go down */
	char *python;                   /* --python */
	char *alembic_cmd;              /* --alembic-cmd: per-step CLI mode */
	char *pg_bindir;                /* --pg-bindir */
	char *scratch_url;              /* --scratch-url */
	char *scratch_cache;            /* --scratch-cache */
	bool keep_scratch;              /* --keep-scratch */
	char *production_url;           /* --production-url, MIGRATE_GATE_PRODUCTION_URL or $production_url_env */
	char *production_url_env;       /* --production-url-env NAME: the variable holding it (default DATABASE_URI) */
	char *scratch_url_env;          /* --scratch-url-env NAME: the variable holding --scratch-url */
	char *since;                    /* --since REV */
	char *base_ref;                 /* --base-ref GIT_REF */
	bool allow_heads;               /* --heads: several heads are fine */
	unsigned step_timeout_s;        /* --step-timeout, 0 = none */
	bool replay_from_base;          /* --replay-from-base */
	enum severity irreversible;     /* --irreversible-downgrade LEVEL (alias --downgrade-not-implemented) */
	bool fail_fast;                 /* --fail-fast: the first failed revision ends the replay */
	bool summary_only;              /* --summary-only: the text report's summary, not every finding */
	unsigned max_terminal_findings; /* text on stdout: only the summary above this many findings; 0: no limit */
	bool no_model_drift;            /* --no-model-drift: do not compare target_metadata with the heads */

	/* backup, restore and status */
	char *backup_dir;         /* --backup-dir, NULL: "backups" */
	char *targets;            /* status --targets FILE: one URL variable name per line */
	char *archive_format;     /* --archive-format tar.zst (default), tar.gz or zip */
	unsigned keep;            /* --keep N newest archives, 0: all */
	unsigned keep_days;       /* --keep-days D, 0: no age limit */
	char *upload_url;         /* --upload-url: presigned PUT URL */
	char *s3;                 /* --s3 s3://bucket/prefix */
	char *s3_endpoint;        /* --s3-endpoint URL */
	char *s3_region;          /* --s3-region */
	unsigned upload_retries;  /* --upload-retries N (default 2) */
	bool verify;              /* --verify */
	double verify_exact_rows; /* --verify-exact-rows N (default 1e6) */
	struct strlist pending;   /* --pending REV,...: recorded in the manifest */
	char *target_url;         /* restore --target-url */
	bool yes;                 /* restore --yes */
	bool terminate;           /* restore --terminate: end the target's other sessions for the swap */
	bool drop_replaced;       /* restore --drop-replaced: drop the replaced database after the swap */
	bool clean_restore;       /* restore --clean-restore: pg_restore --clean in place, no swap */
	bool replace_other;       /* restore --replace-other: into a non-empty database the archive is not of */

	/* plan, apply, deploy */
	unsigned lock_wait_ms;         /* --lock-wait: the longest the gate waits for a lock on production (60 s) */
	unsigned query_timeout_ms;     /* --query-timeout: statement_timeout of the gate's own statements (300 s) */
	bool terminate_leftovers;      /* --terminate-leftovers: end an earlier run's migration sessions */
	unsigned lock_timeout_ms;      /* --lock-timeout: each revision's lock_timeout (5 s; 0: none) */
	unsigned statement_timeout_ms; /* --statement-timeout: each revision's statement_timeout (0: none) */
	unsigned retries;              /* --retries: of a revision that hit lock_timeout (3) */
	long long small_table_bytes;   /* --small-table-bytes: size-aware severity's threshold (10 MB) */
	bool require_zero_downtime;    /* --require-zero-downtime: a breaking revision fails the gate */
	bool skip_check;               /* deploy --skip-check */
	bool skip_backup;              /* deploy --skip-backup */

	/* deploy's verify stage (docs/deploy.md) */
	struct strlist health_urls;  /* --health-url (repeatable), MIGRATE_GATE_HEALTH_URLS, health_urls */
	int health_urls_source;      /* which source filled health_urls: a higher one replaces the list */
	char *health_header_env;     /* --health-header-env NAME: the variable holding "Name: value" */
	char *health_header;         /* that header line, read at load time: a registered secret */
	char *health_ca;             /* --health-ca FILE: the CA bundle for https health URLs */
	char *health_sql;            /* --health-sql FILE: read-only SQL checks */
	unsigned health_timeout_ms;  /* --health-timeout (120 s) */
	unsigned health_interval_ms; /* --health-interval (2 s) */
	unsigned health_checks;      /* --health-checks: consecutive 2xx answers that pass a URL (3) */
	bool skip_verify;            /* deploy --skip-verify */
};

/* Which options a subcommand takes, and its --help text. */
struct command_spec {
	const char *name;
	const char *summary;
	const char *usage;      /* full --help text */
	unsigned options;       /* OPT_* bits */
	const char *usage_more; /* the rest of usage, or NULL: C99 promises string literals of 4095 bytes only */
};

/* Prints spec's --help text to out. */
void command_usage(const struct command_spec *spec, FILE *out);

#define OPT_LINT 0x1u       /* lint rule options: lint and check */
#define OPT_CHECK 0x2u      /* Alembic project and scratch options */
#define OPT_LINT_FILES 0x4u /* inputs read from disk: lint only */
#define OPT_BACKUP 0x8u     /* backup: archive, retention, upload, verification */
#define OPT_RESTORE 0x10u   /* restore: --target-url, --yes, the swap's options */
#define OPT_STATUS 0x20u    /* status: --backup-dir */
#define OPT_PLAN 0x40u      /* size-aware severity and deploy mode: plan, check, deploy */
#define OPT_APPLY 0x80u     /* lock, timeouts and retries: apply, deploy */
#define OPT_COMMENT 0x100u  /* the sticky comment: comment, check, deploy */
#define OPT_DEPLOY 0x200u   /* --skip-check, --skip-backup, the verify stage */

/* --lock-timeout for plan too: its lint counts the lock_timeout apply will set. */
#define OPT_PLAN_TIMEOUT 0x8000u

/*
 * Fills cfg for the subcommand from argv (argv[0] is the subcommand), the
 * environment and the config file. Returns 0, 1 when --help was printed, or
 * -1 with a recorded usage error.
 *
 * Secrets (util/secret.h): registers every password and token of every
 * source (URLs of flags, variables and the config file, PGPASSWORD, the
 * passfile entries that could apply, CI tokens); then blanks a password
 * found on argv in place (with one warning) and takes every secret out of
 * the environment (secret_strip_environ(); secret_getenv() still reads it).
 */
int config_load(struct gate_config *cfg, const struct command_spec *spec, int argc, char **argv);
void config_release(struct gate_config *cfg);

#endif
