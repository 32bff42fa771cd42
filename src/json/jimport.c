/*
 * jimport — JSON forms of bulk import (jimport.h).
 */
#include "json/jimport.h"

json_t *
jimport_report(const import_report *r, bool dry_run)
{
	json_t *by = json_object(), *rejects = json_array();

	for (size_t i = 0; i < r->n_by_field; i++)
		json_object_set_new(by, r->by_field[i].field, json_integer(r->by_field[i].n));
	for (size_t i = 0; i < r->n_rejects; i++)
		json_array_append_new(rejects, json_pack("{s:I, s:s, s:s}",
		    "line", (json_int_t)r->rejects[i].line, "field", r->rejects[i].field,
		    "detail", r->rejects[i].msg));
	return json_pack("{s:I, s:I, s:I, s:I, s:I, s:I, s:I, s:b, s:o, s:o, s:b}",
	    "rows", (json_int_t)r->rows, "accepted", (json_int_t)r->accepted,
	    "duplicates", (json_int_t)r->duplicates, "rejected", (json_int_t)r->rejected,
	    "stays", (json_int_t)r->stays, "alerts", (json_int_t)r->alerts,
	    "batches", (json_int_t)r->batches, "dry_run", dry_run,
	    "rejected_by_field", by, "rejects", rejects,
	    "rejects_truncated", r->rejected > (int64_t)r->n_rejects);
}
