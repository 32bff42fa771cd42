/*
 * jscan — checkpoint records as JSON objects.
 */
#include "json/jscan.h"

#include "json/jorg.h"

const char *
jscan_stay_action(stay_action a)
{
	static const char *const names[] = { "none", "opened", "same", "closed" };

	return (int)a >= 0 && a <= STAY_CLOSED ? names[a] : "none";
}

json_t *
jscan_reasons(unsigned reasons)
{
	json_t *arr = json_array();

	for (int i = 0; i < SCAN_R_COUNT; i++)
		if (reasons & (1u << i))
			json_array_append_new(arr, json_string(screening_reason_name(1u << i)));
	return arr;
}

json_t *
jscan_temperature(int t)
{
	char buf[8];

	if (t <= 0)
		return json_null();
	screening_temp_format(t, buf);
	return json_string(buf);
}

static json_t *
name_or_null(const char *s)
{
	return s && *s ? json_string(s) : json_null();
}

/* The stay of a scan's answer, or null. */
static json_t *
result_stay(const scan_result *r)
{
	json_t *o;

	if (r->stay_action == STAY_NONE || r->stay_id <= 0)
		return json_null();
	o = json_object();
	json_object_set_new_nocheck(o, "action", json_string_nocheck(
	    jscan_stay_action(r->stay_action)));
	json_object_set_new_nocheck(o, "id", json_integer(r->stay_id));
	json_object_set_new_nocheck(o, "entry_at", jorg_instant(r->stay_entry_at));
	json_object_set_new_nocheck(o, "exit_at", jorg_instant(r->stay_exit_at));
	json_object_set_new_nocheck(o, "exit_recorded", json_boolean(r->stay_exit_recorded));
	return o;
}

/* Built member by member, not with json_pack: the answer to every scan,
 * and json_pack parses its format string each time (~1 µs a scan on the
 * scan benchmark).  Keys and the names of enums are ASCII constants
 * (_nocheck); the person's name and mask go through json_string, which
 * checks their UTF-8: NULL when either is not valid UTF-8. */
json_t *
jscan_result(const scan_result *r)
{
	json_t *o = json_object(), *who = json_object();
	json_t *name = name_or_null(r->person_name), *mask = name_or_null(r->id_number_mask);

	if (name == NULL || mask == NULL) {
		/* Not valid UTF-8: a bug upstream (stored text is checked on
		 * input); NULL as json_pack gave, and the caller answers 500. */
		json_decref(name);
		json_decref(mask);
		json_decref(who);
		json_decref(o);
		return NULL;
	}

	json_object_set_new_nocheck(o, "id", json_integer(r->id));
	json_object_set_new_nocheck(o, "checkpoint_id", json_integer(r->checkpoint_id));
	json_object_set_new_nocheck(o, "place_id", json_integer(r->place_id));
	json_object_set_new_nocheck(who, "id", jorg_id(r->person_id));
	json_object_set_new_nocheck(who, "name", name);
	json_object_set_new_nocheck(who, "id_number_masked", mask);
	json_object_set_new_nocheck(o, "person", who);
	json_object_set_new_nocheck(o, "direction",
	    json_string_nocheck(scan_direction_name(r->direction)));
	json_object_set_new_nocheck(o, "at", jorg_instant(r->at));
	json_object_set_new_nocheck(o, "temperature", jscan_temperature(r->temperature));
	json_object_set_new_nocheck(o, "decision",
	    json_string_nocheck(screening_decision_name(r->decision)));
	json_object_set_new_nocheck(o, "reasons", jscan_reasons(r->reasons));
	json_object_set_new_nocheck(o, "source", json_string_nocheck(scan_source_name(r->source)));
	json_object_set_new_nocheck(o, "stay", result_stay(r));
	json_object_set_new_nocheck(o, "alert_id", jorg_id(r->alert_id));
	json_object_set_new_nocheck(o, "replayed", json_boolean(r->replayed));
	return o;
}

json_t *
jscan_row(const scan_row *s)
{
	return json_pack("{s:I, s:I, s:I, s:{s:o, s:o}, s:s, s:o, s:o, s:s, s:o, s:s, s:s, s:o}",
	    "id", (json_int_t)s->id, "place_id", (json_int_t)s->place_id,
	    "checkpoint_id", (json_int_t)s->checkpoint_id,
	    "person", "id", jorg_id(s->person_id), "name", name_or_null(s->person_name),
	    "direction", scan_direction_name(s->direction), "at", jorg_instant(s->at),
	    "temperature", jscan_temperature(s->temperature),
	    "decision", screening_decision_name(s->decision), "reasons", jscan_reasons(s->reasons),
	    "source", scan_source_name(s->source), "stay_action", jscan_stay_action(s->stay_action),
	    "operator_id", jorg_id(s->operator_id));
}

json_t *
jscan_stay(const stay_row *s)
{
	return json_pack("{s:I, s:I, s:I, s:{s:o, s:o}, s:o, s:o, s:b, s:b, s:b, s:I}",
	    "id", (json_int_t)s->id, "place_id", (json_int_t)s->place_id,
	    "checkpoint_id", (json_int_t)s->checkpoint_id,
	    "person", "id", jorg_id(s->person_id), "name", name_or_null(s->person_name),
	    "entry_at", jorg_instant(s->entry_at), "exit_at", jorg_instant(s->exit_at),
	    "exit_recorded", s->exit_recorded, "exit_not_recorded", !s->exit_recorded,
	    "open", s->open, "duration_s", (json_int_t)(s->exit_at - s->entry_at));
}

json_t *
jscan_alert(const alert *a)
{
	json_t *who = json_null(), *ack = json_null();

	if (a->person_id > 0)
		who = json_pack("{s:I, s:o}", "id", (json_int_t)a->person_id,
		    "name", name_or_null(a->person_name));
	if (a->acked_at)
		ack = json_pack("{s:o, s:o, s:o}", "at", jorg_instant(a->acked_at),
		    "by", jorg_id(a->acked_by), "note", jorg_str(a->ack_note));
	return json_pack("{s:I, s:I, s:I, s:o, s:o, s:o, s:o, s:o, s:s, s:o, s:o, s:o}",
	    "id", (json_int_t)a->id, "place_id", (json_int_t)a->place_id,
	    "unit_id", (json_int_t)a->unit_id, "checkpoint_id", jorg_id(a->checkpoint_id),
	    "scan_id", jorg_id(a->scan_id), "person", who, "at", jorg_instant(a->at),
	    "reasons", jscan_reasons(a->reasons),
	    "decision", screening_decision_name((scan_decision)a->decision),
	    "temperature", jscan_temperature(a->temperature), "detail", name_or_null(a->detail),
	    "acknowledged", ack);
}

json_t *
jscan_outsider(const outsider *o)
{
	return json_pack("{s:I, s:I, s:{s:I, s:o, s:o}, s:o, s:s, s:s, s:o, s:o, s:o, s:o, s:o,"
	    " s:o}",
	    "id", (json_int_t)o->id, "unit_id", (json_int_t)o->unit_id,
	    "person", "id", (json_int_t)o->person_id, "name", jorg_str(o->person_name),
	    "mobile_masked", jorg_str(o->mobile_mask),
	    "checkpoint_id", jorg_id(o->checkpoint_id), "from", o->from, "reason", o->reason,
	    "host", jorg_str(o->host), "host_household_id", jorg_id(o->host_household_id),
	    "valid_from", jorg_instant(o->valid_from), "valid_until", jorg_instant(o->valid_until),
	    "registered_at", jorg_instant(o->registered_at),
	    "registered_by", jorg_id(o->registered_by));
}

json_t *
jscan_disinfection(const disinfection *d)
{
	return json_pack("{s:I, s:I, s:o, s:s, s:s, s:o, s:o, s:o, s:o, s:o}",
	    "id", (json_int_t)d->id, "place_id", (json_int_t)d->place_id,
	    "place_name", jorg_str(d->place_name), "area", d->area, "agent", d->agent,
	    "concentration", jorg_str(d->concentration), "at", jorg_instant(d->at),
	    "next_due_at", jorg_instant(d->next_due_at), "operator_id", jorg_id(d->operator_id),
	    "note", jorg_str(d->note));
}
