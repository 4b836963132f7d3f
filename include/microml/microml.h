// SPDX-License-Identifier: MIT
// microml: machine learning for microcontrollers. Include this for the whole public C API.
#ifndef MICROML_MICROML_H
#define MICROML_MICROML_H

#define MML_VERSION_MAJOR 0
#define MML_VERSION_MINOR 1
#define MML_VERSION_PATCH 0
#define MML_VERSION_STRING "0.1.0"

#include "mml_config.h"
#include "mml_status.h"
#include "mml_tensor.h"
#include "mml_model.h"
#include "mml_dsp.h"
#include "mml_gesture.h"
#include "mml_stream.h"
#include "mml_anomaly.h"
#include "mml_logmel.h"

#endif // MICROML_MICROML_H
