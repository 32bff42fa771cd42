# Synthetic check-ins in the format of ../shared/data/checkins (header
# user_id,venue_id,checkin_utc_epoch,checkin_utc_iso,lat,lon,category), for
# bench/import.sh: rows rows from start (epoch seconds) on, a few seconds
# apart, users 1..users, venues 1..venues, with a seed.  Popularity is
# skewed like a city's: venue = venues * u^3 for u uniform in [0, 1).
#   awk -v rows=1000000 -v users=200000 -v venues=5000 -v start=1704067200 -v seed=1 -f checkins_gen.awk
BEGIN {
	srand(seed)
	print "user_id,venue_id,checkin_utc_epoch,checkin_utc_iso,lat,lon,category"
	t = start
	for (i = 0; i < rows; i++) {
		t += int(rand() * 4)
		u = 1 + int(rand() * users)
		r = rand()
		v = 1 + int(venues * r * r * r)
		printf "%d,%d,%d,%s,,,\n", u, v, t, strftime("%Y-%m-%dT%H:%M:%SZ", t, 1)
	}
}
