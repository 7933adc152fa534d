#include "alembic/steps.h"

#include "util/banned.h"

static int driver_up(void *impl, const char *rev, struct step_result *out)
{
	return driver_upgrade(impl, rev, out);
}

static int driver_down(void *impl, const char *rev, const char *target, struct step_result *out)
{
	return driver_downgrade(impl, rev, target, out);
}

static void driver_hold(void *impl, bool on)
{
	driver_hold_commits(impl, on);
}

static int cli_up(void *impl, const char *rev, struct step_result *out)
{
	return cli_steps_upgrade(impl, rev, out);
}

static int cli_down(void *impl, const char *rev, const char *target, struct step_result *out)
{
	return cli_steps_downgrade(impl, rev, target, out);
}

struct step_runner step_runner_driver(struct driver *d)
{
	struct step_runner s = {driver_up, driver_down, driver_hold, d};
	return s;
}

struct step_runner step_runner_cli(struct cli_steps *c)
{
	struct step_runner s = {cli_up, cli_down, NULL, c};
	return s;
}

int step_upgrade(const struct step_runner *s, const char *rev, struct step_result *out)
{
	return s->upgrade(s->impl, rev, out);
}

int step_downgrade(const struct step_runner *s, const char *rev, const char *target, struct step_result *out)
{
	return s->downgrade(s->impl, rev, target, out);
}

bool step_hold_commits(const struct step_runner *s, bool on)
{
	if (!s->hold_commits)
		return false;
	s->hold_commits(s->impl, on);
	return true;
}
