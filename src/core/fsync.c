/*
 * fsync — making a file's name durable (fsync.h).
 */
#include "core/fsync.h"

#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "core/err.h"

int
sj_sync_dir(const char *path)
{
	char *dir = sj_strdup(path), *slash = strrchr(dir, '/');
	int fd, err = 0;

	if (slash == NULL) {
		free(dir);
		dir = sj_strdup(".");
	} else {
		slash[slash == dir] = '\0';  /* "/k" keeps "/", "d/k" keeps "d" */
	}
	if ((fd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC)) < 0)
		err = errno;
	else {
		if (fsync(fd) != 0)
			err = errno;
		close(fd);
	}
	free(dir);
	return err;
}
