/// Batch normalisation as one op (Keras's BatchNormalization layer,
/// tf.nn.fused_batch_norm) and its VJP: a few passes over the data forward and backward,
/// where the composed formula (Normalization.swift) runs a dozen element-wise ops each
/// way. Moving averages stay with the caller: the op returns the batch statistics.
/// It can end in a relu (capped or not), so that Keras's BatchNormalization followed by a
/// ReLU layer (MobileNet's ReLU(6.0)) is one op: one write of the output instead of a write
/// and a read-modify-write, and one tensor kept for the backward pass instead of two.

/// The result of `fusedBatchNormalization`.
public struct FusedBatchNormalization {
    /// (x - mean) · gamma / √(variance + ε) + beta, x's shape.
    public var output: Tensor
    /// The per-channel mean and biased variance used (the batch's, or those given).
    public var mean: Tensor
    public var variance: Tensor
}

/// Normalises x over every axis but `axis`.
///
/// - Parameters:
///   - x: float32 or float64, rank at least 1.
///   - axis: the channel axis (negative counts from the end).
///   - mean, variance: nil to use the batch's own statistics (training); otherwise (C,)
///     tensors used as constants (inference: the moving averages). Both or neither.
///   - gamma, beta: nil or (C,) tensors of x's dtype.
///   - epsilon: added to the variance, finite and >= 0.
///   - reluMax: nil for no activation; otherwise the output is min(max(y, 0), reluMax)
///     (.infinity: relu, 6: relu6), bit for bit what the separate activation gives.
/// - Returns: the output, recorded on tapes (gradients for x, gamma and beta), and the
///   statistics used (not recorded).
public func fusedBatchNormalization(
    _ x: Tensor, axis: Int, mean: Tensor?, variance: Tensor?, gamma: Tensor?, beta: Tensor?, epsilon: Double,
    reluMax: Double? = nil
) throws -> FusedBatchNormalization {
    let op = "fused_batch_norm"
    try requireFloat(x, op, "x")
    if x.rank < 1 { throw SDLError.value(op, "x must have at least one axis; received a scalar") }
    let channelAxis = try normalizeAxis(axis, rank: x.rank, op: op)
    let channels = x.shape[channelAxis]
    if (mean == nil) != (variance == nil) {
        throw SDLError.value(op, "mean and variance must be given together (inference) or both omitted (training)")
    }
    try checkChannelOperands(
        op, [("mean", mean), ("variance", variance), ("gamma", gamma), ("beta", beta)], dtype: x.dtype,
        dtypeOwner: "x's", channels: channels,
        shapeReason: "for axis \(axis) of x with shape \(describeShape(x.shape))")
    try checkEpsilon(op, epsilon)
    try checkReluCap(op, reluMax)
    let layout = ChannelLayout(
        outer: x.shape[..<channelAxis].reduce(1, *), channels: channels,
        inner: x.shape[(channelAxis + 1)...].reduce(1, *))
    let dtype = x.dtype
    let input = try x.contiguous()
    let g = try gamma?.contiguous(), b = try beta?.contiguous()
    let batchStatistics = mean == nil
    let statistics: (mean: Tensor, variance: Tensor)
    if let mean, let variance {
        statistics = (try mean.contiguous(), try variance.contiguous())
    } else {
        statistics = (try Tensor.empty([channels], dtype: dtype), try Tensor.empty([channels], dtype: dtype))
        try dtype.dispatchFloat(
            BatchStatistics(x: input, layout: layout, mean: statistics.mean, variance: statistics.variance))
    }
    let y = try Tensor.empty(x.shape, dtype: dtype)
    if y.count > 0 {
        try dtype.dispatchFloat(
            BatchNormForward(
                x: input, layout: layout, mean: statistics.mean, variance: statistics.variance, gamma: g, beta: b,
                epsilon: epsilon, reluMax: reluMax, y: y))
    }
    let result = FusedBatchNormalization(output: y, mean: statistics.mean, variance: statistics.variance)
    guard isRecordingGradients else { return result }
    let inputs = [x] + [gamma, beta].compactMap { $0 }
    let needs = inputs.map(isFollowedByRecordingTape)
    guard needs.contains(true) else { return result }
    record(op, inputs: inputs, outputs: [y]) { gradients in
        guard let upstream = gradients[0] else { return inputs.map { _ in nil } }
        let dy = try upstream.converted(to: dtype).contiguous()
        let (dx, dgamma, dbeta) = try normalizationGradientBuffers(
            x: x, gamma: gamma, beta: beta, needs: needs, channels: channels)
        if y.count > 0 {
            // Through the relu first: its gradient goes where dx will (the backward kernel
            // reads each element of its dy before writing that element of dx).
            var normalizedGradient = dy
            if let reluMax {
                normalizedGradient = try dx ?? Tensor.empty(x.shape, dtype: dtype)
                try dtype.dispatchFloat(
                    ClippedReluBackward(dy: dy, y: y, reluMax: reluMax, dz: normalizedGradient))
            }
            try dtype.dispatchFloat(
                BatchNormBackward(
                    x: input, dy: normalizedGradient, layout: layout, mean: statistics.mean,
                    variance: statistics.variance, gamma: g, epsilon: epsilon, batchStatistics: batchStatistics, dx: dx,
                    dgamma: dgamma, dbeta: dbeta))
        }
        return [dx] + (gamma != nil ? [dgamma] : []) + (beta != nil ? [dbeta] : [])
    }
    return result
}

private struct BatchStatistics: FloatVisitor {
    let x: Tensor, layout: ChannelLayout, mean: Tensor, variance: Tensor
    func visit<T: FloatElement>(_: T.Type) {
        let m = mean.pointer(as: T.self), v = variance.pointer(as: T.self)
        if layout.valuesPerChannel == 0 {
            // The mean of nothing, as numpy and TensorFlow give it.
            m.update(repeating: T.nan, count: layout.channels)
            v.update(repeating: T.nan, count: layout.channels)
            return
        }
        batchNormStatistics(UnsafePointer(x.pointer(as: T.self)), layout, mean: m, variance: v)
    }
}

private struct BatchNormForward: FloatVisitor {
    let x: Tensor, layout: ChannelLayout, mean: Tensor, variance: Tensor, gamma: Tensor?, beta: Tensor?
    let epsilon: Double, reluMax: Double?, y: Tensor
    func visit<T: FloatElement>(_: T.Type) {
        batchNormForward(
            UnsafePointer(x.pointer(as: T.self)), layout, mean: UnsafePointer(mean.pointer(as: T.self)),
            variance: UnsafePointer(variance.pointer(as: T.self)),
            gamma: gamma.map { UnsafePointer($0.pointer(as: T.self)) },
            beta: beta.map { UnsafePointer($0.pointer(as: T.self)) }, epsilon: epsilon, reluMax: reluMax,
            y.pointer(as: T.self))
    }
}

struct ClippedReluBackward: FloatVisitor {
    let dy: Tensor, y: Tensor, reluMax: Double, dz: Tensor
    func visit<T: FloatElement>(_: T.Type) {
        clippedReluBackward(
            UnsafePointer(dy.pointer(as: T.self)), UnsafePointer(y.pointer(as: T.self)), max: reluMax, count: y.count,
            dz.pointer(as: T.self))
    }
}

struct BatchNormBackward: FloatVisitor {
    let x: Tensor, dy: Tensor, layout: ChannelLayout, mean: Tensor, variance: Tensor, gamma: Tensor?
    let epsilon: Double, batchStatistics: Bool, dx: Tensor?, dgamma: Tensor?, dbeta: Tensor?
    func visit<T: FloatElement>(_: T.Type) {
        batchNormBackward(
            UnsafePointer(x.pointer(as: T.self)), UnsafePointer(dy.pointer(as: T.self)), layout,
            mean: UnsafePointer(mean.pointer(as: T.self)), variance: UnsafePointer(variance.pointer(as: T.self)),
            gamma: gamma.map { UnsafePointer($0.pointer(as: T.self)) }, epsilon: epsilon,
            batchStatistics: batchStatistics, dx: dx?.pointer(as: T.self), dgamma: dgamma?.pointer(as: T.self),
            dbeta: dbeta?.pointer(as: T.self))
    }
}

/// The gradient buffers of a normalisation of x with optional (C,) gamma and beta, as `needs`
/// (x's, then gamma's and beta's where given) asks: dx uninitialised (the backward kernels
/// write every element of it; there are none when x is empty), dgamma and dbeta zeroed
/// (their kernels accumulate).
func normalizationGradientBuffers(
    x: Tensor, gamma: Tensor?, beta: Tensor?, needs: [Bool], channels: Int
) throws -> (dx: Tensor?, dgamma: Tensor?, dbeta: Tensor?) {
    var position = 1
    func channelGradient(_ operand: Tensor?) throws -> Tensor? {
        guard operand != nil else { return nil }
        defer { position += 1 }
        return needs[position] ? try Tensor.empty([channels], dtype: x.dtype, zeroed: true) : nil
    }
    let dx = needs[0] ? try Tensor.empty(x.shape, dtype: x.dtype) : nil
    let dgamma = try channelGradient(gamma)
    return (dx, dgamma, try channelGradient(beta))
}
