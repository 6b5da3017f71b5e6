/// The gradients of a training `fusedBatchNormalization` (batch statistics, optional relu) as
/// an op of its own, for callers that do not keep the op's input for the backward pass but
/// compute it again (Keras's conv → batch norm → relu chains, which run the convolution a
/// second time rather than keep its output: conv_batch_norm_training.py). Its VJP runs the
/// same kernels on the input it kept.

/// The result of `fusedBatchNormalizationGradients`.
public struct FusedBatchNormalizationGradients {
    /// The gradient of x, x's shape.
    public var x: Tensor
    /// The gradients of gamma (as if ones when there is none) and beta, (C,).
    public var gamma: Tensor
    public var beta: Tensor
}

/// Gradients of `fusedBatchNormalization(x, axis:, mean: nil, variance: nil, gamma:, beta:,
/// epsilon:, reluMax:)` with respect to x, gamma and beta.
///
/// - Parameters:
///   - x: the op's input (float32 or float64).
///   - output: the op's output; read only with a relu, for where it passed (nil without).
///   - outputGradient: the gradient of the output, x's shape.
///   - mean, variance: the batch statistics the op returned, (C,).
///   - gamma: the op's gamma, or nil for none; beta does not enter the gradients.
///   - epsilon, reluMax: as given to the op.
/// - Returns: the gradients; not recorded on tapes.
public func fusedBatchNormalizationGradients(
    x: Tensor, output: Tensor?, outputGradient: Tensor, axis: Int, mean: Tensor, variance: Tensor, gamma: Tensor?,
    epsilon: Double, reluMax: Double?
) throws -> FusedBatchNormalizationGradients {
    let op = "fused_batch_norm_gradients"
    try requireFloat(x, op, "x")
    if x.rank < 1 { throw SDLError.value(op, "x must have at least one axis; received a scalar") }
    let channelAxis = try normalizeAxis(axis, rank: x.rank, op: op)
    let channels = x.shape[channelAxis]
    try checkChannelOperands(
        op, [("mean", mean), ("variance", variance), ("gamma", gamma)], dtype: x.dtype, dtypeOwner: "x's",
        channels: channels, shapeReason: "for axis \(axis) of x with shape \(describeShape(x.shape))")
    try checkEpsilon(op, epsilon)
    try checkReluCap(op, reluMax)
    try requireFloat(outputGradient, op, "dy")
    if outputGradient.shape != x.shape {
        throw SDLError.value(
            op,
            "dy must have x's shape \(describeShape(x.shape)); received shape \(describeShape(outputGradient.shape))")
    }
    let relu: (max: Double, output: Tensor)?
    if let reluMax {
        guard let output else { throw SDLError.value(op, "y (the op's output) is needed with a relu; received None") }
        if output.shape != x.shape || output.dtype != x.dtype {
            throw SDLError.value(
                op,
                "y must have x's shape \(describeShape(x.shape)) and dtype \(x.dtype.name); received shape \(describeShape(output.shape)), dtype \(output.dtype.name)"
            )
        }
        relu = (reluMax, try output.contiguous())
    } else {
        relu = nil
    }
    let dtype = x.dtype
    let layout = ChannelLayout(
        outer: x.shape[..<channelAxis].reduce(1, *), channels: channels,
        inner: x.shape[(channelAxis + 1)...].reduce(1, *))
    let input = try x.contiguous(), dy = try outputGradient.converted(to: dtype).contiguous()
    let dx = try Tensor.empty(x.shape, dtype: dtype)
    let dgamma = try Tensor.empty([channels], dtype: dtype, zeroed: true)
    let dbeta = try Tensor.empty([channels], dtype: dtype, zeroed: true)
    if x.count > 0 {
        // Through the relu first, into dx (the batch norm kernel reads each element of its dy
        // before writing that element of dx).
        var normalizedGradient = dy
        if let relu {
            normalizedGradient = dx
            try dtype.dispatchFloat(ClippedReluBackward(dy: dy, y: relu.output, reluMax: relu.max, dz: dx))
        }
        try dtype.dispatchFloat(
            BatchNormBackward(
                x: input, dy: normalizedGradient, layout: layout, mean: try mean.contiguous(),
                variance: try variance.contiguous(), gamma: try gamma?.contiguous(), epsilon: epsilon,
                batchStatistics: true, dx: dx, dgamma: dgamma, dbeta: dbeta))
    }
    return FusedBatchNormalizationGradients(x: dx, gamma: dgamma, beta: dbeta)
}
