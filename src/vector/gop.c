/* Calls through the operator and preconditioner interfaces of aeon/gop.h. */
#include <string.h>

#include "aeon/gop.h"

aeon_err aeon_gop_apply(const aeon_gop *op, aeon_gvec *x, aeon_gvec *y) {
  if (!op || !op->apply) return AE_ERR(AEON_ERR_INTERNAL, "operator has no apply");
  AE_CHK(op->apply(op->ctx, x, y));
  return AEON_OK;
}

void aeon_gop_destroy(aeon_gop *op) {
  if (!op) return;
  if (op->destroy) op->destroy(op->ctx);
  memset(op, 0, sizeof *op);
}

aeon_err aeon_gpc_apply(const aeon_gpc *pc, aeon_gvec *r, aeon_gvec *z) {
  if (!pc || !pc->apply) {
    AE_CHK(aeon_gvec_scale(1.0, r, z));
    return AEON_OK;
  }
  AE_CHK(pc->apply(pc->ctx, r, z));
  return AEON_OK;
}

void aeon_gpc_destroy(aeon_gpc *pc) {
  if (!pc) return;
  if (pc->destroy) pc->destroy(pc->ctx);
  memset(pc, 0, sizeof *pc);
}
