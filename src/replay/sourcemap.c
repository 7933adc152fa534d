#include "replay/sourcemap.h"

#include <ctype.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#include "util/buf.h"
#include "util/fs.h"
#include "util/mem.h"
#include "util/strset.h"
#include "util/banned.h"

struct sourcemap {
	struct strlist lines;
};

struct sourcemap *sourcemap_new(const char *path)
{
	struct buf text = BUF_INIT;
	if (!path || fs_read_file(path, &text)) {
		buf_release(&text);
		return NULL;
	}
	struct sourcemap *m = xcalloc(1, sizeof(*m));
	const char *p = buf_str(&text);
	while (*p) {
		size_t n = strcspn(p, "\n");
		strlist_add_owned(&m->lines, xstrndup(p, n));
		p += n + (p[n] == '\n');
	}
	buf_release(&text);
	return m;
}

void sourcemap_free(struct sourcemap *m)
{
	if (!m)
		return;
	strlist_release(&m->lines);
	free(m);
}

static size_t indent_of(const char *line) { return strspn(line, " \t"); }

unsigned sourcemap_def_line(const struct sourcemap *m, const char *func)
{
	struct buf want = BUF_INIT;
	buf_addf(&want, "def %s(", func);
	unsigned found = 0;
	for (size_t i = 0; m && i < m->lines.n && !found; i++)
		if (!strncmp(m->lines.items[i] + indent_of(m->lines.items[i]), want.data, want.len))
			found = (unsigned)i + 1;
	buf_release(&want);
	return found;
}

/* name stands in line as a whole word (quoted Python string or inside SQL text). */
static bool mentions(const char *line, const char *name)
{
	size_t n = strlen(name);
	for (const char *p = strstr(line, name); p; p = strstr(p + 1, name)) {
		bool left = p == line || !(isalnum((unsigned char)p[-1]) || p[-1] == '_');
		bool right = !(isalnum((unsigned char)p[n]) || p[n] == '_');
		if (left && right)
			return true;
	}
	return false;
}

static bool starts_call(const char *line)
{
	const char *s = line + indent_of(line);
	return !strncmp(s, "op.", 3) || strstr(s, ".execute(") || strstr(s, "op.execute(");
}

unsigned sourcemap_mention(const struct sourcemap *m, const char *func, const char *name, unsigned *column)
{
	unsigned def = sourcemap_def_line(m, func);
	*column = 1;
	if (!def)
		return 0;
	size_t body_indent = 0, call = 0;
	for (size_t i = def; i < m->lines.n; i++) {
		const char *line = m->lines.items[i];
		if (!line[strspn(line, " \t")])
			continue;
		size_t ind = indent_of(line);
		if (!body_indent)
			body_indent = ind;
		if (ind < body_indent)
			break; /* the function ended */
		if (starts_call(line))
			call = i;
		if (name && *name && call && mentions(line, name)) {
			*column = (unsigned)indent_of(m->lines.items[call]) + 1;
			return (unsigned)call + 1;
		}
	}
	*column = (unsigned)indent_of(m->lines.items[def - 1]) + 1;
	return def;
}

char *sourcemap_line(const struct sourcemap *m, unsigned line)
{
	if (!m || line == 0 || line > m->lines.n)
		return xstrdup("");
	return xstrdup(m->lines.items[line - 1]);
}
