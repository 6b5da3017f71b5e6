/// numpy's broadcasting rule: align shapes on the right; sizes must match or be 1.
public func broadcastShapes(_ a: [Int], _ b: [Int], op: String) throws -> [Int] {
    let rank = max(a.count, b.count)
    var result = [Int](repeating: 1, count: rank)
    for i in 0..<rank {
        let x = i < rank - a.count ? 1 : a[i - (rank - a.count)]
        let y = i < rank - b.count ? 1 : b[i - (rank - b.count)]
        if x != y && x != 1 && y != 1 {
            throw SDLError.value(
                op, "operands could not be broadcast together with shapes \(describeShape(a)) \(describeShape(b))")
        }
        result[i] = x == 1 ? y : x
    }
    // Every op allocates or loops over this shape: its element count must fit.
    _ = try checkedElementCount(result, op: op)
    return result
}

/// Strides that read `tensor` as if it had `shape` (which it must broadcast to): size-1 and
/// missing leading axes get stride 0, so no data is copied.
public func broadcastStrides(_ tensor: Tensor, to shape: [Int]) -> [Int] {
    let lead = shape.count - tensor.rank
    var strides = [Int](repeating: 0, count: shape.count)
    for axis in 0..<tensor.rank where tensor.shape[axis] != 1 {
        strides[lead + axis] = tensor.strides[axis]
    }
    return strides
}

/// Normalises a possibly negative axis against `rank`, or throws numpy's AxisError wording.
public func normalizeAxis(_ axis: Int, rank: Int, op: String) throws -> Int {
    let normalized = axis < 0 ? axis + rank : axis
    if normalized < 0 || normalized >= max(rank, 0) {
        throw SDLError.value(op, "axis \(axis) is out of bounds for array of dimension \(rank)")
    }
    return normalized
}

/// Normalises a list of axes, refusing duplicates; `nil` means every axis.
public func normalizeAxes(_ axes: [Int]?, rank: Int, op: String) throws -> [Int] {
    guard let axes else { return Array(0..<rank) }
    var seen = Set<Int>()
    var result: [Int] = []
    for axis in axes {
        let normalized = try normalizeAxis(axis, rank: rank, op: op)
        if !seen.insert(normalized).inserted { throw SDLError.value(op, "duplicate value in 'axis'; received \(axes)") }
        result.append(normalized)
    }
    return result.sorted()
}
