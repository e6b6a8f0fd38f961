/* nabla: one header for the whole library. */
#ifndef NABLA_H
#define NABLA_H
#include "nbsys.h"
#include "nbio.h"
#include "nbsolvers.h"
#include "nbnn.h"
#include "nbpinn.h"
#include "nbuq.h"
#include "nbdriver.h"
#include "nboperator.h"
#include "nbnode.h"
#endif
