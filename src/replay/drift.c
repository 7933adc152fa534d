#include "replay/drift.h"

#include <stdlib.h>

#include "replay/sourcemap.h"
#include "util/buf.h"
#include "util/mem.h"

#include "util/banned.h"

static const struct rule_info rule_model_drift = {
    "model-drift", SEV_WARNING,
    "the models (env.py's target_metadata) and the schema the migrations build differ",
    "write the revision autogenerate proposes (alembic revision --autogenerate), or change the model; "
    "leave objects out with include_object in env.py",
    false};

const struct rule_info *drift_rule(void)
{
	return &rule_model_drift;
}

static void add_drift(struct report *report, const struct revision_outcome *head, const char *summary,
                      const char *code)
{
	struct finding *f = report_add(report);
	struct buf msg = BUF_INIT, ops = BUF_INIT;
	for (const char *p = code; *p; p++)
		if (*p == '\n')
			buf_adds(&ops, "; ");
		else
			buf_addc(&ops, *p);
	buf_addf(&msg, "models and migrations differ at %s: %s; autogenerate would write: %s", head->rev->id, summary,
	         ops.len ? ops.data : "(nothing it can render)");
	f->rule = &rule_model_drift;
	f->severity = rule_model_drift.severity;
	f->message = buf_detach(&msg);
	f->file = xstrdup(head->file);
	f->revision = xstrdup(head->rev->id);
	f->line = sourcemap_mention(head->map, "upgrade", NULL, &f->column);
	f->end_line = f->line;
	f->end_column = f->column;
	f->source_line = sourcemap_line(head->map, f->line);
	buf_release(&ops);
}

int drift_check(struct driver *d, const struct revision_outcome *head, struct report *report)
{
	struct strlist summaries = STRLIST_INIT, code = STRLIST_INIT;
	struct step_result r;
	bool has_metadata = false;
	step_result_init(&r);
	int rc = driver_model_drift(d, &has_metadata, &summaries, &code, &r);
	if (!rc && r.status != STEP_OK) {
		struct buf note = BUF_INIT;
		buf_addf(&note, "models were not compared with the migrations: %s%s%s", r.error_type ? r.error_type : "",
		         r.error_type ? ": " : "", r.error_message ? r.error_message : "the comparison failed");
		strlist_add_owned(&report->notes, buf_detach(&note));
	}
	for (size_t i = 0; !rc && i < summaries.n; i++)
		add_drift(report, head, summaries.items[i], code.items[i]);
	strlist_release(&summaries);
	strlist_release(&code);
	step_result_release(&r);
	return rc;
}
