/* Little-endian fixed-width fields of the receipts' canonical byte layout (receipts.c, receipt_log.c): each put
 * writes the value at p and returns the byte after it, so a record is written field by field. Private to src/io. */
#ifndef AEON_IO_LE_BYTES_H
#define AEON_IO_LE_BYTES_H

#include <stdint.h>
#include <string.h>

static inline uint8_t *le_put_u64(uint8_t *p, uint64_t v) {
  for (int i = 0; i < 8; i++) p[i] = (uint8_t)(v >> (8 * i));
  return p + 8;
}

static inline uint8_t *le_put_u32(uint8_t *p, uint32_t v) {
  for (int i = 0; i < 4; i++) p[i] = (uint8_t)(v >> (8 * i));
  return p + 4;
}

static inline uint8_t *le_put_f64(uint8_t *p, double d) {
  uint64_t u;
  memcpy(&u, &d, sizeof u);
  return le_put_u64(p, u);
}

static inline uint64_t le_get_u64(const uint8_t *p) {
  uint64_t v = 0;
  for (int i = 0; i < 8; i++) v |= (uint64_t)p[i] << (8 * i);
  return v;
}

static inline uint32_t le_get_u32(const uint8_t *p) {
  uint32_t v = 0;
  for (int i = 0; i < 4; i++) v |= (uint32_t)p[i] << (8 * i);
  return v;
}

static inline double le_get_f64(const uint8_t *p) {
  uint64_t u = le_get_u64(p);
  double d;
  memcpy(&d, &u, sizeof d);
  return d;
}

#endif
