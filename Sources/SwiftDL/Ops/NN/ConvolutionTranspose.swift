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

/// conv2d_transpose(input, filters) of output size (OH, OW).
///
/// - Parameters:
///   - input: (N, H, W, C), float32 or float64.
///   - filters: (KH, KW, O, C), the input's dtype (TensorFlow's and Keras's layout).
///   - outputSize: (OH, OW): conv2d over an (N, OH, OW, O) image with these settings must
///     give (H, W).
///   - strides, dilations: (height, width), each at least 1.
/// - Returns: (N, OH, OW, O).
public func conv2dTranspose(
    _ input: Tensor, _ filters: Tensor, outputSize: (Int, Int), strides: (Int, Int) = (1, 1),
    dilations: (Int, Int) = (1, 1), padding: Padding = .valid
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
    _ = try CheckedSize.product(of: outputShape, op: op, "the output (\(received))", kind: .memory)
    let dtype = input.dtype
    let x = try input.contiguous(), w = try filters.contiguous()
    // No input positions or no input channels: every output sums nothing.
    let empty = x.count == 0 || outputShape.contains(0)
    let y = try Tensor.empty(outputShape, dtype: dtype, zeroed: empty)
    if !empty { try inputGradient(of: g, upstream: x, filters: w, into: y) }
    guard isRecordingGradients else { return y }
    let needs = [input, filters].map(isFollowedByRecordingTape)
    guard needs.contains(true) else { return y }
    record(op, inputs: [input, filters], outputs: [y]) { gradients in
        guard let upstream = gradients[0] else { return [nil, nil] }
        let dy = try upstream.converted(to: dtype).contiguous()
        let dx = needs[0] ? try Tensor.empty(input.shape, dtype: dtype, zeroed: empty) : nil
        let dw = needs[1] ? try Tensor.empty(filters.shape, dtype: dtype, zeroed: empty) : nil
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
            let plan = ConvolutionPlan(g, backward: true, float32: dtype == .float32, inputGradient: false)
            let scratch = try Tensor.empty([plan.scratchCount], dtype: dtype)
            try dtype.dispatchFloat(
                ConvolutionBackward(
                    x: dy, w: w, dy: x, reluOutput: nil, dx: nil, dw: dw, db: nil, scratch: scratch, plan: plan))
        }
        return [dx, dw]
    }
    return y
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
