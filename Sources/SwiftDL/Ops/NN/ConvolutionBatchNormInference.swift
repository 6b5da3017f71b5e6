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
///   - residual: nil, or a tensor of the result's shape and dtype added last (after the
///     activation): an inverted residual block's projection, batch norm and Add as one op,
///     the sum taken in the product's registers where the small AVX-512 kernel runs
///     (`conv2d_batch_norm_add`; the Add had been a pass of its own over three tensors).
/// - Returns: (N, OH, OW, O). When a tape records and follows an operand, the convolution,
///   the batch norm (and the add) run as their recorded ops instead, so gradients are exact.
public func conv2dBatchNormInference(
    _ input: Tensor, _ filters: Tensor, bias: Tensor?, mean: Tensor, variance: Tensor, gamma: Tensor?,
    beta: Tensor?, epsilon: Double, reluMax: Double?, strides: (Int, Int), dilations: (Int, Int), padding: Padding,
    residual: Tensor? = nil
) throws -> Tensor {
    let op = residual == nil ? "conv2d_batch_norm" : "conv2d_batch_norm_add"
    let g = try conv2dGeometry(op, input, filters, strides: strides, dilations: dilations, padding: padding)
    try checkConvolutionOperands(op, input, filters, bias: bias, geometry: g)
    try checkNormalizationOperands(
        op, input.dtype, channels: g.outputChannels, mean, variance, gamma, beta, epsilon: epsilon, reluMax: reluMax)
    let outputShape = [g.batch, g.outputHeight, g.outputWidth, g.outputChannels]
    if let residual {
        if residual.dtype != input.dtype {
            throw SDLError.type(
                op, "residual must have the input's dtype \(input.dtype.name); received \(residual.dtype.name)")
        }
        if residual.shape != outputShape {
            throw SDLError.value(
                op,
                "residual must have the output's shape \(describeShape(outputShape)); received shape \(describeShape(residual.shape))"
            )
        }
    }
    if let recorded = try recordedApart(
        [input, filters, bias, gamma, beta, residual], mean: mean, variance: variance, gamma: gamma, beta: beta,
        epsilon: epsilon, reluMax: reluMax,
        convolve: { try conv2d(input, filters, bias: bias, strides: strides, dilations: dilations, padding: padding) })
    {
        return try residual.map { try differentiableBinary(.add, recorded, $0) } ?? recorded
    }
    let residual = try residual?.contiguous()
    let dtype = input.dtype
    let y = try Tensor.empty(outputShape, dtype: dtype)
    // Folding writes every filter element on every call; scaling the outputs instead is one
    // pass over them. A late layer on one image has many times more filters than outputs
    // (ResNet's 8×8×128 → 128: 147K against 8K), so there the outputs are scaled.
    let scalesOutputs = y.count < filters.count
    let (folded, scale, shift) = try foldBatchNorm(
        filters, bias: bias, mean: mean, variance: variance, gamma: gamma, beta: beta, epsilon: epsilon,
        intoFilters: !scalesOutputs)
    if y.count > 0 {
        let plan = ConvolutionPlan(g, backward: false, float32: dtype == .float32)
        let scratch = try Tensor.empty([plan.scratchCount], dtype: dtype)
        try dtype.dispatchFloat(
            ConvolutionForward(
                x: try input.contiguous(), w: try folded ?? filters.contiguous(), b: scalesOutputs ? nil : shift,
                relu: !scalesOutputs && reluMax != nil, y: y, scratch: scratch, plan: plan,
                reluMax: scalesOutputs ? .infinity : reluMax ?? .infinity, residual: scalesOutputs ? nil : residual))
        if scalesOutputs {
            try dtype.dispatchFloat(
                ScaleAndShiftChannels(
                    y: y, scale: scale, shift: shift, low: reluMax != nil ? 0 : -.infinity,
                    high: reluMax ?? .infinity))
            if let residual { _ = try binary(.add, y, residual, out: y) }
        }
    }
    return y
}

/// y[..., o] = clip(y[..., o] · scale[o] + shift[o], low, high) in place (NaN stays).
private struct ScaleAndShiftChannels: FloatVisitor {
    let y: Tensor, scale: Tensor, shift: Tensor, low: Double, high: Double
    func visit<T: FloatElement>(_: T.Type) {
        let o = shift.count
        withUnsafeTemporaryAllocation(of: T.self, capacity: o) { zeros in
            zeros.initialize(repeating: T.zero)
            SwiftDLKernels.channelAffine(
                UnsafePointer(y.pointer(as: T.self)), y.pointer(as: T.self), outer: 1, middle: y.count / max(o, 1),
                channels: o, shift: UnsafePointer(zeros.baseAddress!), scale: UnsafePointer(scale.pointer(as: T.self)),
                offset: UnsafePointer(shift.pointer(as: T.self)), paramRows: 1, divide: false, low: T(low),
                high: T(high))
        }
    }
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
    let (foldedFilters, _, shift) = try foldBatchNorm(
        filters, bias: bias, mean: mean, variance: variance, gamma: gamma, beta: beta, epsilon: epsilon,
        intoFilters: true)
    let folded = foldedFilters ?? filters
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

/// The batch norm's per-channel scale and the bias that carries its shift, and (when
/// `intoFilters`) the filters with the scale folded into their last axis (the output
/// channels, for a convolution's (KH, KW, C, O) and a depthwise convolution's (KH, KW, C, M)
/// alike).
private func foldBatchNorm(
    _ filters: Tensor, bias: Tensor?, mean: Tensor, variance: Tensor, gamma: Tensor?, beta: Tensor?, epsilon: Double,
    intoFilters: Bool
) throws -> (folded: Tensor?, scale: Tensor, shift: Tensor) {
    let dtype = filters.dtype
    let folded = intoFilters ? try Tensor.empty(filters.shape, dtype: dtype) : nil
    let scale = try Tensor.empty([mean.count], dtype: dtype)
    let shift = try Tensor.empty([mean.count], dtype: dtype)
    try dtype.dispatchFloat(
        FoldBatchNorm(
            filters: try filters.contiguous(), bias: try bias?.contiguous(), mean: try mean.contiguous(),
            variance: try variance.contiguous(), gamma: try gamma?.contiguous(), beta: try beta?.contiguous(),
            epsilon: epsilon, folded: folded, scale: scale, shift: shift))
    return (folded, scale, shift)
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

/// scale[o] = s[o], shift[o] = beta[o] + (bias[o] - mean[o]) · s[o] and (when `folded` is
/// given) folded[..., o] = filters[..., o] · s[o], with s = gamma / √(variance + ε) worked
/// out in double precision, as the batch norm kernel does.
private struct FoldBatchNorm: FloatVisitor {
    let filters: Tensor, bias: Tensor?, mean: Tensor, variance: Tensor, gamma: Tensor?, beta: Tensor?
    let epsilon: Double, folded: Tensor?, scale: Tensor, shift: Tensor
    func visit<T: FloatElement>(_: T.Type) {
        let o = shift.count
        let m = mean.pointer(as: T.self), v = variance.pointer(as: T.self)
        let gammas = gamma?.pointer(as: T.self), betas = beta?.pointer(as: T.self), biases = bias?.pointer(as: T.self)
        let scales = scale.pointer(as: T.self), shifts = shift.pointer(as: T.self)
        for j in 0..<o {
            let s = (gammas.map { Double($0[j]) } ?? 1) / (Double(v[j]) + epsilon).squareRoot()
            scales[j] = T(s)
            let centered = (biases.map { Double($0[j]) } ?? 0) - Double(m[j])
            shifts[j] = T((betas.map { Double($0[j]) } ?? 0) + centered * s)
        }
        guard let folded else { return }
        let w = filters.pointer(as: T.self), target = folded.pointer(as: T.self)
        let rows = o == 0 ? 0 : filters.count / o
        for r in 0..<rows {
            let source = w + r * o, row = target + r * o
            for j in 0..<o { row[j] = source[j] * scales[j] }
        }
    }
}
