/*
 * syncfault — a failed sync of the scan writer's log, made in a test
 * (domain/writer.c, SQLite's syncer): the syncer's descriptor of the WAL
 * replaced in this process's descriptor table.  Used by test_writer.c and
 * test_health.c.  Static functions only, so a test includes just this
 * header.
 */
#ifndef SJ_SYNCFAULT_H
#define SJ_SYNCFAULT_H

#include <dirent.h>
#include <fcntl.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

/* The syncer's descriptor of the log (the only one open read-only on it:
 * SQLite's are read-write) made a copy of descriptor with, or (with < 0) a
 * pipe, on which fdatasync fails (EINVAL): the syncer's next sync fails
 * once (wal_sync then finds the log is another file and goes back to it).
 * Returns false when it is not found. */
static inline bool
replace_syncer_fd(const char *wal, int with)
{
	char link[64], target[4096], info[64], line[128];
	bool done = false;
	DIR *d = opendir("/proc/self/fd");
	struct dirent *de;

	while (d && !done && (de = readdir(d)) != NULL) {
		int fd = atoi(de->d_name), p[2];
		ssize_t n;
		FILE *fi;
		long flags = -1;

		if (de->d_name[0] == '.')
			continue;
		snprintf(link, sizeof link, "/proc/self/fd/%d", fd);
		if ((n = readlink(link, target, sizeof target - 1)) <= 0)
			continue;
		target[n] = '\0';
		if (strcmp(target, wal) != 0)
			continue;
		snprintf(info, sizeof info, "/proc/self/fdinfo/%d", fd);
		if ((fi = fopen(info, "r")) == NULL)
			continue;
		while (fgets(line, sizeof line, fi))
			if (strncmp(line, "flags:", 6) == 0)
				flags = strtol(line + 6, NULL, 8);
		fclose(fi);
		if (flags < 0 || (flags & O_ACCMODE) != O_RDONLY)
			continue;
		if (with >= 0) {
			done = dup2(with, fd) == fd;
			continue;
		}
		if (pipe(p) != 0)
			continue;
		done = dup2(p[0], fd) == fd;
		close(p[0]);
		close(p[1]);
	}
	if (d)
		closedir(d);
	return done;
}

static inline bool
break_syncer_fd(const char *wal)
{
	return replace_syncer_fd(wal, -1);
}

#endif
