// The organisation as the signed-in user sees it, walked through the API
// (units → places → checkpoints; the API has no flat list of places or
// checkpoints).  Small: a work group has a handful of units.
import { listAll } from './api.js';

// Every place in scope: [{ id, name, unit_id, unit_name }].
export async function allPlaces() {
  const out = [];
  for (const u of await listAll('/api/v1/units?limit=500'))
    for (const p of await listAll(`/api/v1/units/${u.id}/places?limit=500`))
      out.push({ id: p.id, name: p.name, unit_id: u.id, unit_name: u.name });
  return out;
}

// Every checkpoint in scope: [{ id, name, place_id, place_name, unit_id, unit_name }].
export async function allCheckpoints() {
  const out = [];
  for (const p of await allPlaces())
    for (const c of await listAll(`/api/v1/places/${p.id}/checkpoints?limit=500`))
      out.push({ id: c.id, name: c.name, place_id: p.id, place_name: p.name, unit_id: p.unit_id, unit_name: p.unit_name });
  return out;
}

// Every work-group member in scope, of every group the user can read:
// [{ id, name, title, role, group_id, group_name }].  A unit liaison reads
// no groups, so gets none.
export async function allMembers() {
  const out = [];
  for (const g of await listAll('/api/v1/groups?limit=500'))
    for (const m of await listAll(`/api/v1/groups/${g.id}/members`))
      out.push({ ...m, group_name: g.name });
  return out;
}
