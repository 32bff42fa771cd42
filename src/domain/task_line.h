/*
 * task_line — the three task lines (工作线) the work group's work falls
 * under (SCENARIO.md "The three task lines"; issue 11 "Task line as a
 * shared classification"): epidemic prevention and control (疫情防控),
 * economic operation (经济运行) and livelihood security (保障民生).
 *
 * The codes are stable and stored as they are: tasks carry one, and so
 * may visits, needs and service requests (each module adds a TEXT column
 * holding the code and checks it with task_line_check); the daily report
 * counts by it.  Table task_line (schema 0008) holds the same rows for
 * SQL joins; tests/unit/test_workplan.c proves the two agree.
 *
 * No store access: the list is fixed by the scenario, not configurable.
 */
#ifndef SJ_TASK_LINE_H
#define SJ_TASK_LINE_H

#include <stdbool.h>
#include <stddef.h>

#include "core/err.h"

#define TASK_LINE_PREVENTION "prevention"  /* 疫情防控 */
#define TASK_LINE_ECONOMY    "economy"     /* 经济运行 */
#define TASK_LINE_LIVELIHOOD "livelihood"  /* 保障民生 */
#define TASK_LINE_COUNT 3

typedef struct task_line {
	const char *code;     /* "prevention" */
	const char *name;     /* "疫情防控" */
	const char *name_en;  /* "epidemic prevention and control" */
} task_line;

/* The task lines in their fixed order (position 1..TASK_LINE_COUNT). */
extern const task_line task_lines[TASK_LINE_COUNT];

/* True when code (may be NULL) is one of the codes, compared exactly. */
bool task_line_valid(const char *code);

/* The line of code, or NULL when code is none.  Also accepts the Chinese
 * name ("疫情防控") for input typed by people; the result's code is what
 * is stored. */
const task_line *task_line_find(const char *code_or_name);

/* The position 0..TASK_LINE_COUNT-1 of code, or -1. */
int task_line_index(const char *code);

/* Check that code is a task line's code.  Errors: SJ_EINVAL naming field:
 * "is required" (NULL), or "unknown task line 'x'; use prevention
 * (疫情防控), economy (经济运行) or livelihood (保障民生)". */
sj_rc task_line_check(const char *code, const char *field, sj_err *e);

#endif
