/*
 * api_cursor — cursors of lists ordered by a local date, then id (visits,
 * inspections, findings, resumption reports): the date is the cursor's
 * 4-byte key (big-endian), the id its id (http_cursor_encode, api.h).
 */
#include "http/api.h"

const char *
api_cursor_date(http_req *r, sj_date d, int64_t id)
{
	uint32_t u = (uint32_t)d;
	unsigned char key[4] = { u >> 24, u >> 16, u >> 8, u };

	return http_cursor_encode(r, key, sizeof key, id);
}

sj_rc
api_cursor_date_decode(http_req *r, sj_date *d, int64_t *id, sj_err *e)
{
	const unsigned char *key;
	const void *k;
	size_t n;
	sj_rc rc;

	if ((rc = http_cursor_decode(r, &k, &n, id, e)) != SJ_OK || k == NULL)
		return rc;
	key = k;
	if (n != 4 || *id < 1)
		return sj_fail(e, SJ_EINVAL, "cursor", "is not a cursor of this list");
	*d = (sj_date)(int32_t)((uint32_t)key[0] << 24 | (uint32_t)key[1] << 16 |
	    (uint32_t)key[2] << 8 | key[3]);
	return SJ_OK;
}
