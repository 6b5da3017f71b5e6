/// The transposed 2-D convolution (tf.nn.conv2d_transpose, Keras's Conv2DTranspose): the
/// gradient of conv2d with respect to its input, as an op of its own. It runs on the
/// convolution's backward kernels, so it costs one GEMM and a col2im per chunk of pixels,
/// where spreading the input with stride − 1 zeros and convolving would cost stride² times
/// the multiply-adds.
///
/// The geometry is that of the convolution it transposes: `filters` (KH, KW, O, C) slide over
/// an (N, OH, OW, O) image with `strides`, `dilations` and `padding`, and must produce the
/// input's (H, W) positions, so a given input size admits up to stride choices of output size;
/// `outputSize` picks one.

///
/// Keras's Conv2DTranspose adds a bias and often a relu: they ride along as one epilogue
/// pass over the output (after col2im, which adds into each output pixel from several
/// chunks, so they cannot go chunk by chunk as conv2d's do), and one pass in the backward
/// (the relu mask and the bias gradient together, before the two GEMM kernels), instead of
/// two more ops with their own outputs, tape entries and backward passes.

/// activation(conv2d_transpose(input, filters) + bias) of output size (OH, OW).
///
/// - Parameters:
///   - input: (N, H, W, C), float32 or float64.
///   - filters: (KH, KW, O, C), the input's dtype (TensorFlow's and Keras's layout).
///   - bias: nil or (O,), the input's dtype.
///   - activation: `.none` or `.relu`.
///   - outputSize: (OH, OW): conv2d over an (N, OH, OW, O) image with these settings must
///     give (H, W).
///   - strides, dilations: (height, width), each at least 1.
/// - Returns: (N, OH, OW, O).
public func conv2dTranspose(
    _ input: Tensor, _ filters: Tensor, bias: Tensor? = nil, activation: ConvolutionActivation = .none,
    outputSize: (Int, Int), strides: (Int, Int) = (1, 1), dilations: (Int, Int) = (1, 1), padding: Padding = .valid
) throws -> Tensor {
    let op = "conv2d_transpose"
    if input.rank != 4 {
        throw SDLError.value(op, "input must be rank 4 (N, H, W, C); received shape \(describeShape(input.shape))")
    }
    if filters.rank != 4 {
        throw SDLError.value(
            op,
            "filters must be rank 4 (height, width, out_channels, in_channels); received shape \(describeShape(filters.shape))"
        )
    }
    let received =
        "received input shape \(describeShape(input.shape)), filters shape \(describeShape(filters.shape)) and output size (\(outputSize.0), \(outputSize.1))"
    if input.shape[3] != filters.shape[3] {
        throw SDLError.value(
            op,
            "input has \(input.shape[3]) channels but filters expect \(filters.shape[3]) input channels; \(received)"
        )
    }
    if outputSize.0 < 0 || outputSize.1 < 0 {
        throw SDLError.value(op, "the output size must not be negative; \(received)")
    }
    let outputShape = [input.shape[0], outputSize.0, outputSize.1, filters.shape[2]]
    // The convolution being transposed: output image in, this op's input out.
    let g = try windowGeometry(
        op, input: outputShape, window: (filters.shape[0], filters.shape[1]), outputChannels: filters.shape[3],
        strides: strides, dilations: dilations, padding: padding, what: "filter", received: received)
    if g.outputHeight != input.shape[1] || g.outputWidth != input.shape[2] {
        throw SDLError.value(
            op,
            "conv2d over the output size gives (\(g.outputHeight), \(g.outputWidth)) positions, not the input's (\(input.shape[1]), \(input.shape[2])); \(received)"
        )
    }
    try checkConvolutionOperands(op, input, filters, bias: nil, geometry: g)
    if let bias, bias.dtype != input.dtype {
        throw SDLError.type(op, "bias must have the input's dtype \(input.dtype.name); received \(bias.dtype.name)")
    }
    if let bias, bias.shape != [outputShape[3]] {
        throw SDLError.value(
            op,
            "bias must have shape (\(outputShape[3]),) to match the filters' output channels; received shape \(describeShape(bias.shape))"
        )
    }
    _ = try CheckedSize.product(of: outputShape, op: op, "the output (\(received))", kind: .memory)
    let dtype = input.dtype
    let x = try input.contiguous(), w = try filters.contiguous(), b = try bias?.contiguous()
    // No input positions or no input channels: every output sums nothing.
    let empty = x.count == 0 || outputShape.contains(0)
    let y = try Tensor.empty(outputShape, dtype: dtype, zeroed: empty)
    if !empty { try inputGradient(of: g, upstream: x, filters: w, into: y) }
    let relu = activation == .relu, pixels = outputShape[0] * outputShape[1] * outputShape[2]
    if (b != nil || relu) && y.count > 0 {
        try dtype.dispatchFloat(ChannelEpilogue(y: y, bias: b, relu: relu, rows: pixels))
    }
    guard isRecordingGradients else { return y }
    let inputs = [input, filters] + (bias.map { [$0] } ?? [])
    let needs = inputs.map(isFollowedByRecordingTape)
    guard needs.contains(true) else { return y }
    record(op, inputs: inputs, outputs: [y]) { gradients in
        guard let upstream = gradients[0] else { return inputs.map { _ in nil } }
        var dy = try upstream.converted(to: dtype).contiguous()
        var db: Tensor? = nil
        if relu || (bias != nil && needs[2]) {
            // The relu mask and the bias gradient in one pass; the kernels below read the masked dy.
            let masked = try Tensor.empty(outputShape, dtype: dtype)
            db = bias != nil && needs[2] ? try Tensor.empty([outputShape[3]], dtype: dtype, zeroed: true) : nil
            if y.count > 0 {
                let parts = epilogueParts(rows: pixels, columns: outputShape[3])
                let partials = try Tensor.empty([parts * 2 * outputShape[3]], dtype: dtype)
                try dtype.dispatchFloat(
                    ChannelEpilogueGradient(
                        dy: dy, reluOutput: relu ? y : nil, masked: masked, biasGradient: db, partials: partials,
                        parts: parts, rows: pixels))
            }
            dy = masked
        }
        let dx = needs[0] ? try Tensor.empty(input.shape, dtype: dtype, zeroed: empty) : nil
        let dw = needs[1] ? try Tensor.empty(filters.shape, dtype: dtype, zeroed: empty) : nil
        let filterPlan = ConvolutionPlan(g, backward: true, float32: dtype == .float32, inputGradient: false)
        if let dx, let dw, !empty, sharesColumnsForTransposedGradients(filterPlan) {
            // Both from one column matrix of the upstream gradient per chunk.
            let scratch = try Tensor.empty([filterPlan.scratchCount], dtype: dtype)
            try dtype.dispatchFloat(
                TransposedGradients(dy: dy, w: w, x: x, dx: dx, dw: dw, scratch: scratch, plan: filterPlan))
            return [dx, dw] + (bias != nil ? [db] : [])
        }
        if let dx, !empty {
            // The transpose of the transpose: conv2d of the upstream gradient.
            let plan = ConvolutionPlan(g, backward: false, float32: dtype == .float32)
            let scratch = try Tensor.empty([plan.scratchCount], dtype: dtype)
            try dtype.dispatchFloat(
                ConvolutionForward(x: dy, w: w, b: nil, relu: false, y: dx, scratch: scratch, plan: plan))
        }
        if let dw, !empty {
            // conv2d's filter gradient, with the upstream gradient as its image and this
            // op's input as its output gradient.
            let scratch = try Tensor.empty([filterPlan.scratchCount], dtype: dtype)
            try dtype.dispatchFloat(
                ConvolutionBackward(
                    x: dy, w: w, dy: x, reluOutput: nil, dx: nil, dw: dw, db: nil, scratch: scratch, plan: filterPlan))
        }
        return [dx, dw] + (bias != nil ? [db] : [])
    }
    return y
}

/// dx and dw from one column matrix of dy per chunk (`transposedConvolutionGradients`).
private struct TransposedGradients: FloatVisitor {
    let dy: Tensor, w: Tensor, x: Tensor, dx: Tensor, dw: Tensor, scratch: Tensor, plan: ConvolutionPlan
    func visit<T: FloatElement>(_: T.Type) {
        transposedConvolutionGradients(
            upstream: UnsafePointer(dy.pointer(as: T.self)), filters: UnsafePointer(w.pointer(as: T.self)),
            input: UnsafePointer(x.pointer(as: T.self)), dx: dx.pointer(as: T.self), dw: dw.pointer(as: T.self),
            plan: plan, scratch: scratch.pointer(as: T.self))
    }
}

/// The forward epilogue: y = relu?(y + bias), (rows, O) rows in parallel.
private struct ChannelEpilogue: FloatVisitor {
    let y: Tensor, bias: Tensor?, relu: Bool, rows: Int
    func visit<T: FloatElement>(_: T.Type) {
        addBiasAndReluInParallel(
            y.pointer(as: T.self), rows: rows, columns: y.shape[3],
            bias: bias.map { UnsafePointer($0.pointer(as: T.self)) }, relu: relu)
    }
}

/// The epilogue's gradient: dy masked by the relu, and the bias gradient (its column sums).
private struct ChannelEpilogueGradient: FloatVisitor {
    let dy: Tensor, reluOutput: Tensor?, masked: Tensor, biasGradient: Tensor?, partials: Tensor
    let parts: Int, rows: Int
    func visit<T: FloatElement>(_: T.Type) {
        biasAndReluGradient(
            UnsafePointer(dy.pointer(as: T.self)), reluOutput: reluOutput.map { UnsafePointer($0.pointer(as: T.self)) },
            masked: masked.pointer(as: T.self), rows: rows, columns: masked.shape[3],
            biasGradient: biasGradient?.pointer(as: T.self), parts: parts, partials: partials.pointer(as: T.self))
    }
}

/// conv2d's input gradient for `upstream` (the transposed convolution's forward pass).
private func inputGradient(of g: WindowGeometry, upstream: Tensor, filters: Tensor, into y: Tensor) throws {
    let dtype = upstream.dtype
    let plan = ConvolutionPlan(g, backward: true, float32: dtype == .float32, inputGradient: true)
    let scratch = try Tensor.empty([plan.scratchCount], dtype: dtype)
    // No filter or bias gradient is asked for, so the kernel never reads its image operand:
    // `upstream` stands in for it.
    try dtype.dispatchFloat(
        ConvolutionBackward(
            x: upstream, w: filters, dy: upstream, reluOutput: nil, dx: y, dw: nil, db: nil, scratch: scratch,
            plan: plan))
}
