/* Dispatch only: find the subcommand, load its configuration, run it, turn errors into an exit status. */
#include <stdio.h>
#include <string.h>

#include "cli/commands.h"
#include "cmd/cmd.h"
#include "pg/wait.h"
#include "util/error.h"
#include "util/interrupt.h"
#include "util/log.h"
#include "util/secret.h"

#include "util/banned.h"

struct command {
	const struct command_spec *spec;
	int (*run)(const struct gate_config *cfg);
};

static const struct command commands[] = {
    {&spec_lint, cmd_lint},     {&spec_check, cmd_check},     {&spec_comment, cmd_comment},
    {&spec_backup, cmd_backup}, {&spec_restore, cmd_restore}, {&spec_status, cmd_status},
    {&spec_plan, cmd_plan},     {&spec_apply, cmd_apply},     {&spec_deploy, cmd_deploy},
};

static const struct command *find(const char *name)
{
	for (size_t i = 0; i < sizeof(commands) / sizeof(commands[0]); i++)
		if (!strcmp(commands[i].spec->name, name))
			return &commands[i];
	return NULL;
}

static int finish(int rc)
{
	if (rc >= 0 && !gate_error_count())
		return rc;
	enum gate_exit code = gate_error_code();
	gate_error_flush();
	interrupt_finish(); /* an apply stopped by a signal ends with it, once it said where production is */
	return code == EXIT_PASS ? EXIT_FAIL : (int)code;
}

static int unknown_command(const char *name)
{
	gate_error(EXIT_USAGE, "run 'migrate-gate --help' for the list of commands", "unknown command '%s'", name);
	return finish(-1);
}

static int help(int argc, char **argv)
{
	if (argc < 3) {
		fputs(usage_main, stdout);
		return EXIT_PASS;
	}
	const struct command *c = find(argv[2]);
	if (!c)
		return unknown_command(argv[2]);
	command_usage(c->spec, stdout);
	return EXIT_PASS;
}

int main(int argc, char **argv)
{
	secret_protect_process(); /* before any secret is read: revision code runs as the same user */
	log_set_color(log_color_enabled(COLOR_AUTO, stderr));
	if (argc < 2 || !strcmp(argv[1], "--help") || !strcmp(argv[1], "-h")) {
		fputs(usage_main, argc < 2 ? stderr : stdout);
		return argc < 2 ? EXIT_USAGE : EXIT_PASS;
	}
	if (!strcmp(argv[1], "--version")) {
		printf("migrate-gate %s\n", MIGRATE_GATE_VERSION);
		return EXIT_PASS;
	}
	if (!strcmp(argv[1], "help"))
		return help(argc, argv);
	const struct command *c = find(argv[1]);
	if (!c)
		return unknown_command(argv[1]);
	struct gate_config cfg;
	int rc = config_load(&cfg, c->spec, argc - 1, argv + 1);
	if (rc == 0) {
		log_set_verbosity(cfg.verbosity);
		log_set_color(log_color_enabled(cfg.color, stderr));
		pg_wait_limits(cfg.lock_wait_ms, cfg.query_timeout_ms); /* every session the gate opens on production */
		rc = c->run(&cfg);
	} else if (rc == 1) {
		rc = EXIT_PASS;
	}
	config_release(&cfg);
	return finish(rc);
}
