/* The asynchronous tile streamer: one host I/O thread working through a FIFO
 * of tile reads and writes, so the caller prefetches the next tiles (double
 * buffering) and writes finished ones back while it computes; a request may
 * name a tile inside a column-major panel (nb, ld), read or written in place.
 * The thread only does file I/O; MPI and errors stay with the caller. */
#include <pthread.h>

#include "aeon/memory.h"
#include "drv_internal.h"

struct streamer {
  pthread_t thread;
  pthread_mutex_t lock;
  pthread_cond_t work, done;
  tf_req *head, *tail;
  int stop;
};

static tf_req *next_request(streamer *s) {
  pthread_mutex_lock(&s->lock);
  while (!s->head && !s->stop) pthread_cond_wait(&s->work, &s->lock);
  tf_req *r = s->head;
  if (r) {
    s->head = r->next;
    if (!s->head) s->tail = NULL;
  }
  pthread_mutex_unlock(&s->lock);
  return r;
}

static void *io_main(void *arg) {
  streamer *s = arg;
  tf_req *r;
  while ((r = next_request(s)) != NULL) {
    int err = tf_io(r->file, r->slot, r->buf, r->nb, r->ld, r->write);
    pthread_mutex_lock(&s->lock);
    r->err = err;
    r->done = 1;
    pthread_cond_broadcast(&s->done);
    pthread_mutex_unlock(&s->lock);
  }
  return NULL;
}

aeon_err streamer_start(streamer **out) {
  *out = NULL;
  streamer *s;
  AE_CHK(aeon_mem_alloc(sizeof *s, (void **)&s));
  pthread_mutex_init(&s->lock, NULL);
  pthread_cond_init(&s->work, NULL);
  pthread_cond_init(&s->done, NULL);
  if (pthread_create(&s->thread, NULL, io_main, s) != 0) {
    aeon_mem_free(s);
    return AE_ERR(AEON_ERR_LIB, "cannot start the I/O thread of the tile streamer");
  }
  *out = s;
  return AEON_OK;
}

void streamer_submit(streamer *s, tf_req *r) {
  r->done = 0;
  r->err = 0;
  r->next = NULL;
  pthread_mutex_lock(&s->lock);
  if (s->tail) s->tail->next = r;
  else s->head = r;
  s->tail = r;
  pthread_cond_signal(&s->work);
  pthread_mutex_unlock(&s->lock);
}

aeon_err streamer_wait(streamer *s, tf_req *r) {
  pthread_mutex_lock(&s->lock);
  while (!r->done) pthread_cond_wait(&s->done, &s->lock);
  int err = r->err;
  pthread_mutex_unlock(&s->lock);
  return err ? tf_error(r->file, r->write, r->slot, err) : AEON_OK;
}

void streamer_stop(streamer *s) {
  if (!s) return;
  pthread_mutex_lock(&s->lock);
  s->stop = 1;
  pthread_cond_signal(&s->work);
  pthread_mutex_unlock(&s->lock);
  pthread_join(s->thread, NULL);
  pthread_mutex_destroy(&s->lock);
  pthread_cond_destroy(&s->work);
  pthread_cond_destroy(&s->done);
  aeon_mem_free(s);
}
