#!/usr/bin/env python3
"""Tracing on real input (issue 6 "Real input"): index persons traced by
`sijin trace --json` on a database where a check-in file was imported
(`sijin import checkins`, entry-only places, 60-minute default stay),
compared with a brute-force oracle over the view `stay`, contact by contact
and second by second; and the raw "two check-ins at one venue at most 60
minutes apart" pairs of the same index users, counted from the file.

    trace_gowalla.py SIJIN DB CSV_GZ PERSONS NOW [MIN_OVERLAP_MIN]

NOW: the instant traced at (seconds since the epoch; the file's end).  The
database must keep all of it (--retention-days 3650 is passed).  Prints a
summary; exits 1 when sijin and the oracle differ.
"""
import csv
import gzip
import json
import random
import subprocess
import sys
import time
from collections import defaultdict
from datetime import datetime


def sql(db, query):
    if db.startswith('postgres'):
        cmd = ['psql', '-X', '-q', '-t', '-A', '-v', 'ON_ERROR_STOP=1', '-d', db, '-c', query]
    else:
        cmd = ['sqlite3', db, query]
    out = subprocess.run(cmd, check=True, capture_output=True, text=True).stdout
    return [line.split('|') for line in out.splitlines() if line]


def epoch(rfc3339):
    return int(datetime.fromisoformat(rfc3339).timestamp())


def merged(pieces):
    """Sorted pieces [a, b) with touching ones joined."""
    out = []
    for a, b in sorted(pieces):
        if out and a <= out[-1][1]:
            out[-1][1] = max(out[-1][1], b)
        else:
            out.append([a, b])
    return out


def oracle(stays_at, own_person, own, frm, to, min_s):
    """{contact: {place: [[from, to], ...]}} of the index person's stays
    `own` [(place, entry, exit)] by every pair of overlapping stays."""
    pieces = defaultdict(lambda: defaultdict(list))
    for place, a, b in own:
        for who, c, d in stays_at[place]:
            if who == own_person:
                continue
            lo, hi = max(a, c, frm), min(b, d, to)
            if hi > lo:
                pieces[who][place].append((lo, hi))
    out = {}
    for who, by_place in pieces.items():
        ivs = {p: merged(v) for p, v in by_place.items()}
        total = sum(b - a for v in ivs.values() for a, b in v)
        if total > 0 and total >= min_s:
            out[who] = (total, ivs)
    return out


def main():
    sijin, db, csv_gz, n_persons, now = sys.argv[1:6]
    min_min = int(sys.argv[6]) if len(sys.argv) > 6 else 15
    n_persons, now = int(n_persons), int(now)
    rows = sql(db, 'SELECT person_id, place_id, entry_at, exit_at FROM stay WHERE person_id IS NOT NULL')
    stays_at, by_person = defaultdict(list), defaultdict(list)
    for p, l, a, b in rows:
        p, l, a, b = int(p), int(l), int(a), int(b)
        stays_at[l].append((p, a, b))
        by_person[p].append((l, a, b))
    for l in stays_at:
        stays_at[l].sort(key=lambda s: s[1])
    ref = dict((int(local), ext) for ext, local in
               sql(db, "SELECT ext_id, local_id FROM import_ref WHERE kind = 1"))
    imported = sorted(p for p in by_person if p in ref)
    persons = sorted(random.Random(6).sample(imported, min(n_persons, len(imported))))
    days = 3660
    frm, to = now - 3650 * 86400, now  # the retention horizon is the later bound
    at = time.strftime('%Y-%m-%dT%H:%M:%SZ', time.gmtime(now))
    n_contacts = n_intervals = seconds = 0
    bad = []
    for p in persons:
        out = subprocess.run([sijin, '--db', db, '--retention-days', '3650', 'trace', '--person',
                              str(p), '--days', str(days), '--min-overlap', str(min_min),
                              '--at', at, '--json'],
                             check=True, capture_output=True, text=True).stdout
        got = json.loads(out)
        want = oracle(stays_at, p, by_person[p], frm, to, min_min * 60)
        have = {c['person_id']: c for c in got['contacts']}
        if set(have) != set(want):
            bad.append((p, 'contacts', sorted(set(have) ^ set(want))[:5]))
            continue
        for who, (total, ivs) in want.items():
            c = have[who]
            got_ivs = sorted((iv['place_id'], epoch(iv['from']), epoch(iv['to'])) for iv in c['intervals'])
            want_ivs = sorted((pl, a, b) for pl, v in ivs.items() for a, b in v)
            want_ivs = [tuple(x) for x in want_ivs]
            if c['total_s'] != total or got_ivs != want_ivs:
                bad.append((p, who, c['total_s'], total))
        n_contacts += len(want)
        n_intervals += sum(len(v) for _, ivs in want.values() for v in ivs.values())
        seconds += sum(t for t, _ in want.values())
    # The raw pairs of the same index users, from the file.
    users = {ref[p] for p in persons}
    at_venue = defaultdict(list)
    with gzip.open(csv_gz, 'rt') as f:
        for r in csv.DictReader(f):
            at_venue[r['venue_id']].append((int(r['checkin_utc_epoch']), r['user_id']))
    pairs, user_pairs = 0, set()
    for venue, cs in at_venue.items():
        cs = sorted(set(cs))
        for i, (t, u) in enumerate(cs):
            if u not in users:
                continue
            for t2, u2 in cs:
                if u2 != u and abs(t2 - t) <= 3600:
                    pairs += 1
                    user_pairs.add((u, u2))
    print(f'index persons {len(persons)} (of {len(imported)} imported with stays), min overlap {min_min} min: '
          f'{n_contacts} contacts, {n_intervals} intervals, {seconds} s; '
          f'sijin = oracle for {len(persons) - len({b[0] for b in bad})} of {len(persons)}')
    print(f'raw check-in pairs of the same index users within 60 min: {pairs} '
          f'({len(user_pairs)} distinct user pairs)')
    for b in bad[:10]:
        print('DIFFERS', b)
    sys.exit(1 if bad else 0)


if __name__ == '__main__':
    main()
