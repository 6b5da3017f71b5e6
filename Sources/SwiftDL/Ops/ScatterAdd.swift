/// The adjoints of gathers: sums rows (or elements) back into the positions they were
/// read from, accumulating repeats. Used by the gradients of take, embedding lookups and
/// advanced indexing.

/// A tensor of `shape` (float) that is zero except that, along `axis`, row indices[j]
/// receives the sum of gradient rows j: the VJP of take.
public func takeBackward(_ gradient: Tensor, indices: Tensor, axis: Int, shape: [Int]) throws -> Tensor {
    let size = shape[axis]
    let positions = try normalizeIndices(indices, size: size, axis: axis, op: "take")
    let outer = try CheckedSize.product(of: shape[..<axis], op: "take", "the size before the axis")
    let inner = try CheckedSize.product(of: shape[(axis + 1)...], op: "take", "the size after the axis")
    let result = try Tensor.empty(shape, dtype: gradient.dtype, zeroed: true)
    let rows = try gradient.contiguous()
    try gradient.dtype.dispatchFloat(
        RowScatterAdd(
            rows: rows, positions: positions, result: result,
            outer: outer, size: size, inner: inner))
    return result
}

private struct RowScatterAdd: FloatVisitor {
    let rows: Tensor, positions: Tensor, result: Tensor, outer: Int, size: Int, inner: Int
    func visit<T: FloatElement>(_: T.Type) {
        let source = rows.pointer(as: T.self), destination = result.pointer(as: T.self)
        let index = positions.pointer(as: Int64.self), count = positions.count
        for o in 0..<outer {
            for j in 0..<count {
                let from = source + (o * count + j) * inner
                let to = destination + (o * size + Int(index[j])) * inner
                for i in 0..<inner { to[i] += from[i] }
            }
        }
    }
}

/// storage[offsets[i]] += values[i] for a float tensor (values broadcast to offsets' shape).
public func scatterAddOffsets(_ base: Tensor, offsets: Tensor, values: Tensor) throws {
    let positions = try offsets.cast(to: .int64)
    let capacity = Int64(base.storage.byteCount / base.dtype.itemSize)
    let index = positions.pointer(as: Int64.self)
    for i in 0..<positions.count where index[i] < 0 || index[i] >= capacity {
        throw SDLError.index("scatter_add", "element offset \(index[i]) is outside the storage of \(capacity) elements")
    }
    let source = try values.converted(to: base.dtype).broadcasted(to: offsets.shape).contiguous()
    try base.dtype.dispatchFloat(OffsetScatterAdd(base: base, positions: positions, values: source))
}

private struct OffsetScatterAdd: FloatVisitor {
    let base: Tensor, positions: Tensor, values: Tensor
    func visit<T: FloatElement>(_: T.Type) {
        let storage = base.storage.base.assumingMemoryBound(to: T.self)
        let index = positions.pointer(as: Int64.self), input = values.pointer(as: T.self)
        for i in 0..<positions.count { storage[Int(index[i])] += input[i] }
    }
}
