// SPDX-License-Identifier: MIT
// The streaming audio part of the Python API (microml.WakeWord), written once for every binding:
// argument checks, sample buffers, the feed loop and its messages. Like mml_py.c it allocates
// nothing, raises nothing and uses no libc beyond memcpy/memset.
#ifndef MICROML_BINDINGS_MML_PY_STREAM_H
#define MICROML_BINDINGS_MML_PY_STREAM_H

#include "mml_py.h"
#include "microml/mml_stream.h"

#if MML_ENABLE_DSP

// A WakeWord object's state. The binding owns it and one block of mem_len bytes (8-byte
// aligned) and keeps both Model objects alive (their mml_py_model_t are borrowed).
typedef struct {
    mml_wakeword_t w;
    void *mem;
    size_t mem_len;
} mml_py_wakeword_t;

// A detection as feed() returns it: (label, score, seconds, slice).
typedef struct {
    uint32_t label;  // 0: the wake word (one model)
    float score;     // the window's average probability: sum / (255 * window)
    float seconds;   // end of the slice it fired on, since the start or reset()
    uint32_t slice;  // that slice's index
    uint64_t sample; // end of that slice in samples (seconds * 16000)
} mml_py_detection_t;

// Checks WakeWord()'s arguments and fills cfg: cutoff and vad_cutoff are probabilities in
// 0..1 turned into ESPHome's int(p * 255); windows 1..255; step_ms 10 or 20. vad may be NULL.
bool mml_py_wakeword_config(mml_wakeword_config_t *cfg, mml_py_model_t *model, float cutoff,
    int32_t window, mml_py_model_t *vad, float vad_cutoff, int32_t vad_window, int32_t step_ms,
    mml_py_err_t *e);
// Bytes of memory to allocate for cfg (8-byte aligned).
size_t mml_py_wakeword_mem_size(const mml_wakeword_config_t *cfg);
// Checks the models (streaming models: int8 [1, stride, 40] in, one uint8 out) and starts cold.
bool mml_py_wakeword_init(mml_py_wakeword_t *pw, const mml_wakeword_config_t *cfg, void *mem,
    size_t mem_len, mml_py_err_t *e);
bool mml_py_wakeword_reset(mml_py_wakeword_t *pw, mml_py_err_t *e);

// Checks feed()'s samples: bytes/bytearray (little-endian int16, an even byte count) or an int16
// array (array('h'), numpy int16, memoryview 'h'); *n gets the sample count.
bool mml_py_samples(const mml_py_value_t *v, size_t *n, mml_py_err_t *e);
// Slices that n more samples complete.
uint32_t mml_py_wakeword_slices_for(const mml_py_wakeword_t *pw, size_t n);
// Checks feed()'s features= buffer: writable, raw bytes or int8 items, at least 40 bytes per
// slice that the n samples complete.
bool mml_py_wakeword_features_check(const mml_py_wakeword_t *pw, size_t n, bool writable,
    bool raw_or_int8, size_t len, mml_py_err_t *e);

// emit: called for each detection (in order); returns false when the binding failed (its
// exception is set: then e->kind is MML_PY_EXC_NONE).
typedef bool (*mml_py_detection_fn)(void *ctx, const mml_py_detection_t *d);

// Feeds n int16 samples (any alignment) slice by slice; features (NULL or checked by
// mml_py_wakeword_features_check) gets 40 int8 per completed slice.
bool mml_py_wakeword_feed(mml_py_wakeword_t *pw, const uint8_t *data, size_t n, uint8_t *features,
    mml_py_detection_fn emit, void *ctx, mml_py_err_t *e);

// ---- AudioStream: any classifier on streamed audio ----
typedef struct {
    mml_audio_stream_t s;
    void *mem;
    size_t mem_len;
} mml_py_audio_stream_t;

// Checks AudioStream()'s arguments and fills cfg. frontend: "micro" or "mlperf" (len bytes).
bool mml_py_audio_stream_config(mml_audio_stream_config_t *cfg, mml_py_model_t *model,
    const char *frontend, size_t len, int32_t step_ms, int32_t every, int32_t smooth,
    float threshold, int32_t refractory_ms, uint32_t ignore, mml_py_err_t *e);
// Adds label (0..31) to an ignore mask.
bool mml_py_audio_stream_ignore(uint32_t *mask, int32_t label, mml_py_err_t *e);
// Bytes to allocate (8-byte aligned) for cfg.
size_t mml_py_audio_stream_mem_size(const mml_audio_stream_config_t *cfg);
bool mml_py_audio_stream_init(mml_py_audio_stream_t *pa, const mml_audio_stream_config_t *cfg,
    void *mem, size_t mem_len, mml_py_err_t *e);
bool mml_py_audio_stream_reset(mml_py_audio_stream_t *pa, mml_py_err_t *e);
// Feeds n int16 samples (checked by mml_py_samples); emit gets each detection (slice = frame).
bool mml_py_audio_stream_feed(mml_py_audio_stream_t *pa, const uint8_t *data, size_t n,
    mml_py_detection_fn emit, void *ctx, mml_py_err_t *e);

#endif // MML_ENABLE_DSP
#endif // MICROML_BINDINGS_MML_PY_STREAM_H
