extension Tensor {
    /// A 0-d tensor holding `value` converted to `dtype`.
    public static func scalar(_ value: Double, dtype: DType) throws -> Tensor {
        let boxed = try Tensor.empty([], dtype: .float64)
        boxed.pointer(as: Double.self).pointee = value
        return try boxed.converted(to: dtype)
    }

    /// A new tensor of `shape` with every element equal to the 0-d (or broadcastable) `value`.
    public static func full(_ shape: [Int], value: Tensor, dtype: DType) throws -> Tensor {
        let result = try Tensor.empty(shape, dtype: dtype)
        try result.assign(from: value)
        return result
    }
}

/// numpy.arange: values start, start+step, ... below stop (above, for negative steps).
/// Integer dtypes count exactly in Int64; float dtypes compute start + i·step like numpy.
public func arange(start: Double, stop: Double, step: Double, dtype: DType) throws -> Tensor {
    if step == 0 { throw SDLError.value("arange", "step must not be zero") }
    if !start.isFinite || !stop.isFinite || !step.isFinite {
        throw SDLError.value(
            "arange", "arange requires finite start, stop and step; received (\(start), \(stop), \(step))")
    }
    let length = max(0, ((stop - start) / step).rounded(.up))
    if length > 1e12 { throw SDLError(.memory, "[arange] \(length) elements is too many") }
    let count = Int(length)
    let result = try Tensor.empty([count], dtype: .float64)
    let pointer = result.pointer(as: Double.self)
    for i in 0..<count { pointer[i] = start + Double(i) * step }
    return try result.converted(to: dtype)
}

/// numpy.linspace: `num` evenly spaced values from start to stop (stop included when `endpoint`).
public func linspace(start: Double, stop: Double, num: Int, endpoint: Bool, dtype: DType) throws -> Tensor {
    if num < 0 { throw SDLError.value("linspace", "Number of samples, \(num), must be non-negative.") }
    let result = try Tensor.empty([num], dtype: .float64)
    let pointer = result.pointer(as: Double.self)
    let divisions = endpoint ? num - 1 : num
    let step = divisions > 0 ? (stop - start) / Double(divisions) : 0
    for i in 0..<num { pointer[i] = start + Double(i) * step }
    if endpoint && num > 1 { pointer[num - 1] = stop }
    return try result.converted(to: dtype)
}

/// numpy.eye: ones on the k-th diagonal of an n×m matrix.
public func eye(rows: Int, columns: Int, diagonal k: Int, dtype: DType) throws -> Tensor {
    if rows < 0 || columns < 0 {
        throw SDLError.value("eye", "negative dimensions are not allowed; received (\(rows), \(columns))")
    }
    let result = try Tensor.empty([rows, columns], dtype: .float64, zeroed: true)
    let pointer = result.pointer(as: Double.self)
    for row in 0..<rows {
        // NOTE: k comes from the caller and may be near Int.max; a diagonal that far out is empty.
        guard let column = CheckedSize.sum(row, k) else { break }
        if column >= 0 && column < columns { pointer[row * columns + column] = 1 }
    }
    return try result.converted(to: dtype)
}
