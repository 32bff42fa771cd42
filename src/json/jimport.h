/*
 * jimport — the JSON forms of bulk import (docs/import.md), shared by the
 * command line's --json output and the API: the report of an import, and
 * one NDJSON line as a scan row.
 */
#ifndef SJ_JIMPORT_H
#define SJ_JIMPORT_H

#include <jansson.h>
#include <stddef.h>

#include "domain/scan_import.h"

/* {"rows", "accepted", "duplicates", "rejected", "stays", "alerts",
 *  "batches", "dry_run", "rejected_by_field": {"time": 2, ...},
 *  "rejects": [{"line", "field", "detail"}, ...] (the first
 *  IMPORT_REJECTS_MAX), "rejects_truncated": bool}.  A new reference. */
json_t *jimport_report(const import_report *r, bool dry_run);

#endif
