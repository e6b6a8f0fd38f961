/* Wrong networks fail when they are built, with a message that names the
   problem and the fix. -case n picks the mistake; each runs as an error test
   (tests/nn/CMakeLists.txt) that checks the exit status and the message. */
#include "nabla.h"

int main(int argc, char **argv)
{
  NbModel     m;
  NbGraph     g;
  NbTensor    X, Y, W, u, v, s, t, loss;
  PetscInt    c = 0, w[3] = {2, 8, 1};
  NbLayer     net;
  NbOptimizer opt;
  PetscReal   x[2 * 20] = {0};

  PetscCall(NbInitialize(&argc, &argv, NULL, "nn error messages"));
  PetscCall(PetscOptionsGetInt(NULL, NULL, "-case", &c, NULL));
  PetscCall(NbModelCreate(PETSC_COMM_WORLD, &m));
  PetscCall(NbModelAddMLP(m, "u", 3, w, NB_ACT_TANH, &net));
  PetscCall(NbModelAddParameter(m, "W", 4, 3, NB_INIT_NORMAL, 1, NULL));
  PetscCall(NbGraphCreate(PETSC_COMM_WORLD, &g));
  PetscCall(NbGraphAddInput(g, "colloc", 10, 2, &X));
  PetscCall(NbGraphAddInput(g, "boundary", 10, 2, &Y));
  switch (c) {
  case 1: /* shapes of a product */
    PetscCall(NbGraphAddParameter(g, m, "W", &W));
    PetscCall(NbTensorMatMul(X, W, &u));
    break;
  case 2: /* a jet with a plain point tensor */
    PetscCall(NbTensorJetSeed(X, "x,t", "x,xx", &s));
    PetscCall(NbTensorMul(s, X, &u));
    break;
  case 3: /* more points than the capacity */
    PetscCall(NbLayerApply(net, g, X, &u));
    PetscCall(NbGraphSetUp(g));
    PetscCall(NbGraphSetInput(g, X, 20, x));
    break;
  case 4: /* a loss that is not a scalar */
    PetscCall(NbLayerApply(net, g, X, &u));
    PetscCall(NbGraphSetLoss(g, u));
    break;
  case 5: /* an optimizer that does not exist */
    PetscCall(NbOptimizerCreate(m, &opt));
    PetscCall(NbOptimizerSetFromOptions(opt));
    break;
  case 6: /* a derivative along a coordinate the input does not have */
    PetscCall(NbTensorJetSeed(X, "x,t", "x,yy", &s));
    break;
  case 7: /* a point tensor that depends on a mean over points */
    PetscCall(NbLayerApply(net, g, X, &u));
    PetscCall(NbTensorMean(u, &s));
    PetscCall(NbTensorSub(u, s, &t));
    break;
  case 8: /* two point sets combined row by row */
    PetscCall(NbLayerApply(net, g, X, &u));
    PetscCall(NbLayerApply(net, g, Y, &v));
    PetscCall(NbTensorSub(u, v, &t));
    break;
  case 9: /* an input without data */
    PetscCall(NbLayerApply(net, g, X, &u));
    PetscCall(NbTensorMeanSquare(u, &loss));
    PetscCall(NbGraphSetLoss(g, loss));
    PetscCall(NbGraphSetUp(g));
    PetscCall(NbGraphComputeLossGradient(g, NULL));
    break;
  case 10: /* a jet component that was not requested */
    PetscCall(NbTensorJetSeed(X, "x,t", "x,t", &s));
    PetscCall(NbLayerApply(net, g, s, &u));
    PetscCall(NbTensorJetComponent(u, "xx", &t));
    break;
  }
  PetscCall(NbGraphDestroy(&g));
  PetscCall(NbModelDestroy(&m));
  PetscCall(NbFinalize());
  return 0;
}
