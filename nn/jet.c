/* Jets: forward-mode derivatives with respect to input coordinates, carried
   through the graph as extra components of a tensor (value, first
   derivatives, requested second derivatives), each op propagating them with
   the chain rule up to second order:
     y = f(z):   y_i = f'(z) z_i,   y_pq = f''(z) z_p z_q + f'(z) z_pq
     y = a b:    y_i = a_i b + a b_i,   y_pq = a_pq b + a_p b_q + a_q b_p + a b_pq
   Matrix products and sums are linear, so they act on every component alike.
   Because the jet components are ordinary node values with exact backward
   rules, reverse mode through them gives the exact parameter gradient of any
   residual built from u, u_x, u_xx, ... (the same structure as Taylor-mode
   AD, Bettencourt, Johnson & Duvenaud 2019, truncated at order two). */
#pragma GCC optimize("fp-contract=fast")
#include "nnimpl.h"
#include "nnsimd.h"
#include <string.h>

PetscBool NbJetSpecEqual_Private(const NbJetSpec *a, const NbJetSpec *b)
{
  if (a == b) return PETSC_TRUE;
  if (!a || !b || a->K != b->K || a->nfirst != b->nfirst || a->ncoord != b->ncoord) return PETSC_FALSE;
  for (PetscInt c = 0; c < a->K; c++)
    if (strcmp(a->name[c], b->name[c])) return PETSC_FALSE;
  return PETSC_TRUE;
}

static PetscErrorCode SplitLetters(const char s[], char out[], PetscInt max, PetscInt *n, const char what[])
{
  PetscInt k = 0;

  PetscFunctionBegin;
  *n = 0;
  for (const char *c = s; *c; c++) {
    if (*c == ',' || *c == ' ') continue;
    PetscCheck((*c >= 'a' && *c <= 'z') || (*c >= 'A' && *c <= 'Z'), PETSC_COMM_SELF, PETSC_ERR_ARG_WRONG, "Jet %s '%s': coordinate names are single letters separated by commas, like \"x,t\"", what, s);
    PetscCheck(c[1] == 0 || c[1] == ',' || c[1] == ' ', PETSC_COMM_SELF, PETSC_ERR_ARG_WRONG, "Jet %s '%s': coordinate names are single letters separated by commas, like \"x,t\"", what, s);
    PetscCheck(k < max, PETSC_COMM_SELF, PETSC_ERR_SUP, "Jet %s '%s': at most %" PetscInt_FMT " coordinates", what, s, max);
    out[k++] = *c;
  }
  *n = k;
  PetscFunctionReturn(PETSC_SUCCESS);
}

static PetscInt CoordIndex(const NbJetSpec *J, char c)
{
  for (PetscInt i = 0; i < J->ncoord; i++)
    if (J->coord[i] == c) return i;
  return -1;
}

static PetscInt FirstIndex(const NbJetSpec *J, PetscInt coord)
{
  for (PetscInt i = 0; i < J->nfirst; i++)
    if (J->first[i] == coord) return i;
  return -1;
}

PetscErrorCode NbJetSpecCreate_Private(NbGraph g, const char coords[], const char derivs[], const NbJetSpec **spec)
{
  NbJetSpec *J;
  char       tok[NB_JET_MAX][4];
  PetscInt   ntok = 0, len = 0;

  PetscFunctionBegin;
  PetscCheck(g->njets < (PetscInt)PETSC_STATIC_ARRAY_LENGTH(g->jets), g->comm, PETSC_ERR_SUP, "At most %d jet seeds per graph", (int)PETSC_STATIC_ARRAY_LENGTH(g->jets));
  PetscCall(PetscNew(&J));
  g->jets[g->njets++] = J;
  PetscCall(SplitLetters(coords, J->coord, NB_COORD_MAX, &J->ncoord, "coordinates"));
  for (const char *c = derivs;; c++) {
    if (*c == ',' || *c == ' ' || *c == 0) {
      if (len) {
        PetscCheck(len <= 2, g->comm, PETSC_ERR_SUP, "Jet derivative '%.*s' in '%s': only first (\"x\") and second (\"xx\", \"xt\") derivatives are supported", (int)len, c - len, derivs);
        PetscCheck(ntok < NB_JET_MAX, g->comm, PETSC_ERR_SUP, "Jet '%s': too many derivatives", derivs);
        PetscCall(PetscMemzero(tok[ntok], sizeof(tok[ntok])));
        PetscCall(PetscMemcpy(tok[ntok], c - len, len));
        ntok++;
      }
      len = 0;
      if (*c == 0) break;
    } else len++;
  }
  /* first derivatives: the requested ones in order, then those second ones need */
  for (PetscInt pass = 0; pass < 2; pass++)
    for (PetscInt t = 0; t < ntok; t++) {
      PetscInt nl = (PetscInt)strlen(tok[t]);
      if ((pass == 0) != (nl == 1)) continue;
      for (PetscInt l = 0; l < nl; l++) {
        PetscInt c = CoordIndex(J, tok[t][l]);
        PetscCheck(c >= 0, g->comm, PETSC_ERR_ARG_WRONG, "Jet derivative '%s': '%c' is not one of the coordinates '%s'", tok[t], tok[t][l], coords);
        if (FirstIndex(J, c) < 0) {
          PetscCheck(1 + J->nfirst < NB_JET_MAX, g->comm, PETSC_ERR_SUP, "Jet '%s': too many components", derivs);
          J->first[J->nfirst++] = c;
        }
      }
    }
  for (PetscInt t = 0; t < ntok; t++) {
    PetscInt p, q, dup = 0;
    if (strlen(tok[t]) != 2) continue;
    p = FirstIndex(J, CoordIndex(J, tok[t][0]));
    q = FirstIndex(J, CoordIndex(J, tok[t][1]));
    if (p > q) {
      PetscInt s = p;
      p          = q;
      q          = s;
    }
    for (PetscInt s = 0; s < J->nsecond; s++) dup |= J->pair[s][0] == p && J->pair[s][1] == q;
    if (dup) continue;
    PetscCheck(1 + J->nfirst + J->nsecond < NB_JET_MAX, g->comm, PETSC_ERR_SUP, "Jet '%s': too many components", derivs);
    J->pair[J->nsecond][0] = p;
    J->pair[J->nsecond][1] = q;
    J->nsecond++;
  }
  J->K = 1 + J->nfirst + J->nsecond;
  /* which second derivatives involve each first one (a pure one twice) */
  for (PetscInt s = 0; s < J->nsecond; s++)
    for (PetscInt e = 0; e < 2; e++) {
      PetscInt i = J->pair[s][e], o = J->pair[s][1 - e];
      J->inc[i][J->ninc[i]][0] = s;
      J->inc[i][J->ninc[i]][1] = o;
      J->ninc[i]++;
    }
  for (PetscInt i = 0; i < J->nfirst; i++) J->name[1 + i][0] = J->coord[J->first[i]];
  for (PetscInt s = 0; s < J->nsecond; s++) {
    J->name[1 + J->nfirst + s][0] = J->coord[J->first[J->pair[s][0]]];
    J->name[1 + J->nfirst + s][1] = J->coord[J->first[J->pair[s][1]]];
  }
  *spec = J;
  PetscFunctionReturn(PETSC_SUCCESS);
}

PetscErrorCode NbJetFindComponent_Private(const NbJetSpec *J, const char d[], PetscInt *comp)
{
  size_t len;

  PetscFunctionBegin;
  *comp = -1;
  PetscCall(PetscStrlen(d, &len));
  if (len == 0 || (len == 1 && d[0] == 'u')) *comp = 0;
  for (PetscInt c = 1; c < J->K; c++) {
    const char *n = J->name[c];
    if (len == 1 && n[1] == 0 && n[0] == d[0]) *comp = c;
    if (len == 2 && n[1] && ((n[0] == d[0] && n[1] == d[1]) || (n[0] == d[1] && n[1] == d[0]))) *comp = c;
  }
  PetscFunctionReturn(PETSC_SUCCESS);
}

/* ------------------------------------------------------------ jet kernels
   One pass over the lanes, 8 at a time, all components in registers or L1;
   a scalar tail for lane counts that are not multiples of 8 (constants). */
void NbJetUnaryForward_Private(const NbJetSpec *J, PetscInt T, PetscInt n, const PetscReal *z, PetscReal *y, const PetscReal *f1, const PetscReal *f2)
{
  const PetscInt m = J->nfirst, ns = J->nsecond;
  PetscInt       l = 0;

  for (; l + 8 <= n; l += 8) {
    v8d F1 = Ld(f1 + l), F2 = Ld(f2 + l);
    for (PetscInt i = 1; i <= m; i++) St(y + i * T + l, F1 * Ld(z + i * T + l));
    for (PetscInt s = 0; s < ns; s++) {
      PetscInt c = 1 + m + s, p = 1 + J->pair[s][0], q = 1 + J->pair[s][1];
      St(y + c * T + l, F2 * Ld(z + p * T + l) * Ld(z + q * T + l) + F1 * Ld(z + c * T + l));
    }
  }
  for (; l < n; l++) {
    for (PetscInt i = 1; i <= m; i++) y[i * T + l] = f1[l] * z[i * T + l];
    for (PetscInt s = 0; s < ns; s++) {
      PetscInt c = 1 + m + s, p = 1 + J->pair[s][0], q = 1 + J->pair[s][1];
      y[c * T + l] = f2[l] * z[p * T + l] * z[q * T + l] + f1[l] * z[c * T + l];
    }
  }
}

/* gz0 += gy0 f' + sum_i gy_i f'' z_i + sum_pq gy_pq (f''' z_p z_q + f'' z_pq)
   gz_i += gy_i f' + sum over the second derivatives pq that involve i of gy_pq f'' z_other
   gz_pq += gy_pq f'
   Each gradient component is summed in registers and stored once: storing
   a vector and loading it again at once (gz_x for the pair xx) stalls. */
void NbJetUnaryBackward_Private(const NbJetSpec *J, PetscInt T, PetscInt n, const PetscReal *z, const PetscReal *gy, PetscReal *gz, const PetscReal *f1, const PetscReal *f2, const PetscReal *f3)
{
  const PetscInt m = J->nfirst, ns = J->nsecond;
  PetscInt       l = 0;

  for (; l + 8 <= n; l += 8) {
    v8d F1 = Ld(f1 + l), F2 = Ld(f2 + l), F3 = Ld(f3 + l), G0 = Ld(gy + l) * F1;
    for (PetscInt i = 0; i < m; i++) {
      v8d gyi = Ld(gy + (1 + i) * T + l), acc = gyi * F1;
      G0 += gyi * F2 * Ld(z + (1 + i) * T + l);
      for (PetscInt k = 0; k < J->ninc[i]; k++) acc += Ld(gy + (1 + m + J->inc[i][k][0]) * T + l) * F2 * Ld(z + (1 + J->inc[i][k][1]) * T + l);
      St(gz + (1 + i) * T + l, Ld(gz + (1 + i) * T + l) + acc);
    }
    for (PetscInt s = 0; s < ns; s++) {
      PetscInt c = 1 + m + s, p = 1 + J->pair[s][0], q = 1 + J->pair[s][1];
      v8d      gys = Ld(gy + c * T + l);
      G0 += gys * (F3 * Ld(z + p * T + l) * Ld(z + q * T + l) + F2 * Ld(z + c * T + l));
      St(gz + c * T + l, Ld(gz + c * T + l) + gys * F1);
    }
    St(gz + l, Ld(gz + l) + G0);
  }
  for (; l < n; l++) {
    PetscReal g0 = gy[l] * f1[l];
    for (PetscInt i = 0; i < m; i++) {
      PetscReal gyi = gy[(1 + i) * T + l], acc = gyi * f1[l];
      g0 += gyi * f2[l] * z[(1 + i) * T + l];
      for (PetscInt k = 0; k < J->ninc[i]; k++) acc += gy[(1 + m + J->inc[i][k][0]) * T + l] * f2[l] * z[(1 + J->inc[i][k][1]) * T + l];
      gz[(1 + i) * T + l] += acc;
    }
    for (PetscInt s = 0; s < ns; s++) {
      PetscInt  c = 1 + m + s, p = 1 + J->pair[s][0], q = 1 + J->pair[s][1];
      PetscReal gys = gy[c * T + l];
      g0 += gys * (f3[l] * z[p * T + l] * z[q * T + l] + f2[l] * z[c * T + l]);
      gz[c * T + l] += gys * f1[l];
    }
    gz[l] += g0;
  }
}

/* ------------------------------------------------------------ tanh jets
   The activation of every PINN layer, fused: y = tanh z with f' = 1 - y^2,
   f'' = -2 y f', f''' = -2 f' (1 - 3 y^2) computed from y, then the jet
   rules above. The backward goes in blocks of 64 lanes (8 vectors): one
   short pass per component with its pointers fixed, so the loops over
   components run once per block, not once per vector. n is a multiple of 8 for point
   tensors; a constant tensor's tail uses libm. With overwrite, gz is written
   rather than accumulated (its first writer). */
#define NB_TB 8 /* vectors per block */

void NbJetTanhForward_Private(const NbJetSpec *J, PetscInt K, PetscInt T, PetscInt n, const PetscReal *z, PetscReal *y)
{
  const PetscInt m = K > 1 ? J->nfirst : 0, ns = K > 1 ? J->nsecond : 0;
  PetscInt       l = 0;

  /* forward: per vector (measured faster than blocks here: the comps' loads
     overlap the tanh's arithmetic) */
  for (; l + 8 <= n; l += 8) {
    v8d y0 = VTanh(Ld(z + l)), F1, F2;
    St(y + l, y0);
    if (K == 1) continue;
    F1 = 1 - y0 * y0;
    F2 = -2 * y0 * F1;
    for (PetscInt i = 1; i <= m; i++) St(y + i * T + l, F1 * Ld(z + i * T + l));
    for (PetscInt s = 0; s < ns; s++) {
      PetscInt c = 1 + m + s, p = 1 + J->pair[s][0], q = 1 + J->pair[s][1];
      St(y + c * T + l, F2 * Ld(z + p * T + l) * Ld(z + q * T + l) + F1 * Ld(z + c * T + l));
    }
  }
  for (; l < n; l++) {
    PetscReal y0 = PetscTanhReal(z[l]), f1 = 1 - y0 * y0, f2 = -2 * y0 * f1;
    y[l] = y0;
    for (PetscInt i = 1; i <= m; i++) y[i * T + l] = f1 * z[i * T + l];
    for (PetscInt s = 0; s < ns; s++) {
      PetscInt c = 1 + m + s, p = 1 + J->pair[s][0], q = 1 + J->pair[s][1];
      y[c * T + l] = f2 * z[p * T + l] * z[q * T + l] + f1 * z[c * T + l];
    }
  }
}

/* one block of nv vectors (nv <= NB_TB) */
/* gz + a, or a alone when the first writer overwrites: a select, not 0 * gz,
   which would keep a NaN or inf left in the (pooled) buffer by the padding
   lanes of another tile */
static inline v8d AddTo(PetscBool add, const PetscReal *gz, v8d a) { return add ? Ld(gz) + a : a; }

static inline __attribute__((always_inline)) void TanhBackwardBlock(const int nv, const NbJetSpec *J, PetscInt m, PetscInt ns, PetscInt T, const PetscReal *z, const PetscReal *y, const PetscReal *gy, PetscReal *gz, PetscBool add)
{
  v8d F1[NB_TB], F2[NB_TB], F3[NB_TB], G0[NB_TB];

  for (int v = 0; v < nv; v++) {
    v8d y0 = Ld(y + 8 * v);
    F1[v]  = 1 - y0 * y0;
    G0[v]  = Ld(gy + 8 * v) * F1[v];
    F2[v]  = -2 * y0 * F1[v];
    F3[v]  = -2 * F1[v] * (1 - 3 * y0 * y0);
  }
  for (PetscInt i = 0; i < m; i++) {
    const PetscReal *zi = z + (1 + i) * T, *gyi = gy + (1 + i) * T;
    PetscReal       *gzi = gz + (1 + i) * T;
    v8d              acc[NB_TB];
    for (int v = 0; v < nv; v++) {
      v8d g = Ld(gyi + 8 * v);
      G0[v] += g * F2[v] * Ld(zi + 8 * v);
      acc[v] = g * F1[v];
    }
    for (PetscInt k = 0; k < J->ninc[i]; k++) {
      const PetscReal *gys = gy + (1 + m + J->inc[i][k][0]) * T, *zo = z + (1 + J->inc[i][k][1]) * T;
      for (int v = 0; v < nv; v++) acc[v] += Ld(gys + 8 * v) * F2[v] * Ld(zo + 8 * v);
    }
    for (int v = 0; v < nv; v++) St(gzi + 8 * v, AddTo(add, gzi + 8 * v, acc[v]));
  }
  for (PetscInt s = 0; s < ns; s++) {
    PetscInt         c = 1 + m + s;
    const PetscReal *zp = z + (1 + J->pair[s][0]) * T, *zq = z + (1 + J->pair[s][1]) * T, *zs = z + c * T, *gys = gy + c * T;
    PetscReal       *gzs = gz + c * T;
    for (int v = 0; v < nv; v++) {
      v8d g = Ld(gys + 8 * v);
      G0[v] += g * (F3[v] * Ld(zp + 8 * v) * Ld(zq + 8 * v) + F2[v] * Ld(zs + 8 * v));
      St(gzs + 8 * v, AddTo(add, gzs + 8 * v, g * F1[v]));
    }
  }
  for (int v = 0; v < nv; v++) St(gz + 8 * v, AddTo(add, gz + 8 * v, G0[v]));
}

void NbJetTanhBackward_Private(const NbJetSpec *J, PetscInt K, PetscInt T, PetscInt n, const PetscReal *z, const PetscReal *y, const PetscReal *gy, PetscReal *gz, PetscBool overwrite)
{
  const PetscInt m = K > 1 ? J->nfirst : 0, ns = K > 1 ? J->nsecond : 0;
  const PetscBool add = (PetscBool)!overwrite;
  PetscInt       l = 0;

  for (; l + 8 * NB_TB <= n; l += 8 * NB_TB) TanhBackwardBlock(NB_TB, J, m, ns, T, z + l, y + l, gy + l, gz + l, add);
  for (; l + 8 <= n; l += 8) TanhBackwardBlock(1, J, m, ns, T, z + l, y + l, gy + l, gz + l, add);
  for (; l < n; l++) {
    PetscReal y0 = y[l], f1 = 1 - y0 * y0, f2 = -2 * y0 * f1, f3 = -2 * f1 * (1 - 3 * y0 * y0), g0 = gy[l] * f1;
    for (PetscInt i = 0; i < m; i++) {
      PetscReal gyi = gy[(1 + i) * T + l], acc = gyi * f1;
      g0 += gyi * f2 * z[(1 + i) * T + l];
      for (PetscInt k = 0; k < J->ninc[i]; k++) acc += gy[(1 + m + J->inc[i][k][0]) * T + l] * f2 * z[(1 + J->inc[i][k][1]) * T + l];
      gz[(1 + i) * T + l] = add ? gz[(1 + i) * T + l] + acc : acc;
    }
    for (PetscInt s = 0; s < ns; s++) {
      PetscInt  c = 1 + m + s, p = 1 + J->pair[s][0], q = 1 + J->pair[s][1];
      PetscReal gys = gy[c * T + l];
      g0 += gys * (f3 * z[p * T + l] * z[q * T + l] + f2 * z[c * T + l]);
      gz[c * T + l] = add ? gz[c * T + l] + gys * f1 : gys * f1;
    }
    gz[l] = add ? gz[l] + g0 : g0;
  }
}

void NbJetMulForward_Private(const NbJetSpec *J, PetscInt T, PetscInt n, const PetscReal *a, const PetscReal *b, PetscReal *y)
{
  for (PetscInt l = 0; l < n; l++) y[l] = a[l] * b[l];
  for (PetscInt i = 1; i <= J->nfirst; i++)
    for (PetscInt l = 0; l < n; l++) y[i * T + l] = a[i * T + l] * b[l] + a[l] * b[i * T + l];
  for (PetscInt s = 0; s < J->nsecond; s++) {
    PetscInt c = 1 + J->nfirst + s, p = 1 + J->pair[s][0], q = 1 + J->pair[s][1];
    for (PetscInt l = 0; l < n; l++) y[c * T + l] = a[c * T + l] * b[l] + a[p * T + l] * b[q * T + l] + a[q * T + l] * b[p * T + l] + a[l] * b[c * T + l];
  }
}

/* reverse of the product rule for one factor: ga += d(a b)/da^T gy,
   one pass per component of ga (see the note on stores above) */
static void JetMulBackwardOne(const NbJetSpec *J, PetscInt T, PetscInt n, const PetscReal *b, const PetscReal *gy, PetscReal *ga)
{
  const PetscInt m = J->nfirst, ns = J->nsecond;

  for (PetscInt l = 0; l < n; l++) {
    PetscReal g0 = gy[l] * b[l];
    for (PetscInt i = 1; i <= m; i++) g0 += gy[i * T + l] * b[i * T + l];
    for (PetscInt s = 0; s < ns; s++) g0 += gy[(1 + m + s) * T + l] * b[(1 + m + s) * T + l];
    ga[l] += g0;
  }
  for (PetscInt i = 0; i < m; i++)
    for (PetscInt l = 0; l < n; l++) {
      PetscReal acc = gy[(1 + i) * T + l] * b[l];
      for (PetscInt k = 0; k < J->ninc[i]; k++) acc += gy[(1 + m + J->inc[i][k][0]) * T + l] * b[(1 + J->inc[i][k][1]) * T + l];
      ga[(1 + i) * T + l] += acc;
    }
  for (PetscInt s = 0; s < ns; s++)
    for (PetscInt l = 0; l < n; l++) ga[(1 + m + s) * T + l] += gy[(1 + m + s) * T + l] * b[l];
}

void NbJetMulBackward_Private(const NbJetSpec *J, PetscInt T, PetscInt n, const PetscReal *a, const PetscReal *b, const PetscReal *gy, PetscReal *ga, PetscReal *gb)
{
  if (ga) JetMulBackwardOne(J, T, n, b, gy, ga);
  if (gb) JetMulBackwardOne(J, T, n, a, gy, gb);
}

/* ------------------------------------------------------------ seed and views */
static PetscErrorCode SeedForward(NbNode y, const NbTile *t)
{
  NbNode           x = y->in[0];
  const NbJetSpec *J = y->jet;

  PetscFunctionBegin;
  for (PetscInt p = 0; p < y->cols; p++) {
    PetscReal *yp = y->val + p * y->ld;
    PetscCall(PetscArraycpy(yp, x->val + p * x->ld, t->n8));
    for (PetscInt c = 1; c < y->K; c++) {
      PetscReal s = (c <= J->nfirst && J->first[c - 1] == p) ? 1.0 : 0.0;
      for (PetscInt l = 0; l < t->n8; l++) yp[c * y->T + l] = s;
    }
  }
  PetscFunctionReturn(PETSC_SUCCESS);
}

static PetscErrorCode SeedBackward(NbNode y, const NbTile *t, const PetscBool need[])
{
  NbNode x = y->in[0];

  PetscFunctionBegin;
  for (PetscInt p = 0; p < y->cols; p++)
    for (PetscInt l = 0; l < t->n8; l++) x->grad[p * x->ld + l] += y->grad[p * y->ld + l];
  PetscFunctionReturn(PETSC_SUCCESS);
}

static const NbOp OpSeed = {"jetseed", SeedForward, SeedBackward, NB_PARTIAL_NONE, PETSC_FALSE};

PetscErrorCode NbTensorJetSeed(NbTensor x, const char coords[], const char derivs[], NbTensor *y)
{
  NbGraph          g = x->g;
  const NbJetSpec *J;
  NbNode           v;

  PetscFunctionBegin;
  PetscCheck(x->kind == NB_KIND_POINT && x->K == 1, g->comm, PETSC_ERR_ARG_WRONG, "NbTensorJetSeed: the coordinates must be a plain point tensor (an input, or points computed from one)");
  PetscCall(NbJetSpecCreate_Private(g, coords, derivs, &J));
  PetscCheck(J->ncoord == x->cols, g->comm, PETSC_ERR_ARG_SIZ, "NbTensorJetSeed: '%s' names %" PetscInt_FMT " coordinates but the tensor has %" PetscInt_FMT " columns", coords, J->ncoord, x->cols);
  PetscCall(NbNodeCreate_Private(g, &OpSeed, 1, &x, &v));
  PetscCall(NbNodeSetShapeLike_Private(v, x, x->cols));
  v->K   = J->K;
  v->jet = J;
  *y     = v;
  PetscFunctionReturn(PETSC_SUCCESS);
}

static const NbOp OpComponent = {"jetcomp", NbViewForward_Private, NULL, NB_PARTIAL_LINEAR, PETSC_FALSE};

PetscErrorCode NbTensorJetComponent(NbTensor x, const char deriv[], NbTensor *y)
{
  NbGraph  g = x->g;
  PetscInt c = 0;
  NbNode   v;

  PetscFunctionBegin;
  if (x->K == 1) {
    size_t len;
    PetscCall(PetscStrlen(deriv, &len));
    PetscCheck(len == 0, g->comm, PETSC_ERR_ARG_WRONG, "NbTensorJetComponent: the tensor carries no jet, so it has no derivative '%s'; seed the input with NbTensorJetSeed", deriv);
    *y = x;
    PetscFunctionReturn(PETSC_SUCCESS);
  }
  PetscCall(NbJetFindComponent_Private(x->jet, deriv, &c));
  if (c < 0) {
    char list[128] = "value";
    for (PetscInt k = 1; k < x->jet->K; k++) {
      PetscCall(PetscStrlcat(list, ", ", sizeof(list)));
      PetscCall(PetscStrlcat(list, x->jet->name[k], sizeof(list)));
    }
    SETERRQ(g->comm, PETSC_ERR_ARG_WRONG, "NbTensorJetComponent: the jet carries no derivative '%s' (it has: %s); request it in NbTensorJetSeed", deriv, list);
  }
  PetscCall(NbNodeCreate_Private(g, &OpComponent, 1, &x, &v));
  PetscCall(NbNodeSetShapeLike_Private(v, x, x->cols));
  v->K       = 1;
  v->jet     = NULL;
  v->isview  = PETSC_TRUE;
  v->iarg[0] = c;
  *y         = v;
  PetscFunctionReturn(PETSC_SUCCESS);
}
