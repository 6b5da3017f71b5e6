/// Group normalisation as one op (Keras's GroupNormalization) and its VJP: two passes over
/// the data forward (the statistics of each (sample, group), then the normalisation with
/// gamma and beta) and two backward, where the composed formula ran a reshape, two means,
/// a subtraction, a square, a square root, a division and the broadcast gamma and beta,
/// each with its own backward.

/// Normalises each group of channels of each sample over its channels and every position:
/// (x − mean)/√(variance + ε)·gamma + beta, the variance biased, ε inside the root (Keras).
///
/// - Parameters:
///   - x: float32 or float64, rank at least 2, the batch first.
///   - axis: the channel axis, not the batch's (negative counts from the end).
///   - groups: a positive divisor of the channel count (channels: instance normalisation).
///   - gamma, beta: nil or (channels,) tensors of x's dtype.
///   - epsilon: added to the variance, finite and >= 0.
/// - Returns: x's shape, recorded on tapes (gradients for x, gamma and beta).
public func groupNormalization(
    _ x: Tensor, axis: Int, groups: Int, gamma: Tensor?, beta: Tensor?, epsilon: Double
) throws -> Tensor {
    let op = "group_norm"
    try requireFloat(x, op, "x")
    if x.rank < 2 {
        throw SDLError.value(
            op, "x must have a batch axis and a channel axis; received shape \(describeShape(x.shape))")
    }
    let channelAxis = try normalizeAxis(axis, rank: x.rank, op: op)
    if channelAxis == 0 {
        throw SDLError.value(op, "the channel axis cannot be the batch axis 0; received axis \(axis)")
    }
    let channels = x.shape[channelAxis]
    // (At most max(channels, 1): zero channels take one group, an empty output.)
    if groups < 1 || groups > max(channels, 1) || channels % groups != 0 {
        throw SDLError.value(
            op, "groups must be a positive divisor of the \(channels) channels; received groups=\(groups)")
    }
    try checkChannelOperands(
        op, [("gamma", gamma), ("beta", beta)], dtype: x.dtype, dtypeOwner: "x's", channels: channels,
        shapeReason: "for axis \(axis) of x with shape \(describeShape(x.shape))")
    try checkEpsilon(op, epsilon)
    let layout = GroupLayout(
        batch: x.shape[0], before: x.shape[1..<channelAxis].reduce(1, *), channels: channels,
        after: x.shape[(channelAxis + 1)...].reduce(1, *), groups: groups)
    let dtype = x.dtype
    let input = try x.contiguous()
    let g = try gamma?.contiguous(), b = try beta?.contiguous()
    // The statistics in Double, (batch, groups): kept for the backward pass.
    let mean = try Tensor.empty([layout.batch, groups], dtype: .float64)
    let inverseDeviation = try Tensor.empty([layout.batch, groups], dtype: .float64)
    let y = try Tensor.empty(x.shape, dtype: dtype)
    if y.count > 0 {
        try dtype.dispatchFloat(
            GroupNormForward(
                x: input, layout: layout, epsilon: epsilon, gamma: g, beta: b, mean: mean,
                inverseDeviation: inverseDeviation, y: y))
    }
    guard isRecordingGradients else { return y }
    let inputs = [x] + [gamma, beta].compactMap { $0 }
    let needs = inputs.map(isFollowedByRecordingTape)
    guard needs.contains(true) else { return y }
    record(op, inputs: inputs, outputs: [y]) { gradients in
        guard let upstream = gradients[0] else { return inputs.map { _ in nil } }
        let dy = try upstream.converted(to: dtype).contiguous()
        let (dx, dgamma, dbeta) = try normalizationGradientBuffers(
            x: x, gamma: gamma, beta: beta, needs: needs, channels: channels)
        if y.count > 0 {
            try dtype.dispatchFloat(
                GroupNormBackward(
                    x: input, dy: dy, layout: layout, mean: mean, inverseDeviation: inverseDeviation,
                    gamma: g, dx: dx, dgamma: dgamma, dbeta: dbeta))
        }
        return [dx] + (gamma != nil ? [dgamma] : []) + (beta != nil ? [dbeta] : [])
    }
    return y
}

private struct GroupNormForward: FloatVisitor {
    let x: Tensor, layout: GroupLayout, epsilon: Double, gamma: Tensor?, beta: Tensor?
    let mean: Tensor, inverseDeviation: Tensor, y: Tensor
    func visit<T: FloatElement>(_: T.Type) {
        let input = UnsafePointer(x.pointer(as: T.self))
        let means = mean.pointer(as: Double.self), deviations = inverseDeviation.pointer(as: Double.self)
        groupNormStatistics(input, layout, epsilon: epsilon, mean: means, inverseDeviation: deviations)
        groupNormForward(
            input, layout, mean: UnsafePointer(means), inverseDeviation: UnsafePointer(deviations),
            gamma: gamma.map { UnsafePointer($0.pointer(as: T.self)) },
            beta: beta.map { UnsafePointer($0.pointer(as: T.self)) }, y.pointer(as: T.self))
    }
}

private struct GroupNormBackward: FloatVisitor {
    let x: Tensor, dy: Tensor, layout: GroupLayout, mean: Tensor, inverseDeviation: Tensor, gamma: Tensor?
    let dx: Tensor?, dgamma: Tensor?, dbeta: Tensor?
    func visit<T: FloatElement>(_: T.Type) {
        groupNormBackward(
            UnsafePointer(x.pointer(as: T.self)), UnsafePointer(dy.pointer(as: T.self)), layout,
            mean: UnsafePointer(mean.pointer(as: Double.self)),
            inverseDeviation: UnsafePointer(inverseDeviation.pointer(as: Double.self)),
            gamma: gamma.map { UnsafePointer($0.pointer(as: T.self)) }, dx: dx?.pointer(as: T.self),
            dgamma: dgamma?.pointer(as: T.self), dbeta: dbeta?.pointer(as: T.self))
    }
}
