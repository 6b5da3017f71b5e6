/// An n-dimensional array: a view (shape, strides, offset) of typed elements in a `Storage`.
/// Several tensors may view one storage (slices, transposes, reshapes of contiguous data).
/// Metadata is immutable; element values can change through in-place ops and `assign`.
public final class Tensor: @unchecked Sendable {
    public let storage: Storage
    public let dtype: DType
    public let shape: [Int]
    /// Distance between neighbours along each axis, in elements (may be 0 or negative).
    public let strides: [Int]
    /// Position of element (0, 0, ...) in the storage, in elements.
    public let offset: Int
    /// Set on a trainable variable's tensor: tapes that watch accessed variables follow it
    /// as soon as an op reads it.
    public var isTrainableVariable = false
    /// Set on a tensor whose values are not computed yet (Ops/Deferred): its storage is a
    /// placeholder, and only the C ABI's handle lookup may see it, which resolves it first.
    public var deferred: DeferredValue?

    public init(storage: Storage, dtype: DType, shape: [Int], strides: [Int], offset: Int = 0) {
        self.storage = storage
        self.dtype = dtype
        self.shape = shape
        self.strides = strides
        self.offset = offset
    }

    /// A new, uninitialised (or zeroed) contiguous tensor.
    public static func empty(_ shape: [Int], dtype: DType, zeroed: Bool = false) throws -> Tensor {
        let bytes = try CheckedSize.byteCount(shape, itemSize: dtype.itemSize, op: "empty")
        let storage = try Storage(byteCount: bytes, zeroed: zeroed)
        return Tensor(storage: storage, dtype: dtype, shape: shape, strides: contiguousStrides(shape))
    }

    public var rank: Int { shape.count }
    /// The number of elements. It fits in `Int` (see `CheckedSize`): every way a shape
    /// reaches a tensor from outside the engine checks it.
    public var count: Int { shape.reduce(1, *) }

    /// Row-major (C order) contiguous: the layout kernels' fast paths want.
    public var isContiguous: Bool {
        var expected = 1
        for axis in stride(from: rank - 1, through: 0, by: -1) where shape[axis] != 1 {
            if strides[axis] != expected { return false }
            expected *= shape[axis]
        }
        return true
    }

    /// Address of element (0, 0, ...).
    public var baseAddress: UnsafeMutableRawPointer { storage.base + offset * dtype.itemSize }

    /// Typed address of element (0, 0, ...). The caller must pass the tensor's own element type.
    @inline(__always)
    public func pointer<T>(as type: T.Type) -> UnsafeMutablePointer<T> {
        baseAddress.assumingMemoryBound(to: T.self)
    }

    /// A view of the same storage with other metadata.
    public func view(shape: [Int], strides: [Int], offset: Int) -> Tensor {
        Tensor(storage: storage, dtype: dtype, shape: shape, strides: strides, offset: offset)
    }
}

/// Strides of a row-major contiguous array of `shape`, in elements.
public func contiguousStrides(_ shape: [Int]) -> [Int] {
    var strides = [Int](repeating: 1, count: shape.count)
    var running = 1
    for axis in stride(from: shape.count - 1, through: 0, by: -1) {
        strides[axis] = running
        running *= Swift.max(shape[axis], 1)
    }
    return strides
}

/// The number of elements in `shape`, refusing negative sizes and products that overflow
/// (`CheckedSize.elementCount`).
public func checkedElementCount(_ shape: [Int], op: String) throws -> Int {
    try CheckedSize.elementCount(shape, op: op)
}
