/// numpy.take: picks entries along `axis` (nil: of the flattened array). Negative indices
/// count from the end; out-of-range ones are an IndexError, as with numpy's mode='raise'.
public func take(_ x: Tensor, indices: Tensor, axis: Int?) throws -> Tensor {
    let source = axis == nil ? try x.reshaped([x.count]) : x
    let position = try normalizeAxis(axis ?? 0, rank: source.rank, op: "take")
    if indices.dtype.isFloatingPoint {
        throw SDLError.type("take", "indices must be integers; received dtype \(indices.dtype.name)")
    }
    let size = source.shape[position]
    let normalized = try normalizeIndices(indices, size: size, axis: position, op: "take")

    let input = try source.contiguous()
    let outer = try CheckedSize.product(of: source.shape[..<position], op: "take", "the size before the axis")
    let inner = try CheckedSize.product(of: source.shape[(position + 1)...], op: "take", "the size after the axis")
    let shape = Array(source.shape[..<position]) + indices.shape + Array(source.shape[(position + 1)...])
    let result = try Tensor.empty(shape, dtype: x.dtype)
    gatherKernel(
        UnsafeRawPointer(input.baseAddress), result.baseAddress,
        indices: UnsafePointer(normalized.pointer(as: Int64.self)), indexCount: normalized.count,
        outer: outer, n: size,
        innerBytes: try CheckedSize.product(inner, x.dtype.itemSize, op: "take", "a row's byte size"))
    return result
}

/// Validates integer indices against an axis of `size` and returns them as contiguous int64,
/// negatives wrapped. Bool index arrays are refused (they are masks, not positions).
public func normalizeIndices(_ indices: Tensor, size: Int, axis: Int, op: String) throws -> Tensor {
    if indices.dtype == .bool || indices.dtype.isFloatingPoint {
        throw SDLError.type(op, "indices must be integers; received dtype \(indices.dtype.name)")
    }
    let result = try indices.cast(to: .int64)
    let pointer = result.pointer(as: Int64.self)
    for i in 0..<result.count {
        let index = pointer[i]
        if index < -Int64(size) || index >= Int64(size) {
            throw SDLError.index(op, "index \(index) is out of bounds for axis \(axis) with size \(size)")
        }
        if index < 0 { pointer[i] = index + Int64(size) }
    }
    return result
}
