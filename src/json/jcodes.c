/*
 * jcodes — passes and place codes as JSON objects.
 */
#include "json/jcodes.h"

#include "json/jorg.h"

json_t *
jcodes_pass(const pass *p, sj_date today, const char *code)
{
	return json_pack("{s:I, s:I, s:s, s:I, s:s, s:o, s:o, s:s, s:o, s:s, s:o, s:o, s:o, s:o}",
	    "id", (json_int_t)p->id, "person_id", (json_int_t)p->person_id,
	    "person_name", p->person_name, "place_id", (json_int_t)p->place_id,
	    "place_name", p->place_name, "valid_from", jorg_date(p->valid_from),
	    "valid_to", jorg_date(p->valid_to), "status", pass_verdict_code(pass_status(p, today)),
	    "issued_at", jorg_instant(p->issued_at), "issued_by", p->issued_by,
	    "revoked_at", p->revoked_at ? jorg_instant(p->revoked_at) : json_null(),
	    "revoked_by", jorg_str(p->revoked_by), "revoke_reason", jorg_str(p->revoke_reason),
	    "code", jorg_str(code));
}

json_t *
jcodes_claim(const pass_claim *c)
{
	return json_pack("{s:I, s:I, s:o, s:o, s:I}", "person_id", (json_int_t)c->person_id,
	    "place_id", (json_int_t)c->place_id, "valid_from", jorg_date(c->valid_from),
	    "valid_to", jorg_date(c->valid_to), "serial", (json_int_t)c->serial);
}

json_t *
jcodes_placecode(const placecode *pc, const char *url)
{
	return json_pack("{s:I, s:s, s:I, s:s, s:s, s:s, s:s, s:o}",
	    "checkpoint_id", (json_int_t)pc->checkpoint_id, "checkpoint_name", pc->checkpoint_name,
	    "place_id", (json_int_t)pc->place_id, "place_name", pc->place_name,
	    "unit_name", pc->unit_name, "token", pc->token, "url", url,
	    "created_at", jorg_instant(pc->created_at));
}
