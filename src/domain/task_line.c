/*
 * task_line — the fixed list of task lines.
 */
#include "domain/task_line.h"

#include <string.h>

const task_line task_lines[TASK_LINE_COUNT] = {
	{ TASK_LINE_PREVENTION, "疫情防控", "epidemic prevention and control" },
	{ TASK_LINE_ECONOMY, "经济运行", "economic operation" },
	{ TASK_LINE_LIVELIHOOD, "保障民生", "livelihood security" },
};

int
task_line_index(const char *code)
{
	if (code == NULL)
		return -1;
	for (int i = 0; i < TASK_LINE_COUNT; i++)
		if (strcmp(task_lines[i].code, code) == 0)
			return i;
	return -1;
}

bool
task_line_valid(const char *code)
{
	return task_line_index(code) >= 0;
}

const task_line *
task_line_find(const char *code_or_name)
{
	int i = task_line_index(code_or_name);

	if (i >= 0)
		return &task_lines[i];
	if (code_or_name == NULL)
		return NULL;
	for (i = 0; i < TASK_LINE_COUNT; i++)
		if (strcmp(task_lines[i].name, code_or_name) == 0)
			return &task_lines[i];
	return NULL;
}

sj_rc
task_line_check(const char *code, const char *field, sj_err *e)
{
	if (code == NULL)
		return sj_fail(e, SJ_EINVAL, field, "is required");
	if (task_line_valid(code))
		return SJ_OK;
	return sj_fail(e, SJ_EINVAL, field, "unknown task line '%.40s'; use %s (%s), %s (%s) or %s (%s)",
	    code, task_lines[0].code, task_lines[0].name, task_lines[1].code, task_lines[1].name,
	    task_lines[2].code, task_lines[2].name);
}
