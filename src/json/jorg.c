/*
 * jorg — organisation records as JSON objects.
 */
#include "json/jorg.h"

json_t *
jorg_str(const char *s)
{
	return s ? json_string(s) : json_null();
}

json_t *
jorg_id(int64_t id)
{
	return id > 0 ? json_integer(id) : json_null();
}

json_t *
jorg_instant(int64_t t)
{
	char buf[DT_RFC3339_LEN];

	dt_format_rfc3339(t, buf);
	return json_string(buf);
}

json_t *
jorg_date(sj_date d)
{
	char buf[DT_DATE_LEN];

	if (d < 0)
		return json_null();
	dt_date_format(d, buf);
	return json_string(buf);
}

json_t *
jorg_region(const org_region *r)
{
	return json_pack("{s:I, s:o, s:s, s:s, s:o}", "id", (json_int_t)r->id,
	    "parent_id", jorg_id(r->parent_id), "level", r->level, "name", r->name,
	    "code", jorg_str(r->code));
}

json_t *
jorg_unit(const org_unit *u)
{
	return json_pack("{s:I, s:s, s:s, s:I, s:o, s:o, s:o, s:o}",
	    "id", (json_int_t)u->id, "kind", u->kind, "name", u->name,
	    "region_id", (json_int_t)u->region_id, "region_name", jorg_str(u->region_name),
	    "address", jorg_str(u->address), "contact", jorg_str(u->contact),
	    "created_at", jorg_instant(u->created_at));
}

json_t *
jorg_place(const org_place *p)
{
	return json_pack("{s:I, s:I, s:s, s:s, s:o, s:b, s:I}",
	    "id", (json_int_t)p->id, "unit_id", (json_int_t)p->unit_id, "kind", p->kind,
	    "name", p->name, "address", jorg_str(p->address), "records_exits", p->records_exits,
	    "default_stay_s", (json_int_t)p->default_stay_s);
}

json_t *
jorg_checkpoint(const org_checkpoint *c)
{
	return json_pack("{s:I, s:I, s:s, s:s}", "id", (json_int_t)c->id,
	    "place_id", (json_int_t)c->place_id, "name", c->name, "kind", c->kind);
}

json_t *
jorg_household(const org_household *h)
{
	return json_pack("{s:I, s:I, s:s, s:s, s:s}", "id", (json_int_t)h->id,
	    "place_id", (json_int_t)h->place_id, "building", h->building,
	    "entrance", h->entrance, "room", h->room);
}

json_t *
jorg_person(const person *p)
{
	json_t *tags = json_array();

	for (size_t i = 0; i < p->n_tags; i++)
		json_array_append_new(tags, json_string(p->tags[i]));
	return json_pack("{s:I, s:s, s:o, s:o, s:o, s:o, s:o, s:o}",
	    "id", (json_int_t)p->id, "name", p->name,
	    "id_number_masked", jorg_str(p->id_number_mask),
	    "mobile_masked", jorg_str(p->mobile_mask),
	    "household_id", jorg_id(p->household_id), "unit_id", jorg_id(p->unit_id),
	    "tags", tags, "created_at", jorg_instant(p->created_at));
}

json_t *
jorg_group(const work_group *g)
{
	return json_pack("{s:I, s:s, s:s, s:o, s:o}", "id", (json_int_t)g->id,
	    "name", g->name, "organ", g->organ, "region_id", jorg_id(g->region_id),
	    "set_up_on", jorg_date(g->set_up_on));
}

json_t *
jorg_member(const member *m)
{
	return json_pack("{s:I, s:I, s:s, s:s, s:s}", "id", (json_int_t)m->id,
	    "group_id", (json_int_t)m->group_id, "name", m->name, "role", m->role,
	    "title", m->title);
}

json_t *
jorg_assignment(const assignment *a)
{
	return json_pack("{s:I, s:I, s:I, s:o, s:o, s:o}", "id", (json_int_t)a->id,
	    "group_id", (json_int_t)a->group_id, "unit_id", (json_int_t)a->unit_id,
	    "unit_name", jorg_str(a->unit_name), "unit_kind", jorg_str(a->unit_kind),
	    "reported_on", jorg_date(a->reported_on));
}
