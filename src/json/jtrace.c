/*
 * jtrace — the JSON form of a trace (jtrace.h).
 */
#include "json/jtrace.h"

#include "core/datetime.h"

static json_t *
jtime(int64_t t)
{
	char buf[DT_RFC3339_LEN];

	dt_format_rfc3339(t, buf);
	return json_string(buf);
}

static json_t *
jparams(const trace_params *p)
{
	return json_pack("{s:I, s:o, s:o, s:I, s:I, s:b, s:i, s:I}", "person_id",
	    (json_int_t)p->person_id, "from", jtime(p->from), "to", jtime(p->to), "min_overlap_s",
	    (json_int_t)p->min_overlap_s, "margin_s", (json_int_t)p->margin_s, "exclude_home",
	    p->exclude_home, "depth", p->depth, "retention_s", (json_int_t)p->retention_s);
}

static json_t *
jinterval(const trace_interval *iv)
{
	json_t *j = json_pack("{s:I, s:o, s:o, s:I}", "place_id", (json_int_t)iv->place_id,
	    "from", jtime(iv->from), "to", jtime(iv->to), "seconds", (json_int_t)iv->seconds);

	if (iv->via_person_id)
		json_object_set_new(j, "via_person_id", json_integer(iv->via_person_id));
	return j;
}

static json_t *
jcontact(const trace_result *r, const trace_contact *c)
{
	json_t *ivs = json_array();

	for (size_t i = 0; i < c->n_intervals; i++) {
		trace_interval iv = trace_result_interval(r, c, i);

		json_array_append_new(ivs, jinterval(&iv));
	}
	return json_pack("{s:I, s:i, s:I, s:o, s:o}", "person_id", (json_int_t)c->person_id,
	    "degree", c->degree, "total_s", (json_int_t)c->total_s, "first_at",
	    jtime(c->first_at), "intervals", ivs);
}

json_t *
jtrace_result(const trace_result *r)
{
	json_t *own = json_array(), *contacts = json_array();

	for (size_t i = 0; i < r->n_own; i++)
		json_array_append_new(own, json_pack("{s:I, s:o, s:o}", "place_id",
		    (json_int_t)r->own[i].place_id, "entry_at", jtime(r->own[i].entry_at), "exit_at",
		    jtime(r->own[i].exit_at)));
	for (size_t i = 0; i < r->n_contacts; i++)
		json_array_append_new(contacts, jcontact(r, &r->contacts[i]));
	return json_pack("{s:o, s:o, s:o, s:I, s:I}", "params", jparams(&r->params), "own_stays",
	    own, "contacts", contacts, "n_first", (json_int_t)r->n_first, "n_second",
	    (json_int_t)r->n_second);
}
