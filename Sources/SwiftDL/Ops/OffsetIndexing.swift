/// Advanced (integer-array and mask) indexing works on element offsets: the Python layer
/// computes, for every element of the result, its offset in the base tensor's storage;
/// these two ops read or write those elements. Offsets are validated against the storage,
/// so a wrong offset is an IndexError, never a stray memory access.

/// out[i] = storage[offsets[i]], shaped like `offsets`.
public func gatherOffsets(_ base: Tensor, offsets: Tensor) throws -> Tensor {
    let positions = try validatedOffsets(base, offsets, op: "getitem")
    let result = try Tensor.empty(offsets.shape, dtype: base.dtype)
    try base.dtype.dispatch(OffsetGather(base: base, positions: positions, out: result))
    return result
}

/// storage[offsets[i]] = values[i], `values` broadcast to the shape of `offsets` and converted
/// to the base dtype. With repeated offsets the last write wins, as in numpy.
public func scatterOffsets(_ base: Tensor, offsets: Tensor, values: Tensor) throws {
    let positions = try validatedOffsets(base, offsets, op: "setitem")
    let shape = try broadcastShapes(offsets.shape, values.shape, op: "setitem")
    if shape != offsets.shape {
        throw SDLError.value(
            "setitem",
            "shape mismatch: value array of shape \(describeShape(values.shape)) could not be broadcast to indexing result of shape \(describeShape(offsets.shape))"
        )
    }
    let source = try values.converted(to: base.dtype).broadcasted(to: shape).contiguous()
    try base.dtype.dispatch(OffsetScatter(base: base, positions: positions, values: source))
}

/// Offsets as contiguous int64, each inside the storage.
private func validatedOffsets(_ base: Tensor, _ offsets: Tensor, op: String) throws -> Tensor {
    let positions = try offsets.cast(to: .int64)
    let capacity = Int64(base.storage.byteCount / base.dtype.itemSize)
    let pointer = positions.pointer(as: Int64.self)
    for i in 0..<positions.count where pointer[i] < 0 || pointer[i] >= capacity {
        throw SDLError.index(op, "element offset \(pointer[i]) is outside the storage of \(capacity) elements")
    }
    return positions
}

private struct OffsetGather: ElementVisitor {
    let base: Tensor, positions: Tensor, out: Tensor
    func visit<T: Element>(_: T.Type) {
        let storage = base.storage.base.assumingMemoryBound(to: T.self)
        let index = positions.pointer(as: Int64.self), output = out.pointer(as: T.self)
        for i in 0..<positions.count { output[i] = storage[Int(index[i])] }
    }
}

private struct OffsetScatter: ElementVisitor {
    let base: Tensor, positions: Tensor, values: Tensor
    func visit<T: Element>(_: T.Type) {
        let storage = base.storage.base.assumingMemoryBound(to: T.self)
        let index = positions.pointer(as: Int64.self), input = values.pointer(as: T.self)
        for i in 0..<positions.count { storage[Int(index[i])] = input[i] }
    }
}

/// numpy.nonzero: an (ndim, count) int64 tensor of the coordinates of the true (non-zero)
/// elements, in row-major order.
public func nonzero(_ x: Tensor) throws -> Tensor {
    let mask = try x.converted(to: .bool).contiguous()
    let flags = mask.pointer(as: Bool.self)
    var count = 0
    for i in 0..<mask.count where flags[i] { count += 1 }
    let rank = max(x.rank, 1)
    let result = try Tensor.empty([rank, count], dtype: .int64)
    let out = result.pointer(as: Int64.self)
    let shape = x.rank == 0 ? [1] : x.shape
    var written = 0
    for i in 0..<mask.count where flags[i] {
        var remainder = i
        for axis in stride(from: rank - 1, through: 0, by: -1) {
            out[axis * count + written] = Int64(remainder % shape[axis])
            remainder /= shape[axis]
        }
        written += 1
    }
    return result
}
