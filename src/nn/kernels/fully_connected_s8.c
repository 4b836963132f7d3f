// SPDX-License-Identifier: MIT
// The normative int8 FULLY_CONNECTED kernel (mml__fully_connected_s8_ref, nn_s8.h): TFLite's
// reference FullyConnected / FullyConnectedPerChannel.
#include "nn/kernels/nn_s8.h"
#include "nn/ops.h"

#if MML_OP_ON(FULLY_CONNECTED)
void mml__fully_connected_s8_ref(const mml__fc_s8_t *p, const int8_t *in, const int8_t *weights,
    const int32_t *bias, int8_t *out) {
    const uint32_t depth = p->depth, units = p->units;
    const int32_t in_offset = p->q.input_offset, w_offset = p->weights_offset;
    for (uint32_t b = 0; b < p->batches; b++) {
        const int8_t *ir = in + (size_t)b * depth;
        // TFLite sums (w + w_offset) * (x + in_offset); with unsigned (wrapping) sums that is
        // sum(w * (x + in_offset)) + w_offset * sum(x + in_offset), the same int32 bit for bit,
        // and the second sum is the same for every unit (w_offset is 0 in int8 TFLite models).
        uint32_t in_sum = 0;
        if (w_offset != 0) {
            for (uint32_t k = 0; k < depth; k++) {
                in_sum += (uint32_t)((int32_t)ir[k] + in_offset);
            }
            in_sum *= (uint32_t)w_offset;
        }
        for (uint32_t o = 0; o < units; o++) {
            const int8_t *wr = weights + (size_t)o * depth;
            uint32_t sum = in_sum;
            for (uint32_t k = 0; k < depth; k++) {
                sum += (uint32_t)((int32_t)wr[k] * ((int32_t)ir[k] + in_offset));
            }
            if (bias) {
                sum += (uint32_t)bias[o];
            }
            const uint32_t qi = p->per_channel ? o : 0;
            // The offset is added without wrapping (unlike CONV_2D's output stage).
            int64_t acc = (int64_t)mml__mul_by_qm((int32_t)sum, p->q.mult[qi], p->q.shift[qi]) +
                p->q.output_offset;
            acc = acc < p->q.act_min ? p->q.act_min : acc > p->q.act_max ? p->q.act_max : acc;
            out[(size_t)b * units + o] = (int8_t)acc;
        }
    }
}
#endif // MML_OP_ON(FULLY_CONNECTED)
