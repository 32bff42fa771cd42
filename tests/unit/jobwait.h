/*
 * jobwait — waiting in a test for scan writer jobs (domain/writer.h) to be
 * answered: a count of jobs still unanswered, its done callback, and the
 * wait.  Static functions only, so a test includes just this header.
 */
#ifndef SJ_JOBWAIT_H
#define SJ_JOBWAIT_H

#include <pthread.h>

#include "domain/writer.h"

/* Jobs submitted together, answered each on its own: left of them still
 * unanswered (under lock). */
typedef struct jobwait {
	pthread_mutex_t lock;
	pthread_cond_t cond;
	int left;
} jobwait;

#define JOBWAIT_INIT(n) { .lock = PTHREAD_MUTEX_INITIALIZER, .cond = PTHREAD_COND_INITIALIZER, .left = (n) }

/* The done callback of a job whose cls is a jobwait. */
static inline void
jobwait_done(scan_job *job, void *cls)
{
	jobwait *b = cls;

	(void)job;
	pthread_mutex_lock(&b->lock);
	if (--b->left == 0)
		pthread_cond_signal(&b->cond);
	pthread_mutex_unlock(&b->lock);
}

/* How many of b's jobs are still unanswered, now. */
static inline int
jobwait_left(jobwait *b)
{
	int n;

	pthread_mutex_lock(&b->lock);
	n = b->left;
	pthread_mutex_unlock(&b->lock);
	return n;
}

/* Wait until every job of b is answered. */
static inline void
jobwait_all(jobwait *b)
{
	pthread_mutex_lock(&b->lock);
	while (b->left > 0)
		pthread_cond_wait(&b->cond, &b->lock);
	pthread_mutex_unlock(&b->lock);
}

#endif
