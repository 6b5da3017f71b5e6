/// Inference's conv2d (or depthwise_conv2d) → batch norm → relu as one convolution, the way
/// deployment runtimes run them: the batch norm's per-channel scale γ/√(σ² + ε) is folded into the filters and
/// its shift into the bias, so the normalisation and the relu (capped or not) ride in the
/// convolution's own output pass. On MobileNetV2 at batch 1 the normalisation and the relu
/// had cost as much as the convolutions themselves: two more passes over each output.
///
/// Folding happens on every call (the filters are small next to the work on an image), so
/// weights assigned or trained since the last call are always the ones used. The result
/// differs from the unfused layers' only by rounding (the scale is applied to the filters
/// before the sums rather than to the sums).

/// relu?(batch_norm(conv2d(input, filters) + bias)) with the batch norm's moving statistics.
///
/// - Parameters:
///   - input, filters, bias, strides, dilations, padding: as `conv2d`'s.
///   - mean, variance: the batch norm's (O,) statistics; gamma, beta: nil or (O,); all of
///     the input's dtype.
///   - epsilon: added to the variance, finite and >= 0.
///   - reluMax: nil for no activation; otherwise min(max(y, 0), reluMax) (.infinity: relu).
/// - Returns: (N, OH, OW, O). When a tape records and follows an operand, the convolution
///   and the batch norm run as their two recorded ops instead, so gradients are exact.
public func conv2dBatchNormInference(
    _ input: Tensor, _ filters: Tensor, bias: Tensor?, mean: Tensor, variance: Tensor, gamma: Tensor?,
    beta: Tensor?, epsilon: Double, reluMax: Double?, strides: (Int, Int), dilations: (Int, Int), padding: Padding
) throws -> Tensor {
    let op = "conv2d_batch_norm"
    let g = try conv2dGeometry(op, input, filters, strides: strides, dilations: dilations, padding: padding)
    try checkConvolutionOperands(op, input, filters, bias: bias, geometry: g)
    try checkNormalizationOperands(
        op, input.dtype, channels: g.outputChannels, mean, variance, gamma, beta, epsilon: epsilon, reluMax: reluMax)
    if let recorded = try recordedApart(
        [input, filters, bias, gamma, beta], mean: mean, variance: variance, gamma: gamma, beta: beta,
        epsilon: epsilon, reluMax: reluMax,
        convolve: { try conv2d(input, filters, bias: bias, strides: strides, dilations: dilations, padding: padding) })
    {
        return recorded
    }
    let dtype = input.dtype
    let (folded, shift) = try foldBatchNorm(
        filters, bias: bias, mean: mean, variance: variance, gamma: gamma, beta: beta, epsilon: epsilon)
    let y = try Tensor.empty([g.batch, g.outputHeight, g.outputWidth, g.outputChannels], dtype: dtype)
    if y.count > 0 {
        let plan = ConvolutionPlan(g, backward: false, float32: dtype == .float32)
        let scratch = try Tensor.empty([plan.scratchCount], dtype: dtype)
        try dtype.dispatchFloat(
            ConvolutionForward(
                x: try input.contiguous(), w: folded, b: shift, relu: reluMax != nil, y: y, scratch: scratch,
                plan: plan, reluMax: reluMax ?? .infinity))
    }
    return y
}

/// relu?(batch_norm(depthwise_conv2d(input, filters) + bias)) with the batch norm's moving
/// statistics: MobileNet's depthwise → batch norm → ReLU6, folded the same way, the
/// activation applied to the depthwise kernel's sums in registers.
///
/// - Parameters: as `conv2dBatchNormInference`'s, with filters (KH, KW, C, M) and the
///   statistics, gamma, beta and bias over the C·M output channels.
/// - Returns: (N, OH, OW, C·M). Under a tape that follows an operand, the two recorded ops.
public func depthwiseConv2dBatchNormInference(
    _ input: Tensor, _ filters: Tensor, bias: Tensor?, mean: Tensor, variance: Tensor, gamma: Tensor?,
    beta: Tensor?, epsilon: Double, reluMax: Double?, strides: (Int, Int), dilations: (Int, Int), padding: Padding
) throws -> Tensor {
    let op = "depthwise_conv2d_batch_norm"
    let g = try depthwiseGeometry(
        op, input, filters, bias: bias, strides: strides, dilations: dilations, padding: padding)
    try checkNormalizationOperands(
        op, input.dtype, channels: g.outputChannels, mean, variance, gamma, beta, epsilon: epsilon, reluMax: reluMax)
    if let recorded = try recordedApart(
        [input, filters, bias, gamma, beta], mean: mean, variance: variance, gamma: gamma, beta: beta,
        epsilon: epsilon, reluMax: reluMax,
        convolve: {
            try depthwiseConv2d(input, filters, bias: bias, strides: strides, dilations: dilations, padding: padding)
        })
    {
        return recorded
    }
    let dtype = input.dtype
    let (folded, shift) = try foldBatchNorm(
        filters, bias: bias, mean: mean, variance: variance, gamma: gamma, beta: beta, epsilon: epsilon)
    let y = try Tensor.empty([g.batch, g.outputHeight, g.outputWidth, g.outputChannels], dtype: dtype)
    if y.count > 0 {
        try dtype.dispatchFloat(
            DepthwiseForward(
                x: try input.contiguous(), w: folded, b: shift, y: y, g: g, relu: reluMax != nil,
                reluMax: reluMax ?? .infinity))
    }
    return y
}

/// When a recording tape follows an operand: the convolution and the batch norm as their own
/// recorded ops (so gradients are exact), else nil and the caller folds.
private func recordedApart(
    _ operands: [Tensor?], mean: Tensor, variance: Tensor, gamma: Tensor?, beta: Tensor?, epsilon: Double,
    reluMax: Double?, convolve: () throws -> Tensor
) throws -> Tensor? {
    guard isRecordingGradients && operands.contains(where: { $0.map(isFollowedByRecordingTape) ?? false }) else {
        return nil
    }
    return try fusedBatchNormalization(
        convolve(), axis: -1, mean: mean, variance: variance, gamma: gamma, beta: beta, epsilon: epsilon,
        reluMax: reluMax
    ).output
}

/// The filters with the batch norm's scale folded into their last axis (the output
/// channels, for a convolution's (KH, KW, C, O) and a depthwise convolution's (KH, KW, C, M)
/// alike) and the bias that carries its shift.
private func foldBatchNorm(
    _ filters: Tensor, bias: Tensor?, mean: Tensor, variance: Tensor, gamma: Tensor?, beta: Tensor?, epsilon: Double
) throws -> (folded: Tensor, shift: Tensor) {
    let dtype = filters.dtype
    let folded = try Tensor.empty(filters.shape, dtype: dtype)
    let shift = try Tensor.empty([mean.count], dtype: dtype)
    try dtype.dispatchFloat(
        FoldBatchNorm(
            filters: try filters.contiguous(), bias: try bias?.contiguous(), mean: try mean.contiguous(),
            variance: try variance.contiguous(), gamma: try gamma?.contiguous(), beta: try beta?.contiguous(),
            epsilon: epsilon, folded: folded, shift: shift))
    return (folded, shift)
}

/// The statistics and affine parameters (the input's dtype, (channels,) each), epsilon and
/// the relu's cap.
private func checkNormalizationOperands(
    _ op: String, _ dtype: DType, channels: Int, _ mean: Tensor, _ variance: Tensor, _ gamma: Tensor?,
    _ beta: Tensor?, epsilon: Double, reluMax: Double?
) throws {
    try checkChannelOperands(
        op, [("mean", mean), ("variance", variance), ("gamma", gamma), ("beta", beta)], dtype: dtype,
        dtypeOwner: "the input's", channels: channels, shapeReason: "to match the filters' output channels")
    try checkEpsilon(op, epsilon)
    try checkReluCap(op, reluMax)
}

/// folded[..., o] = filters[..., o] · s[o] and shift[o] = beta[o] + (bias[o] - mean[o]) · s[o],
/// with s = gamma / √(variance + ε) worked out in double precision, as the batch norm
/// kernel does.
private struct FoldBatchNorm: FloatVisitor {
    let filters: Tensor, bias: Tensor?, mean: Tensor, variance: Tensor, gamma: Tensor?, beta: Tensor?
    let epsilon: Double, folded: Tensor, shift: Tensor
    func visit<T: FloatElement>(_: T.Type) {
        let o = shift.count
        let w = filters.pointer(as: T.self), target = folded.pointer(as: T.self)
        let m = mean.pointer(as: T.self), v = variance.pointer(as: T.self)
        let gammas = gamma?.pointer(as: T.self), betas = beta?.pointer(as: T.self), biases = bias?.pointer(as: T.self)
        let shifts = shift.pointer(as: T.self)
        withUnsafeTemporaryAllocation(of: T.self, capacity: o) { buffer in
            let scale = buffer.baseAddress!
            for j in 0..<o {
                let s = (gammas.map { Double($0[j]) } ?? 1) / (Double(v[j]) + epsilon).squareRoot()
                (scale + j).initialize(to: T(s))
                let centered = (biases.map { Double($0[j]) } ?? 0) - Double(m[j])
                shifts[j] = T((betas.map { Double($0[j]) } ?? 0) + centered * s)
            }
            let rows = o == 0 ? 0 : filters.count / o
            for r in 0..<rows {
                let source = w + r * o, row = target + r * o
                for j in 0..<o { row[j] = source[j] * scale[j] }
            }
        }
    }
}
