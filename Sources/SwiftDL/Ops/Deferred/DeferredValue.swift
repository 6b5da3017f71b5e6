#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Attention scores written with ops, `softmax(matmul(q, kᵀ) / c) · v`, pass a tensor far
/// larger than q, k and v through memory three times: 200 steps of 32 dimensions per head make
/// a 200×200 plane, 82 MB at batch 256, written by the product, read and written by the
/// scale and again by softmax. Handed out unevaluated instead, the product, its scale and its
/// softmax cost nothing until a product with values computes each plane in cache
/// (`DeferredAttention.swift`); any other use computes the value with the very ops eager
/// evaluation runs.
///
/// A deferred value keeps private copies of the product's operands (small next to the
/// product, or it is not deferred), so writes to the caller's q and k after the product was
/// asked for change nothing: its value is the one the eager product had then. Only the C ABI
/// hands deferred tensors out, and its handle lookup (`borrow`) resolves them before any other
/// op sees them; no tape records while one is made (the ops it stands for would have no
/// node).
public final class DeferredValue: @unchecked Sendable {
    /// A scale by one element: `product / factor`, `product * factor` or `factor * product`.
    struct Scale {
        let op: BinaryOp
        /// A private one-element copy of the caller's factor.
        let factor: Tensor
        let factorFirst: Bool
    }

    /// The product's operands (private copies, BLAS-readable).
    let left: Tensor, right: Tensor
    let scale: Scale?
    /// Whether a softmax over the last axis follows the (scaled) product.
    let softmaxed: Bool
    /// The shape and dtype of the value.
    public let shape: [Int], dtype: DType

    /// The value once computed; the operands are then no longer needed, but the stages made
    /// from this one share them, so they stay until all of them are gone.
    private var value: Tensor?
    private static let lock: UnsafeMutablePointer<pthread_mutex_t> = {
        let lock = UnsafeMutablePointer<pthread_mutex_t>.allocate(capacity: 1)
        pthread_mutex_init(lock, nil)
        return lock
    }()

    init(left: Tensor, right: Tensor, scale: Scale?, softmaxed: Bool, shape: [Int], dtype: DType) {
        self.left = left
        self.right = right
        self.scale = scale
        self.softmaxed = softmaxed
        self.shape = shape
        self.dtype = dtype
    }

    /// A tensor standing for this value: a placeholder storage the engine never reads, since
    /// every path to the tensor resolves it first.
    func tensor() throws -> Tensor {
        let placeholder = try Storage(byteCount: 0)
        let tensor = Tensor(storage: placeholder, dtype: dtype, shape: shape, strides: contiguousStrides(shape))
        tensor.deferred = self
        return tensor
    }

    /// The same product followed by one more stage.
    func adding(scale: Scale? = nil, softmax: Bool = false) -> DeferredValue {
        DeferredValue(
            left: left, right: right, scale: scale ?? self.scale, softmaxed: softmax || softmaxed, shape: shape,
            dtype: dtype)
    }

    /// The value, computed on first use by the ops eager evaluation runs (matmul, the scale as
    /// `binary`, softmax), so it has their roundings exactly.
    public func resolve() throws -> Tensor {
        pthread_mutex_lock(DeferredValue.lock)
        defer { pthread_mutex_unlock(DeferredValue.lock) }
        if let value { return value }
        var result = try matmul(left, right)
        if let scale {
            result =
                scale.factorFirst
                ? try binary(scale.op, scale.factor, result) : try binary(scale.op, result, scale.factor)
        }
        if softmaxed { result = try softmax(result, axis: -1) }
        value = result
        return result
    }
}

extension Tensor {
    /// This tensor's value: itself, or a deferred value computed now.
    public func resolved() throws -> Tensor {
        try deferred?.resolve() ?? self
    }
}

/// A copy of `t` that the caller cannot write: the same strides when `t` densely covers its
/// memory in some axis order (a transposed view copies as one block, and BLAS reads it as it
/// read `t`), else a contiguous copy.
func privateCopy(_ t: Tensor) throws -> Tensor {
    let order = (0..<t.rank).sorted { t.strides[$0] > t.strides[$1] }
    var expected = 1, dense = true
    for axis in order.reversed() where t.shape[axis] != 1 {
        if t.strides[axis] != expected {
            dense = false
            break
        }
        expected *= t.shape[axis]
    }
    guard dense, t.count > 0 else { return try t.cast(to: t.dtype) }
    let block = try Tensor.empty([t.count], dtype: t.dtype)
    memcpy(block.baseAddress, t.baseAddress, t.count * t.dtype.itemSize)
    return Tensor(storage: block.storage, dtype: t.dtype, shape: t.shape, strides: t.strides)
}
