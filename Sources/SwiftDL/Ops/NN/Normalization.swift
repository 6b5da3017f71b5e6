/// tf.nn's normalisation helpers, composed from recorded primitives so their gradients
/// come for free: moments, batch_normalization and l2_normalize.

/// Mean and (biased) variance of x over `axes`, like tf.nn.moments.
public func moments(_ x: Tensor, axes: [Int], keepdims: Bool = false) throws -> (mean: Tensor, variance: Tensor) {
    try requireFloat(x, "moments", "x")
    let reduced = try normalizeAxes(axes, rank: x.rank, op: "moments")
    let mean = try differentiableReduce(.mean, x, axes: reduced, keepdims: true)
    // NOTE: the variance reads the mean as a constant (TensorFlow's stop_gradient): the
    // gradient through it is Σ(x - μ)·… = 0, so skipping it changes nothing but the cost.
    let constantMean = mean.view(shape: mean.shape, strides: mean.strides, offset: mean.offset)
    let deviations = try differentiableUnary(.square, differentiableBinary(.subtract, x, constantMean))
    let variance = try differentiableReduce(.mean, deviations, axes: reduced, keepdims: true)
    if keepdims { return (mean, variance) }
    let shape = (0..<x.rank).filter { !reduced.contains($0) }.map { x.shape[$0] }
    return (try differentiableReshape(mean, shape), try differentiableReshape(variance, shape))
}

/// (x - mean) · scale / √(variance + ε) + offset, like tf.nn.batch_normalization; offset and
/// scale may be nil. All operands broadcast against x.
public func batchNormalization(
    _ x: Tensor, mean: Tensor, variance: Tensor, offset: Tensor?, scale: Tensor?,
    varianceEpsilon: Double
) throws -> Tensor {
    let op = "batch_normalization"
    try requireFloat(x, op, "x")
    for (name, operand) in [("mean", mean), ("variance", variance), ("offset", offset), ("scale", scale)] {
        guard let operand else { continue }
        if !operand.dtype.isFloatingPoint {
            throw SDLError.type(op, "\(name) must be a float tensor; received dtype \(operand.dtype.name)")
        }
        _ = try broadcastShapes(x.shape, operand.shape, op: op)
    }
    let epsilon = try Tensor.scalar(varianceEpsilon, dtype: x.dtype)
    var inverse = try differentiableUnary(
        .reciprocal, differentiableUnary(.sqrt, differentiableBinary(.add, variance, epsilon)))
    if let scale { inverse = try differentiableBinary(.multiply, inverse, scale) }
    var shift = try differentiableUnary(.negative, differentiableBinary(.multiply, mean, inverse))
    if let offset { shift = try differentiableBinary(.add, offset, shift) }
    return try differentiableBinary(.add, differentiableBinary(.multiply, x, inverse), shift)
}

/// x / √max(Σ x², ε) over `axes` (nil: all), like tf.nn.l2_normalize.
public func l2Normalize(_ x: Tensor, axes: [Int]?, epsilon: Double = 1e-12) throws -> Tensor {
    try requireFloat(x, "l2_normalize", "x")
    let reduced = try normalizeAxes(axes, rank: x.rank, op: "l2_normalize")
    let squareSum = try differentiableReduce(.sum, differentiableUnary(.square, x), axes: reduced, keepdims: true)
    let floor = try Tensor.scalar(epsilon, dtype: x.dtype)
    let inverseNorm = try differentiableUnary(
        .reciprocal, differentiableUnary(.sqrt, differentiableBinary(.maximum, squareSum, floor)))
    return try differentiableBinary(.multiply, x, inverseNorm)
}
