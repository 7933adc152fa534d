#include "report/writer.h"

#include <errno.h>
#include <string.h>

#include "report/writers.h"
#include "util/error.h"

#include "util/banned.h"

static const char *const names[] = {"text", "json", "sarif", "gitlab", "junit", "github", "markdown"};

int report_format_parse(const char *name, enum report_format *out)
{
	for (unsigned i = 0; i < sizeof(names) / sizeof(names[0]); i++) {
		if (!strcmp(name, names[i])) {
			*out = (enum report_format)i;
			return 0;
		}
	}
	return -1;
}

const char *report_format_name(enum report_format fmt)
{
	return names[fmt];
}

int report_write(const struct report *r, enum report_format fmt, const struct report_options *opt, FILE *out)
{
	static void (*const writers[])(const struct report *, const struct report_options *, FILE *) = {
	    report_write_text,  report_write_json,   report_write_sarif,    report_write_gitlab,
	    report_write_junit, report_write_github, report_write_markdown,
	};
	struct masked_report m;
	report_mask(r, &m);
	errno = 0;
	writers[fmt](&m.view, opt, out);
	report_mask_release(&m);
	if (fflush(out) || ferror(out))
		return gate_error(EXIT_USAGE, "check free disk space and the --output path",
		                  "cannot write the '%s' report: %s", names[fmt], strerror(errno ? errno : EIO));
	return 0;
}
