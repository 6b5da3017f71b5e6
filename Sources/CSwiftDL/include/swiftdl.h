/*
 * swiftdl.h — the C ABI of the swiftdl engine (libswiftdl).
 *
 * Conventions (boring on purpose):
 *   - Every function that can fail returns an sdl_status; SDL_OK is 0. On failure the
 *     message "[op] what was wrong; received ..." is in sdl_last_error() for this thread.
 *   - Results come back through out-pointers, which must not be NULL.
 *   - OWNERSHIP: a function that writes an sdl_tensor to an out-pointer gives the caller
 *     one reference; release it with sdl_tensor_free. Input handles are borrowed: the
 *     callee retains what it needs to keep.
 *   - No call traps on bad input: shapes, dtypes, axes and indices are validated first.
 *   - Shapes and strides are int64_t arrays; tensor strides at this ABI are in BYTES
 *     (numpy's convention); element strides stay inside the engine.
 */
#ifndef SWIFTDL_H
#define SWIFTDL_H

#include <stdint.h>
#include <stddef.h>

#ifdef __cplusplus
extern "C" {
#endif

#define SDL_ABI_VERSION 1

typedef int32_t sdl_status;
enum {
    SDL_OK = 0,
    SDL_ERROR_VALUE = 1,    /* bad shape, axis or argument: Python ValueError */
    SDL_ERROR_TYPE = 2,     /* unsupported dtype: Python TypeError */
    SDL_ERROR_INDEX = 3,    /* index out of range: Python IndexError */
    SDL_ERROR_MEMORY = 4,   /* allocation failed: Python MemoryError */
    SDL_ERROR_INTERNAL = 5  /* a bug in swiftdl: Python RuntimeError */
};

typedef int32_t sdl_dtype;
enum {
    SDL_FLOAT32 = 0, SDL_FLOAT64 = 1, SDL_INT32 = 2, SDL_INT64 = 3, SDL_UINT8 = 4, SDL_BOOL = 5
};

/* Elementwise binary ops for sdl_binary. */
enum {
    SDL_BINARY_ADD, SDL_BINARY_SUBTRACT, SDL_BINARY_MULTIPLY, SDL_BINARY_DIVIDE,
    SDL_BINARY_FLOOR_DIVIDE, SDL_BINARY_REMAINDER, SDL_BINARY_POWER, SDL_BINARY_MAXIMUM,
    SDL_BINARY_MINIMUM, SDL_BINARY_EQUAL, SDL_BINARY_NOT_EQUAL, SDL_BINARY_LESS,
    SDL_BINARY_LESS_EQUAL, SDL_BINARY_GREATER, SDL_BINARY_GREATER_EQUAL,
    SDL_BINARY_LOGICAL_AND, SDL_BINARY_LOGICAL_OR, SDL_BINARY_LOGICAL_XOR,
    SDL_BINARY_BITWISE_AND, SDL_BINARY_BITWISE_OR, SDL_BINARY_BITWISE_XOR
};

/* Elementwise unary ops for sdl_unary. */
enum {
    SDL_UNARY_NEGATIVE, SDL_UNARY_ABSOLUTE, SDL_UNARY_SIGN, SDL_UNARY_SQUARE,
    SDL_UNARY_EXP, SDL_UNARY_LOG, SDL_UNARY_SQRT, SDL_UNARY_TANH, SDL_UNARY_SIN, SDL_UNARY_COS,
    SDL_UNARY_LOG1P, SDL_UNARY_EXPM1, SDL_UNARY_SIGMOID, SDL_UNARY_RECIPROCAL,
    SDL_UNARY_FLOOR, SDL_UNARY_CEIL, SDL_UNARY_RINT, SDL_UNARY_LOGICAL_NOT, SDL_UNARY_INVERT
};

/* Reductions for sdl_reduce. */
enum {
    SDL_REDUCE_SUM, SDL_REDUCE_PROD, SDL_REDUCE_MAX, SDL_REDUCE_MIN, SDL_REDUCE_MEAN,
    SDL_REDUCE_ARGMAX, SDL_REDUCE_ARGMIN, SDL_REDUCE_ANY, SDL_REDUCE_ALL
};

/* An opaque, reference-counted tensor handle. */
typedef struct sdl_tensor_s *sdl_tensor;

/* Called once when a borrowed buffer is no longer used; may run on any thread. */
typedef void (*sdl_release_fn)(void *context);

/* ---- Library ---------------------------------------------------------------------- */

/* The ABI version this library implements (SDL_ABI_VERSION at build time). */
int32_t sdl_abi_version(void);
/* The last error message on the calling thread; "" if none. Valid until the next call
   on this thread. Borrowed: do not free. */
const char *sdl_last_error(void);
/* Number of tensor handles given out and not yet freed (for leak checks). */
int64_t sdl_live_tensors(void);
/* Threads used by engine kernels (n >= 1); BLAS itself always runs single-threaded, and
   large products are split across these threads. */
sdl_status sdl_set_num_threads(int32_t n);
int32_t sdl_get_num_threads(void);
/* Large freed buffers are kept for reuse by the next request of their size. This unmaps them
   all and returns the bytes given back (a phase of work ended: its sizes are rarely asked for
   again). */
int64_t sdl_release_cached_memory(void);
/* Marks the freed buffers held now as stale (a phase of work ended): they still serve requests
   of their sizes, but each request they cannot serve unmaps stale ones, as many bytes as it
   maps, instead of adding to them. */
void sdl_retire_cached_memory(void);
/* Bytes of freed buffers held for reuse. */
int64_t sdl_cached_memory_bytes(void);
/* Exact mode (TensorFlow's op determinism), process-wide, off by default: `enabled` 1 or 0.
   When on, convolutions use exact algorithms only (no Winograd) and every kernel splits its
   work into a fixed number of shares whatever the thread count, summed in a fixed order, so
   results are bit-identical from run to run and for any thread count. A call already
   running keeps the mode it started with. */
sdl_status sdl_set_op_determinism(int32_t enabled);
/* 1 when the exact mode is on, else 0. */
int32_t sdl_get_op_determinism(void);
/* Opens the CBLAS that matrix products use, once per process: the file named by the
   SWIFTDL_BLAS environment variable, else `preferred_path` (may be NULL; the Python package
   passes scipy-openblas32's library), else the system's OpenBLAS or CBLAS. Later calls
   return the library already chosen. *loaded_path is its name (borrowed, valid for the
   life of the process), or NULL when none could be opened and products run in plain
   loops, 20-30x slower. */
sdl_status sdl_blas_load(const char *preferred_path, const char **loaded_path);
/* 1 if the engine runs its AVX2 kernels (the CPU has AVX2 and FMA, and the environment
   variable SWIFTDL_DISABLE_AVX2 is not set to 1), else 0. */
int32_t sdl_avx2_kernels_enabled(void);
/* 1 if the engine runs its AVX-512 kernels (the CPU has AVX-512 F, CD, BW, DQ and VL, and
   neither SWIFTDL_DISABLE_AVX512 nor SWIFTDL_DISABLE_AVX2 is set to 1), else 0. */
int32_t sdl_avx512_kernels_enabled(void);

/* ---- Tensor lifetime and metadata ------------------------------------------------- */

/* A new uninitialised (zeroed if `zeroed`) contiguous tensor. Caller owns *out. */
sdl_status sdl_tensor_empty(sdl_dtype dtype, const int64_t *shape, int32_t ndim, int32_t zeroed, sdl_tensor *out);
/* A new contiguous tensor holding a COPY of the strided data at `data` (byte strides;
   NULL strides mean C-contiguous). Caller owns *out. */
sdl_status sdl_tensor_from_data(sdl_dtype dtype, const int64_t *shape, int32_t ndim,
                                const int64_t *byte_strides, const void *data, sdl_tensor *out);
/* A tensor that BORROWS `data` without copying; `release(context)` runs once when the
   last tensor viewing it is freed. Byte strides must be multiples of the item size.
   Caller owns *out. On failure `release` is not called; the caller still owns `data`. */
sdl_status sdl_tensor_borrow(sdl_dtype dtype, const int64_t *shape, int32_t ndim, const int64_t *byte_strides,
                             void *data, sdl_release_fn release, void *context, sdl_tensor *out);
/* Releases one reference. NULL is ignored. */
void sdl_tensor_free(sdl_tensor t);

int32_t sdl_tensor_ndim(sdl_tensor t);
sdl_dtype sdl_tensor_dtype(sdl_tensor t);
int64_t sdl_tensor_size(sdl_tensor t);
/* Writes ndim sizes to `shape`. */
void sdl_tensor_shape(sdl_tensor t, int64_t *shape);
/* Writes ndim byte strides to `strides`. */
void sdl_tensor_strides(sdl_tensor t, int64_t *strides);
/* Address of element (0, ...). Borrowed: valid while t is alive. NULL, with the last error
   set, when t's value was deferred and computing it now runs out of memory. */
void *sdl_tensor_data(sdl_tensor t);
/* 1 if t is C-contiguous. */
int32_t sdl_tensor_is_contiguous(sdl_tensor t);
/* 1 if a and b view the same storage. */
int32_t sdl_tensor_shares_memory(sdl_tensor a, sdl_tensor b);

/* ---- Views and copies (caller owns every *out) ------------------------------------ */

/* A view of t's storage with element offset (from t's storage start), shape and element
   strides; refused if any element would fall outside the storage. */
sdl_status sdl_tensor_view(sdl_tensor t, int64_t offset, const int64_t *shape, const int64_t *strides,
                           int32_t ndim, sdl_tensor *out);
/* t's own element offset into its storage. */
int64_t sdl_tensor_offset(sdl_tensor t);
/* A contiguous copy converted to dtype (numpy astype). */
sdl_status sdl_tensor_cast(sdl_tensor t, sdl_dtype dtype, sdl_tensor *out);
/* Writes `value` into `target` in place, broadcasting and converting (target[...] = value). */
sdl_status sdl_tensor_assign(sdl_tensor target, sdl_tensor value);
sdl_status sdl_reshape(sdl_tensor t, const int64_t *shape, int32_t ndim, sdl_tensor *out);
sdl_status sdl_transpose(sdl_tensor t, const int64_t *axes, int32_t naxes, sdl_tensor *out);
sdl_status sdl_expand_dims(sdl_tensor t, int64_t axis, sdl_tensor *out);
/* axes NULL: squeeze every size-1 axis. */
sdl_status sdl_squeeze(sdl_tensor t, const int64_t *axes, int32_t naxes, sdl_tensor *out);
sdl_status sdl_broadcast_to(sdl_tensor t, const int64_t *shape, int32_t ndim, sdl_tensor *out);
sdl_status sdl_concatenate(const sdl_tensor *tensors, int32_t count, int64_t axis, sdl_tensor *out);
sdl_status sdl_stack(const sdl_tensor *tensors, int32_t count, int64_t axis, sdl_tensor *out);

/* ---- Math (caller owns every *out) ------------------------------------------------- */

/* op(a, b) with broadcasting; if `into` is not NULL the result is written there (it must
   have the broadcast shape) and *out is a new reference to `into`. */
sdl_status sdl_binary(int32_t op, sdl_tensor a, sdl_tensor b, sdl_tensor into, sdl_tensor *out);
sdl_status sdl_unary(int32_t op, sdl_tensor x, sdl_tensor into, sdl_tensor *out);
/* Reduce over `axes` (NULL: all axes). */
sdl_status sdl_reduce(int32_t op, sdl_tensor x, const int64_t *axes, int32_t naxes, int32_t keepdims, sdl_tensor *out);
sdl_status sdl_var(sdl_tensor x, const int64_t *axes, int32_t naxes, int64_t ddof, int32_t keepdims, sdl_tensor *out);
sdl_status sdl_matmul(sdl_tensor a, sdl_tensor b, sdl_tensor *out);
/* numpy.where(condition, x, y), broadcasting all three. */
sdl_status sdl_where(sdl_tensor condition, sdl_tensor x, sdl_tensor y, sdl_tensor *out);
/* numpy.take; has_axis 0 means the flattened array. */
sdl_status sdl_take(sdl_tensor x, sdl_tensor indices, int32_t has_axis, int64_t axis, sdl_tensor *out);
/* Advanced indexing by element offsets into base's storage (validated):
   gather: out[i] = storage[offsets[i]]; scatter: storage[offsets[i]] = values[i] (broadcast). */
sdl_status sdl_gather_offsets(sdl_tensor base, sdl_tensor offsets, sdl_tensor *out);
sdl_status sdl_scatter_offsets(sdl_tensor base, sdl_tensor offsets, sdl_tensor values);
/* numpy.nonzero as one (ndim, count) int64 tensor. */
sdl_status sdl_nonzero(sdl_tensor x, sdl_tensor *out);
/* A tensor of `shape` filled with the (broadcastable) value tensor, as dtype. */
sdl_status sdl_full(const int64_t *shape, int32_t ndim, sdl_tensor value, sdl_dtype dtype, sdl_tensor *out);
sdl_status sdl_arange(double start, double stop, double step, sdl_dtype dtype, sdl_tensor *out);
sdl_status sdl_linspace(double start, double stop, int64_t num, int32_t endpoint, sdl_dtype dtype, sdl_tensor *out);
sdl_status sdl_eye(int64_t rows, int64_t columns, int64_t k, sdl_dtype dtype, sdl_tensor *out);

/* ---- Autograd ------------------------------------------------------------------------ */

/* A gradient tape (tf.GradientTape). Ops on the calling thread record on every entered,
   recording tape that follows one of their float inputs. */
typedef struct sdl_tape_s *sdl_tape;
/* Caller owns *out; free with sdl_tape_free. */
sdl_status sdl_tape_new(int32_t persistent, int32_t watch_accessed_variables, sdl_tape *out);
void sdl_tape_free(sdl_tape tape);
/* Starts / stops recording on the calling thread. */
sdl_status sdl_tape_enter(sdl_tape tape);
sdl_status sdl_tape_exit(sdl_tape tape);
/* 0 pauses recording (stop_recording), 1 resumes. */
sdl_status sdl_tape_set_recording(sdl_tape tape, int32_t recording);
sdl_status sdl_tape_watch(sdl_tape tape, sdl_tensor t);
/* Gradients of the sum of `target_count` targets w.r.t. `count` sources, written to
   gradients[0..count): an owned handle, or NULL where the tape does not follow the source or
   the targets do not depend on it. output_gradients is NULL (all ones) or holds one borrowed
   entry per target, each NULL (all ones) or a tensor of that target's shape. */
sdl_status sdl_tape_gradient(sdl_tape tape, const sdl_tensor *targets, const sdl_tensor *output_gradients,
                             int32_t target_count, const sdl_tensor *sources, int32_t count, sdl_tensor *gradients);
/* Told about a backward pass as it runs (sdl_tape_gradient_notify), on the thread running
   it. index >= 0: the gradient of sources[index] is final (no recorded op will add to it) and
   gradients[index] already holds it (owned by the caller of sdl_tape_gradient_notify, NULL
   for no gradient); each index comes exactly once. index == -1: the backward of one more
   recorded op ran and no gradient became final (a chance to poll work of the caller's own).
   Returns SDL_OK to go on, or an error status, which ends the pass and is returned. */
typedef int32_t /* sdl_status */ (*sdl_gradient_ready_fn)(void *context, int32_t index);
/* sdl_tape_gradient, telling `ready(context, ...)` about each source as soon as its gradient is
   final (data-parallel training starts reducing a bucket of gradients while the rest of the
   backward pass runs). On an error, gradients[] may hold owned handles already: free the
   non-NULL ones. */
sdl_status sdl_tape_gradient_notify(sdl_tape tape, const sdl_tensor *targets, const sdl_tensor *output_gradients,
                                    int32_t target_count, const sdl_tensor *sources, int32_t count,
                                    sdl_tensor *gradients, sdl_gradient_ready_fn ready, void *context);
/* Marks t as a trainable variable: tapes that watch accessed variables follow it. */
sdl_status sdl_tensor_set_trainable_variable(sdl_tensor t, int32_t trainable);
/* The same values, cut off from every tape. Caller owns *out. */
sdl_status sdl_stop_gradient(sdl_tensor t, sdl_tensor *out);
/* Another reference to the same tensor (same identity for tapes). Caller owns *out. */
sdl_status sdl_tensor_retain(sdl_tensor t, sdl_tensor *out);
/* A backward rule written by the caller (keras.ops.custom_gradient). The engine calls it on
   the thread running sdl_tape_gradient with: the caller's context; output_gradients[0..n_outputs),
   borrowed, NULL where no gradient reaches that output; and input_gradients[0..n_inputs), all
   NULL, to fill with owned handles (the engine takes over the reference) or leave NULL for no
   gradient. Each gradient must have its input's shape. Returns SDL_OK or an error status, which
   sdl_tape_gradient then returns. */
typedef int32_t /* sdl_status */ (*sdl_custom_backward)(void *context, const sdl_tensor *output_gradients,
                                                       int32_t n_outputs, sdl_tensor *input_gradients,
                                                       int32_t n_inputs);
/* Records an op computed outside the engine's tape (its forward ran with recording paused) on
   every recording tape of this thread that follows one of inputs[0..n_inputs) (borrowed), with
   `backward` as its vector-Jacobian product. outputs[0..n_outputs) (borrowed) become followed.
   `release(context)` runs exactly once: when no tape holds the record any more (at once if no
   tape recorded it, or if this call fails). */
sdl_status sdl_tape_record_custom(const sdl_tensor *inputs, int32_t n_inputs, const sdl_tensor *outputs,
                                  int32_t n_outputs, sdl_custom_backward backward, void *context,
                                  sdl_release_fn release);
/* pause != 0: the tapes entered so far on the calling thread stop recording until the matching
   resume (pause == 0); tapes entered after the pause record. Pauses nest. Resuming with no pause
   in effect is SDL_ERROR_VALUE. */
sdl_status sdl_recording_pause(int32_t pause);
/* *recording = 1 when an op run now on the calling thread would be recorded by some tape. */
sdl_status sdl_recording_active(int32_t *recording);
/* The trainable variables the tape follows (watched, or read while it recorded), in order:
   *count is their number; the first min(*count, capacity) go to out[] as owned handles. */
sdl_status sdl_tape_watched_variables(sdl_tape tape, sdl_tensor *out, int32_t capacity, int32_t *count);
/* *count = the number of ops the tape holds records of (what it keeps alive for the backward pass). */
sdl_status sdl_tape_recorded_count(sdl_tape tape, int64_t *count);

/* ---- Neural networks: convolution and pooling (NHWC) --------------------------------- */

/* Padding of window ops. Explicit pads are [top, bottom, left, right] for 2-D ops and
   [left, right] for 1-D ops, each >= 0; `pads` is ignored (may be NULL) otherwise. */
enum { SDL_PADDING_VALID = 0, SDL_PADDING_SAME = 1, SDL_PADDING_EXPLICIT = 2 };
/* The activation fused into a convolution's output. */
enum { SDL_CONV_ACTIVATION_NONE = 0, SDL_CONV_ACTIVATION_RELU = 1 };
/* Pooling reductions. */
enum { SDL_POOL_MAX = 0, SDL_POOL_AVG = 1 };

/* activation(conv2d(input, filters) + bias): input (N, H, W, C), filters (KH, KW, C, O),
   bias (O,) or NULL, all one float dtype; strides and dilations are [height, width], >= 1.
   Result (N, OH, OW, O); recorded on tapes with its VJP. Caller owns *out. */
sdl_status sdl_conv2d(sdl_tensor input, sdl_tensor filters, sdl_tensor bias, int32_t activation,
                      const int64_t *strides, const int64_t *dilations, int32_t padding, const int64_t *pads,
                      sdl_tensor *out);
/* pool(activation(conv2d(input, filters) + bias)) in one op: the convolution's arguments
   as sdl_conv2d's, then the pooling's as sdl_pool2d's. The convolution's output is pooled a
   few images at a time while it is in cache instead of being written whole. Recorded on
   tapes: max pooling as one node (the gradients of the two ops, summed in another order),
   average pooling as sdl_conv2d then sdl_pool2d. Result (N, PH, PW, O). Caller owns *out. */
sdl_status sdl_conv2d_pool(sdl_tensor input, sdl_tensor filters, sdl_tensor bias, int32_t activation,
                           const int64_t *strides, const int64_t *dilations, int32_t padding, const int64_t *pads,
                           int32_t kind, const int64_t *ksize, const int64_t *pool_strides, int32_t pool_padding,
                           const int64_t *pool_pads, sdl_tensor *out);
/* Keras's Dense: activation(x . kernel + bias) with x (..., C), kernel (C, U), bias (U,) or
   NULL, one float dtype, activation as sdl_conv2d's. Result (..., U); recorded on tapes with
   its VJP. Caller owns *out. */
sdl_status sdl_dense(sdl_tensor x, sdl_tensor kernel, sdl_tensor bias, int32_t activation, sdl_tensor *out);
/* The same for input (N, W, C) and filters (KW, C, O); result (N, OW, O). Caller owns *out. */
sdl_status sdl_conv1d(sdl_tensor input, sdl_tensor filters, sdl_tensor bias, int32_t activation,
                      int64_t stride, int64_t dilation, int32_t padding, const int64_t *pads, sdl_tensor *out);
/* Depthwise convolution plus bias: input (N, H, W, C), filters (KH, KW, C, M), bias (C*M,)
   or NULL, one float dtype; strides, dilations and padding as sdl_conv2d's. Result
   (N, OH, OW, C*M), channel c*M + k being input channel c under filter k; recorded on tapes
   with its VJP. Caller owns *out. */
sdl_status sdl_depthwise_conv2d(sdl_tensor input, sdl_tensor filters, sdl_tensor bias, const int64_t *strides,
                                const int64_t *dilations, int32_t padding, const int64_t *pads, sdl_tensor *out);
/* The transposed convolution (conv2d's gradient with respect to its input): input
   (N, H, W, C), filters (KH, KW, O, C); output_size [OH, OW] such that sdl_conv2d over an
   (N, OH, OW, O) image with these strides, dilations and padding gives H x W positions.
   Result (N, OH, OW, O); recorded on tapes with its VJP. Caller owns *out. */
sdl_status sdl_conv2d_transpose(sdl_tensor input, sdl_tensor filters, const int64_t *output_size,
                                const int64_t *strides, const int64_t *dilations, int32_t padding,
                                const int64_t *pads, sdl_tensor *out);
/* Keras's Conv2DTranspose: activation(sdl_conv2d_transpose(...) + bias) with bias (O,) or
   NULL, the input's dtype, and activation as sdl_conv2d's; one op with one VJP. Result
   (N, OH, OW, O). Caller owns *out. */
sdl_status sdl_conv2d_transpose_bias_activation(sdl_tensor input, sdl_tensor filters, sdl_tensor bias,
                                                int32_t activation, const int64_t *output_size,
                                                const int64_t *strides, const int64_t *dilations, int32_t padding,
                                                const int64_t *pads, sdl_tensor *out);
/* SDL_POOL_MAX or SDL_POOL_AVG pooling of (N, H, W, C) input with ksize and strides
   [height, width]. Average pooling takes VALID or SAME only and divides by the number of
   positions inside the input; max pooling's gradient goes to the first maximum of each
   window. Caller owns *out. */
sdl_status sdl_pool2d(int32_t kind, sdl_tensor input, const int64_t *ksize, const int64_t *strides,
                      int32_t padding, const int64_t *pads, sdl_tensor *out);
/* The same for (N, W, C) input. Caller owns *out. */
sdl_status sdl_pool1d(int32_t kind, sdl_tensor input, int64_t ksize, int64_t stride, int32_t padding,
                      const int64_t *pads, sdl_tensor *out);

/* ---- Inference fusions (several Keras layers as one op) ---------------------------- */

/* relu?(batch_norm(conv2d(input, filters) + bias)) with the batch norm's moving statistics,
   as one convolution: the normalisation's scale is folded into the filters and its shift
   into the bias on each call. Convolution arguments as sdl_conv2d's; mean and variance
   (O,), gamma and beta (O,) or NULL, all the input's dtype; epsilon finite >= 0. relu 0:
   no activation; otherwise min(max(y, 0), relu_max) (INFINITY: relu). Differs from the
   separate ops by rounding only. Under a tape that follows an operand it records as
   sdl_conv2d then sdl_nn_fused_batch_norm(_relu). Result (N, OH, OW, O). Caller owns *out. */
sdl_status sdl_conv2d_batch_norm(sdl_tensor input, sdl_tensor filters, sdl_tensor bias, sdl_tensor mean,
                                 sdl_tensor variance, sdl_tensor gamma, sdl_tensor beta, double epsilon, int32_t relu,
                                 double relu_max, const int64_t *strides, const int64_t *dilations, int32_t padding,
                                 const int64_t *pads, sdl_tensor *out);

/* sdl_conv2d_batch_norm's result plus residual (the result's shape and dtype), added after
   the activation: an inverted residual block's projection, batch norm and Add as one op,
   the sum taken while the output is in registers or cache. Under a tape that follows an
   operand it records as sdl_conv2d_batch_norm's ops then sdl_binary's add. Caller owns *out. */
sdl_status sdl_conv2d_batch_norm_add(sdl_tensor input, sdl_tensor filters, sdl_tensor bias, sdl_tensor mean,
                                     sdl_tensor variance, sdl_tensor gamma, sdl_tensor beta, double epsilon,
                                     int32_t relu, double relu_max, const int64_t *strides, const int64_t *dilations,
                                     int32_t padding, const int64_t *pads, sdl_tensor residual, sdl_tensor *out);

/* The same for depthwise_conv2d (arguments as sdl_depthwise_conv2d's; the statistics, gamma,
   beta and bias over its C * M output channels): MobileNet's depthwise -> batch norm -> ReLU6
   as one op, the activation applied in the depthwise kernel. Result (N, OH, OW, C * M). */
sdl_status sdl_depthwise_conv2d_batch_norm(sdl_tensor input, sdl_tensor filters, sdl_tensor bias, sdl_tensor mean,
                                           sdl_tensor variance, sdl_tensor gamma, sdl_tensor beta, double epsilon,
                                           int32_t relu, double relu_max, const int64_t *strides,
                                           const int64_t *dilations, int32_t padding, const int64_t *pads,
                                           sdl_tensor *out);

/* Keras's Embedding -> Conv1D at inference from the token ids: relu?(conv1d(E[ids], W) +
   bias) where table (V, K, O) holds each token's filter taps, table[v][k] = E[v] . W[k]
   (the caller multiplies once and keeps it while the weights stay the same); each output
   adds K rows of it. ids (N, L) of any integer dtype, each in [0, V) (else an index
   error); table float32 or float64, bias (O,) of its dtype or NULL; relu 0 or 1; stride
   and dilation >= 1; pads >= 0 zeros before and after each row. Rounds as a different sum
   order of the same products. Not differentiable: refused while a recording tape follows
   the table or the bias. Result (N, OW, O). Caller owns *out. */
sdl_status sdl_token_table_conv1d(sdl_tensor ids, sdl_tensor table, sdl_tensor bias, int32_t relu, int64_t stride,
                                  int64_t dilation, int64_t pad_left, int64_t pad_right, sdl_tensor *out);

/* ---- Attention ------------------------------------------------------------------------ */

/* softmax(scale * query . key^T, masked) . value per (batch, head), in Keras's layout: query
   (B, Tq, Hq, D), key (B, Tk, Hk, D), value (B, Tk, Hk, Dv), one float dtype, Hq a multiple
   of Hk (query head h reads key head h / (Hq / Hk)). mask NULL or bool/uint8
   (1 or B, 1 or Hq, Tq, Tk), zero hiding a score: the scaled score becomes masked_value
   (replace_masked != 0) or has it added (Keras's layers add -1e9). *out is the output
   (B, Tq, Hq, Dv), recorded on tapes (gradients for query, key and value); *out_weights the
   softmax weights (B, Hq, Tq, Tk), not recorded; out_weights may be NULL: without a recording
   tape the weights are then never written out (each thread's heads share one plane). Caller owns
   both. */
sdl_status sdl_dot_product_attention(sdl_tensor query, sdl_tensor key, sdl_tensor value, sdl_tensor mask, double scale,
                                     double masked_value, int32_t replace_masked, sdl_tensor *out,
                                     sdl_tensor *out_weights);

/* ---- Recurrent sequence ops (swiftdl.nn.lstm / gru / simple_rnn) ------------------- */

/* Whole-sequence recurrent layers with Keras's weight layouts, computed in the engine
   (forward and, when a tape records, backpropagation through time as ONE tape node).
   inputs (batch, time, features); every operand shares the inputs' float dtype.
   bias and initial states may be NULL (no bias / zero states). mask: NULL or a (batch, time)
   bool tensor; where false a step is skipped (states carry over; the output repeats the
   previous one, zero before the first kept step), as with Keras's mask_zero. return_sequences: outputs
   is (batch, time, units) instead of the last step (batch, units). go_backwards: the
   sequence is processed in reverse and outputs come in processing order.
   OWNERSHIP: on success the caller owns every handle written to the out-pointers; on
   failure all of them are set to NULL. */

/* LSTM: kernel (features, 4u), recurrent_kernel (u, 4u), bias (4u); gates i, f, c, o;
   initial_h and initial_c (batch, u), both or neither. */
sdl_status sdl_lstm(sdl_tensor inputs, sdl_tensor kernel, sdl_tensor recurrent_kernel, sdl_tensor bias,
                    sdl_tensor initial_h, sdl_tensor initial_c, sdl_tensor mask, int32_t return_sequences, int32_t go_backwards,
                    sdl_tensor *outputs, sdl_tensor *final_h, sdl_tensor *final_c);
/* The two LSTMs of a Bidirectional layer over the same inputs and mask, side by side (each
   direction's kernel alone on its own thread): the results of sdl_lstm for each direction's
   weights, initial states and go_backwards, written to outputs[0..2] (first direction:
   outputs, final_h, final_c) and outputs[3..5] (second). outputs points to six handles. */
sdl_status sdl_lstm_pair(sdl_tensor inputs, sdl_tensor mask, int32_t return_sequences, sdl_tensor first_kernel,
                         sdl_tensor first_recurrent_kernel, sdl_tensor first_bias, sdl_tensor first_h,
                         sdl_tensor first_c, int32_t first_go_backwards, sdl_tensor second_kernel,
                         sdl_tensor second_recurrent_kernel, sdl_tensor second_bias, sdl_tensor second_h,
                         sdl_tensor second_c, int32_t second_go_backwards, sdl_tensor *outputs);
/* GRU, reset_after=True: kernel (features, 3u), recurrent_kernel (u, 3u), bias (2, 3u) =
   [input bias; recurrent bias]; gates z, r, h; h = z*h_prev + (1-z)*hh. */
sdl_status sdl_gru(sdl_tensor inputs, sdl_tensor kernel, sdl_tensor recurrent_kernel, sdl_tensor bias,
                   sdl_tensor initial_h, sdl_tensor mask, int32_t return_sequences, int32_t go_backwards,
                   sdl_tensor *outputs, sdl_tensor *final_h);
/* SimpleRNN with tanh: kernel (features, u), recurrent_kernel (u, u), bias (u). */
sdl_status sdl_simple_rnn(sdl_tensor inputs, sdl_tensor kernel, sdl_tensor recurrent_kernel, sdl_tensor bias,
                          sdl_tensor initial_h, sdl_tensor mask, int32_t return_sequences, int32_t go_backwards,
                          sdl_tensor *outputs, sdl_tensor *final_h);

/* ---- Random (a process-wide Philox stream) ---------------------------------------- */

void sdl_random_seed(uint64_t seed);
/* The global stream's position (its seed and next counter block), to replay its numbers. */
sdl_status sdl_random_get_state(uint64_t *seed, uint64_t *next_block);
void sdl_random_set_state(uint64_t seed, uint64_t next_block);
sdl_status sdl_random_uniform(const int64_t *shape, int32_t ndim, double low, double high, sdl_dtype dtype, sdl_tensor *out);
sdl_status sdl_random_normal(const int64_t *shape, int32_t ndim, double mean, double std, sdl_dtype dtype, sdl_tensor *out);
sdl_status sdl_random_randint(const int64_t *shape, int32_t ndim, int64_t low, int64_t high, sdl_dtype dtype, sdl_tensor *out);
sdl_status sdl_random_permutation(int64_t n, sdl_tensor *out);
/* The same draws from a stream of their own: Philox keyed by `key`, starting at counter
   block `block` (four 32-bit words a block). The same key and block give the same values on
   every machine and thread count; the global stream is untouched. Caller owns *out. */
sdl_status sdl_random_uniform_seeded(const int64_t *shape, int32_t ndim, double low, double high, sdl_dtype dtype,
                                     uint64_t key, uint64_t block, sdl_tensor *out);
sdl_status sdl_random_normal_seeded(const int64_t *shape, int32_t ndim, double mean, double std, sdl_dtype dtype,
                                    uint64_t key, uint64_t block, sdl_tensor *out);
sdl_status sdl_random_randint_seeded(const int64_t *shape, int32_t ndim, int64_t low, int64_t high, sdl_dtype dtype,
                                     uint64_t key, uint64_t block, sdl_tensor *out);
sdl_status sdl_random_permutation_seeded(int64_t n, uint64_t key, uint64_t block, sdl_tensor *out);

/* ---- String hashes (a batch of strings a call) ------------------------------------ */

/* The strings are packed end to end: string i is the `byte_count`-byte buffer `bytes` from
   offsets[i] up to offsets[i + 1] (`count + 1` offsets, starting at 0, never decreasing,
   the last at most byte_count). out[i] receives string i's hash. All pointers are borrowed
   for the call; nothing is retained. */

/* FarmHash Fingerprint64 (farmhashna::Hash64): TensorFlow's to_hash_bucket_fast hash. */
sdl_status sdl_strings_fingerprint64(const void *bytes, int64_t byte_count, const int64_t *offsets, int64_t count,
                                     uint64_t *out);
/* SipHash-2-4 keyed by (key0, key1): TensorFlow's to_hash_bucket_strong hash. */
sdl_status sdl_strings_siphash64(const void *bytes, int64_t byte_count, const int64_t *offsets, int64_t count,
                                 uint64_t key0, uint64_t key1, uint64_t *out);

/* ---- Lookup tables (vocabularies: keys -> their index) ------------------------------ */

/* Open addressing over `capacity` slots (a power of two above the key count), each -1 or a
   key's index. The caller owns the keys and `slots` and keeps both unchanged between build
   and lookups; the table stores indices only, so lookups compare queries with the keys
   themselves (exact). Build fails with a value error naming a key that repeats. Lookups
   write out[i] = the index of the key equal to query i, or -1. Pointers are borrowed. */
sdl_status sdl_int64_table_build(const int64_t *keys, int64_t count, int64_t *slots, int64_t capacity);
sdl_status sdl_int64_table_lookup(const int64_t *keys, int64_t key_count, const int64_t *slots, int64_t capacity,
                                  const int64_t *queries, int64_t count, int64_t *out);
/* String keys and queries are packed as for the string hashes above; placed by Fingerprint64,
   compared byte for byte. */
sdl_status sdl_strings_table_build(const void *bytes, int64_t byte_count, const int64_t *offsets, int64_t count,
                                   int64_t *slots, int64_t capacity);
sdl_status sdl_strings_table_lookup(const void *key_bytes, int64_t key_byte_count, const int64_t *key_offsets,
                                    int64_t key_count, const int64_t *slots, int64_t capacity, const void *bytes,
                                    int64_t byte_count, const int64_t *offsets, int64_t count, int64_t *out);
/* counts[r, v] (rows × depth int64, overwritten) = how many of indices[r, 0 .. width) equal
   v; values outside [0, depth) count nowhere; binary != 0 gives 1 for any positive count
   (multi-hot). The bag-of-values encodings of the preprocessing layers. */
sdl_status sdl_bincount_rows(const int64_t *indices, int64_t rows, int64_t width, int64_t depth, int32_t binary,
                             int64_t *counts);

/* ---- Neural-network ops (tf.nn; differentiable; caller owns every *out) ------------- */

/* Activations for sdl_nn_activation. */
enum {
    SDL_ACTIVATION_RELU, SDL_ACTIVATION_RELU6, SDL_ACTIVATION_ELU, SDL_ACTIVATION_SELU,
    SDL_ACTIVATION_GELU, SDL_ACTIVATION_GELU_TANH, SDL_ACTIVATION_LEAKY_RELU,
    SDL_ACTIVATION_SOFTPLUS, SDL_ACTIVATION_SOFTSIGN, SDL_ACTIVATION_SILU
};

/* activation(x) elementwise on a float tensor; `alpha` is leaky_relu's slope, elu's alpha
   and silu's beta (ignored by the others). */
sdl_status sdl_nn_activation(int32_t activation, sdl_tensor x, double alpha, sdl_tensor *out);
/* softmax (log_softmax when `log`) along `axis`, numerically stable. */
sdl_status sdl_nn_softmax(sdl_tensor logits, int64_t axis, int32_t log, sdl_tensor *out);
/* Integer labels of shape logits.shape[:-1], each in [0, classes); result has labels' shape. */
sdl_status sdl_nn_sparse_softmax_cross_entropy(sdl_tensor labels, sdl_tensor logits, sdl_tensor *out);
/* Labels of logits' shape; classes along `axis`, which the result drops. */
sdl_status sdl_nn_softmax_cross_entropy(sdl_tensor labels, sdl_tensor logits, int64_t axis, sdl_tensor *out);
/* Elementwise, labels and logits of one shape. */
sdl_status sdl_nn_sigmoid_cross_entropy(sdl_tensor labels, sdl_tensor logits, sdl_tensor *out);
/* Keras's binary cross-entropy of probabilities (clipped to [low, high]) against targets of
   their shape, averaged over the last axis; the result drops that axis. */
sdl_status sdl_nn_binary_crossentropy(sdl_tensor targets, sdl_tensor probabilities, double low, double high,
                                      sdl_tensor *out);
/* Mean and variance over `axes`; the caller owns both *mean and *variance. */
sdl_status sdl_nn_moments(sdl_tensor x, const int64_t *axes, int32_t naxes, int32_t keepdims,
                          sdl_tensor *mean, sdl_tensor *variance);
/* (x - mean)·scale/sqrt(variance + eps) + offset; offset and scale may be NULL. */
sdl_status sdl_nn_batch_normalization(sdl_tensor x, sdl_tensor mean, sdl_tensor variance, sdl_tensor offset,
                                      sdl_tensor scale, double variance_epsilon, sdl_tensor *out);
/* Batch normalisation in one op over every axis of x but `axis`: (x - mean)·gamma/sqrt(variance
   + epsilon) + beta. mean and variance both NULL: the batch's own (training; the result's
   gradient flows through them), else (C,) constants (inference). gamma and beta may be NULL.
   *out is recorded on tapes (gradients for x, gamma, beta); *out_mean and *out_variance are
   the statistics used (biased variance), not recorded. The caller owns all three; on an
   error all three are NULL. */
sdl_status sdl_nn_fused_batch_norm(sdl_tensor x, int64_t axis, sdl_tensor mean, sdl_tensor variance, sdl_tensor gamma,
                                   sdl_tensor beta, double epsilon, sdl_tensor *out, sdl_tensor *out_mean,
                                   sdl_tensor *out_variance);
/* sdl_nn_fused_batch_norm followed by a relu in the same op: *out is min(max(y, 0), max_value)
   (max_value > 0; INFINITY: plain relu, 6: relu6), the values the separate activation gives.
   Ownership and errors as sdl_nn_fused_batch_norm. */
sdl_status sdl_nn_fused_batch_norm_relu(sdl_tensor x, int64_t axis, sdl_tensor mean, sdl_tensor variance,
                                        sdl_tensor gamma, sdl_tensor beta, double epsilon, double max_value,
                                        sdl_tensor *out, sdl_tensor *out_mean, sdl_tensor *out_variance);
/* The gradients of sdl_nn_fused_batch_norm(_relu) in training (mean and variance NULL there):
   from its input x, the statistics it returned (mean, variance), its gamma (may be NULL) and the
   gradient dy of its output y. with_relu non-zero: the op ended in the relu of max_value, and y
   (the op's output, else ignored and may be NULL) tells where it passed. For callers that
   compute x again rather than keep it. Not recorded on tapes. *dx (x's shape), *dgamma and
   *dbeta ((C,); dgamma as if gamma were ones when it is NULL) are owned by the caller; on an
   error all three are NULL. */
sdl_status sdl_nn_fused_batch_norm_gradients(sdl_tensor x, sdl_tensor y, sdl_tensor dy, int64_t axis, sdl_tensor mean,
                                             sdl_tensor variance, sdl_tensor gamma, double epsilon, int32_t with_relu,
                                             double max_value, sdl_tensor *dx, sdl_tensor *dgamma, sdl_tensor *dbeta);
/* Group normalisation in one op: the channels on `axis` (not 0, the batch) split into `groups`
   (a positive divisor of their count) and each (sample, group) normalised over its channels
   and every other non-batch axis: (x - mean)/sqrt(variance + epsilon)·gamma + beta, the
   variance biased. gamma and beta ((C,), x's dtype) may be NULL. *out is recorded on tapes
   (gradients for x, gamma, beta); the caller owns it. */
sdl_status sdl_nn_group_norm(sdl_tensor x, int64_t axis, int64_t groups, sdl_tensor gamma, sdl_tensor beta,
                             double epsilon, sdl_tensor *out);
/* Layer normalisation over the trailing axes `axis`..rank-1 of x (float32 or float64): each
   slice over those axes normalised on its own, (x - mean)/sqrt(variance + epsilon)·gamma + beta,
   the variance biased. gamma and beta (the normalised axes' shape, x's dtype) may be NULL.
   *out is recorded on tapes (gradients for x, gamma, beta); the caller owns it. */
sdl_status sdl_nn_layer_norm(sdl_tensor x, int64_t axis, sdl_tensor gamma, sdl_tensor beta, double epsilon,
                             sdl_tensor *out);
/* x / sqrt(max(sum(x^2 over axes), epsilon)); axes NULL: all axes. */
sdl_status sdl_nn_l2_normalize(sdl_tensor x, const int64_t *axes, int32_t naxes, double epsilon, sdl_tensor *out);
/* Inverted dropout: kept elements are scaled by 1/(1 - rate). noise_shape NULL: x's shape.
   has_seed 0: the process-wide stream; otherwise a fresh stream from `seed`. */
sdl_status sdl_nn_dropout(sdl_tensor x, double rate, const int64_t *noise_shape, int32_t ndim,
                          int32_t has_seed, uint64_t seed, sdl_tensor *out);

/* ---- Image resampling ---------------------------------------------------------------- */
/* keras.ops.image.affine_transform: images (rank 4, float; channels_first != 0 for NCHW)
   resampled through 8-number projective transforms, shape (1, 8) (shared) or (batch, 8):
   output pixel (x, y) reads column (a0 x + a1 y + a2) / k, row (b0 x + b1 y + b2) / k,
   k = c0 x + c1 y + 1. bilinear 0: nearest. fill_mode: 0 constant, 1 nearest, 2 wrap,
   3 mirror, 4 reflect (scipy.ndimage's, folded per tap). Differentiable in the images.
   The caller owns *out. */
sdl_status sdl_image_affine_transform(sdl_tensor images, sdl_tensor transforms, int32_t bilinear, int32_t fill_mode,
                                      double fill_value, int32_t channels_first, sdl_tensor *out);
/* One axis of a separable resize: x's `axis` (size m) resampled to n through the constant
   (m, n) weights, out[.., j, ..] = sum_i weights[i, j] x[.., i, ..]. Differentiable in x.
   The caller owns *out. */
sdl_status sdl_image_resample_axis(sdl_tensor x, int64_t axis, sdl_tensor weights, sdl_tensor *out);
/* The height (`axis`) and width (`axis` + 1) of x resampled in one pass through constant
   weights (m, n) each: the same numbers as two sdl_image_resample_axis calls, without the
   intermediate tensor. Differentiable in x. The caller owns *out. */
sdl_status sdl_image_resample_2d(sdl_tensor x, int64_t axis, sdl_tensor height_weights, sdl_tensor width_weights,
                                 sdl_tensor *out);
/* y = clip((x - shift) * scale + offset, low, high) in one pass (divide != 0: / scale), x
   read as (outer, middle, channels); shift, scale and offset are (rows, channels) with rows
   dividing outer, row o of x using row o % rows. Differentiable in all four tensors.
   The caller owns *out. */
sdl_status sdl_channel_affine(sdl_tensor x, int64_t outer, int64_t middle, int64_t channels, sdl_tensor shift,
                              sdl_tensor scale, sdl_tensor offset, int32_t divide, double low, double high,
                              sdl_tensor *out);

/* ---- Optimizers (fused, in place) -------------------------------------------------- */

/* One call updates every variable of a model in place, with Keras 3's formulas.
   variables[i], gradients[i] and each slot array's [i] belong together; slot arrays hold
   `count` tensors of the variable's shape and dtype (contiguous), created by the caller
   (zeros, or initial_accumulator_value for Adagrad). All handles are borrowed. */
typedef struct {
    double learning_rate;    /* this step's rate (schedules are evaluated by the caller) */
    double weight_decay;     /* decoupled: v -= v * weight_decay * learning_rate first; 0: none */
    double clipnorm;         /* per-variable L2 clip; <= 0: off (Keras's None) */
    double clipvalue;        /* elementwise clip to [-clipvalue, clipvalue]; <= 0: off */
    double global_clipnorm;  /* joint L2 clip over all gradients; <= 0: off */
    /* NULL: weight decay applies to every variable; else one flag per variable (0: excluded).
       Borrowed for the call. */
    const uint8_t *weight_decay_mask;
    int32_t weight_decay_mask_count;
} sdl_optimizer_options;

/* momentums: NULL when momentum == 0. */
sdl_status sdl_optimizer_sgd(const sdl_optimizer_options *options, const sdl_tensor *variables, const sdl_tensor *gradients,
                             int32_t count, const sdl_tensor *momentums, double momentum, int32_t nesterov);
/* Adam, and AdamW through options->weight_decay. step = iterations + 1.
   velocity_hats: NULL unless amsgrad. */
sdl_status sdl_optimizer_adam(const sdl_optimizer_options *options, const sdl_tensor *variables, const sdl_tensor *gradients,
                              int32_t count, const sdl_tensor *momentums, const sdl_tensor *velocities,
                              const sdl_tensor *velocity_hats, double beta_1, double beta_2, double epsilon,
                              int32_t amsgrad, int64_t step);
/* momentums: NULL unless momentum > 0; average_gradients: NULL unless centered. */
sdl_status sdl_optimizer_rmsprop(const sdl_optimizer_options *options, const sdl_tensor *variables, const sdl_tensor *gradients,
                                 int32_t count, const sdl_tensor *velocities, const sdl_tensor *momentums,
                                 const sdl_tensor *average_gradients, double rho, double momentum, double epsilon,
                                 int32_t centered);
sdl_status sdl_optimizer_adagrad(const sdl_optimizer_options *options, const sdl_tensor *variables, const sdl_tensor *gradients,
                                 int32_t count, const sdl_tensor *accumulators, double epsilon);

#ifdef __cplusplus
}
#endif

#endif /* SWIFTDL_H */
