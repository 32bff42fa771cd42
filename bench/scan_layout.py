#!/usr/bin/env python3
"""Bytes per scan of candidate SQLite layouts for the scan table (issue 5:
at most 64 bytes a scan on disk, indexes included), measured the way the
writer fills them: a district-like day written in time order, 1,000 rows a
transaction.

    python3 bench/scan_layout.py [PEOPLE] [PLACES] [DAYS]
    (default 400000 people, 20000 places, 1 day: 2,000,000 scans)

Each person scans 5 times a day: out of their home place in the morning, in
and out of another place, home in the evening, into a third place.  Rows
carry what sijin stores: place, checkpoint, person, time (seconds), the
packed kind (1 byte), a temperature on entries, the reasons (0), the
operator, the stay length on entries, and a 47-bit idempotency key
fingerprint.  Sizes come from SQLite's dbstat after a checkpoint.  Python's
sqlite3 module and the system's libsqlite3 (3.40 on Debian 12).
"""
import os
import random
import sqlite3
import sys
import tempfile
import time

LAYOUTS = {
    'A separate stay table (rowid scans + place index; stays + 2 indexes)': """
        CREATE TABLE scan (id INTEGER PRIMARY KEY, place_id INT NOT NULL, checkpoint_id INT NOT NULL,
          person_id INT, at INT NOT NULL, kind INT NOT NULL, temperature INT, reasons INT NOT NULL,
          operator_id INT, key_fp INT) STRICT;
        CREATE INDEX scan_by_place ON scan (place_id, at);
        CREATE TABLE stay (id INTEGER PRIMARY KEY, place_id INT NOT NULL, person_id INT NOT NULL,
          entry_at INT NOT NULL, stay_s INT NOT NULL, flags INT NOT NULL) STRICT;
        CREATE INDEX stay_by_person ON stay (person_id, entry_at);
        CREATE INDEX stay_by_place ON stay (place_id, entry_at);""",
    'B stays in scan rows, rowid, (place, at) and (person, at) indexes': """
        CREATE TABLE scan (id INTEGER PRIMARY KEY, place_id INT NOT NULL, checkpoint_id INT NOT NULL,
          person_id INT, at INT NOT NULL, kind INT NOT NULL, temperature INT, reasons INT NOT NULL,
          operator_id INT, stay_s INT, key_fp INT) STRICT;
        CREATE INDEX scan_by_place ON scan (place_id, at);
        CREATE INDEX scan_by_person ON scan (person_id, at);""",
    'C stays in scan rows, rowid, (place) and (person) indexes': """
        CREATE TABLE scan (id INTEGER PRIMARY KEY, place_id INT NOT NULL, checkpoint_id INT NOT NULL,
          person_id INT, at INT NOT NULL, kind INT NOT NULL, temperature INT, reasons INT NOT NULL,
          operator_id INT, stay_s INT, key_fp INT) STRICT;
        CREATE INDEX scan_by_place ON scan (place_id);
        CREATE INDEX scan_by_person ON scan (person_id);""",
    'D chosen: WITHOUT ROWID (place_id, id), index (person_id, place_id, id)': """
        CREATE TABLE scan (place_id INT NOT NULL, id INT NOT NULL, checkpoint_id INT NOT NULL,
          person_id INT, at INT NOT NULL, kind INT NOT NULL, temperature INT, reasons INT NOT NULL,
          operator_id INT, stay_s INT, key_fp INT, PRIMARY KEY (place_id, id)) STRICT, WITHOUT ROWID;
        CREATE INDEX scan_by_person ON scan (person_id, place_id, id);""",
    'E WITHOUT ROWID (place_id, at, id), index (person_id, place_id, at)': """
        CREATE TABLE scan (place_id INT NOT NULL, at INT NOT NULL, id INT NOT NULL,
          checkpoint_id INT NOT NULL, person_id INT, kind INT NOT NULL, temperature INT,
          reasons INT NOT NULL, operator_id INT, stay_s INT, key_fp INT,
          PRIMARY KEY (place_id, at, id)) STRICT, WITHOUT ROWID;
        CREATE INDEX scan_by_person ON scan (person_id, place_id, at);""",
}


def day_of_scans(rng, people, places, days):
    t0 = 1584892800  # 2020-03-23T00:00:00+08:00
    home = [rng.randrange(places) for _ in range(people)]
    events = []
    for d in range(days):
        base = t0 + d * 86400
        for p in range(people):
            h, w, x = home[p] + 1, rng.randrange(places) + 1, rng.randrange(places) + 1
            a = base + rng.randint(6 * 3600, 9 * 3600)
            b = a + rng.randint(600, 3 * 3600)
            c = b + rng.randint(600, 4 * 3600)
            f = c + rng.randint(0, 3 * 3600)
            events += [(a, h, p + 1, 1), (b, w, p + 1, 0), (c, w, p + 1, 1), (f, h, p + 1, 0),
                       (f + rng.randint(60, 3600), x, p + 1, 0)]
    events.sort()
    return events


def measure(name, schema, events, rng):
    path = tempfile.mktemp(suffix='.db')
    db = sqlite3.connect(path, isolation_level=None)
    db.execute('PRAGMA journal_mode=WAL')
    db.execute('PRAGMA synchronous=OFF')
    db.execute('PRAGMA cache_size=-262144')
    db.executescript(schema)
    separate = 'CREATE TABLE stay' in schema
    start = time.time()
    for i in range(0, len(events), 1000):
        db.execute('BEGIN')
        rows, stays = [], []
        for j, (at, place, person, out) in enumerate(events[i:i + 1000]):
            sid = i + j + 1
            temp = None if out else rng.randint(358, 372)
            kind = out | (0 if out else 1 << 3) | 2 << 5  # direction, stay role, source
            stay = None if out else 7200
            fp = rng.getrandbits(47)
            if separate:
                rows.append((sid, place, place, person, at, kind, temp, 0, 3, fp))
                if not out:
                    stays.append((place, person, at, 7200))
            else:
                rows.append((place, sid, place, person, at, kind, temp, 0, 3, stay, fp))
        if separate:
            db.executemany('INSERT INTO scan VALUES (?,?,?,?,?,?,?,?,?,?)', rows)
            db.executemany('INSERT INTO stay (place_id, person_id, entry_at, stay_s, flags)'
                           ' VALUES (?,?,?,?,0)', stays)
        else:
            db.executemany('INSERT INTO scan (place_id, id, checkpoint_id, person_id, at, kind,'
                           ' temperature, reasons, operator_id, stay_s, key_fp)'
                           ' VALUES (?,?,?,?,?,?,?,?,?,?,?)', rows)
        db.execute('COMMIT')
    seconds = time.time() - start
    db.execute('PRAGMA wal_checkpoint(TRUNCATE)')
    parts = db.execute('SELECT name, sum(pgsize), sum(unused) FROM dbstat'
                       " WHERE name NOT LIKE 'sqlite_%' GROUP BY name ORDER BY name").fetchall()
    total = sum(p[1] for p in parts)
    n = len(events)
    print(f'{name}\n  {total / n:.1f} bytes/scan ({n / seconds:,.0f} rows/s written)')
    for part, size, unused in parts:
        print(f'    {part:16} {size / n:6.1f} bytes/scan, {100 * unused / size:4.1f}% unused')
    db.close()
    for suffix in ('', '-wal', '-shm'):
        if os.path.exists(path + suffix):
            os.remove(path + suffix)


def main():
    people = int(sys.argv[1]) if len(sys.argv) > 1 else 400000
    places = int(sys.argv[2]) if len(sys.argv) > 2 else 20000
    days = int(sys.argv[3]) if len(sys.argv) > 3 else 1
    rng = random.Random(1)
    events = day_of_scans(rng, people, places, days)
    print(f'{len(events):,} scans: {people:,} people, {places:,} places, {days} day(s); '
          f'SQLite {sqlite3.sqlite_version}')
    for name, schema in LAYOUTS.items():
        measure(name, schema, events, random.Random(2))


if __name__ == '__main__':
    main()
