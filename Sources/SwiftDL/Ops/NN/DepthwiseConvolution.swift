/// Depthwise 2-D convolution (tf.nn.depthwise_conv2d) over NHWC input with
/// (KH, KW, C, multiplier) filters, and its VJP. Keras's DepthwiseConv2D and
/// SeparableConv2D run on it: C·multiplier·KH·KW multiply-adds per output pixel, where an
/// ordinary convolution with a block-diagonal kernel would spend C times as many.

/// depthwise_conv2d(input, filters) + bias.
///
/// - Parameters:
///   - input: (N, H, W, C), float32 or float64.
///   - filters: (KH, KW, C, M), the input's dtype.
///   - bias: nil or (C·M), the input's dtype: added in the kernel (Keras's
///     DepthwiseConv2D bias), and its gradient summed in the filter gradient's pass over
///     the upstream gradient, instead of two more passes over the output.
///   - strides, dilations: (height, width), each at least 1.
/// - Returns: (N, OH, OW, C·M); channel c·M + k is input channel c under filter k.
public func depthwiseConv2d(
    _ input: Tensor, _ filters: Tensor, bias: Tensor? = nil, strides: (Int, Int) = (1, 1),
    dilations: (Int, Int) = (1, 1), padding: Padding = .valid
) throws -> Tensor {
    let op = "depthwise_conv2d"
    let g = try depthwiseGeometry(
        op, input, filters, bias: bias, strides: strides, dilations: dilations, padding: padding)
    let outputChannels = g.outputChannels
    let outputShape = [g.batch, g.outputHeight, g.outputWidth, g.outputChannels]
    let dtype = input.dtype
    let x = try input.contiguous(), w = try filters.contiguous(), b = try bias?.contiguous()
    let y = try Tensor.empty(outputShape, dtype: dtype)
    if y.count > 0 { try dtype.dispatchFloat(DepthwiseForward(x: x, w: w, b: b, y: y, g: g)) }
    guard isRecordingGradients else { return y }
    let operands = [input, filters] + (bias.map { [$0] } ?? [])
    let needs = operands.map(isFollowedByRecordingTape)
    guard needs.contains(true) else { return y }
    record(op, inputs: operands, outputs: [y]) { gradients in
        guard let upstream = gradients[0] else { return operands.map { _ in nil } }
        let dy = try upstream.converted(to: dtype).contiguous()
        let empty = y.count == 0
        let dx = needs[0] ? try Tensor.empty(input.shape, dtype: dtype, zeroed: empty) : nil
        let dw = needs[1] ? try Tensor.empty(filters.shape, dtype: dtype, zeroed: empty) : nil
        let db = needs.count > 2 && needs[2] ? try Tensor.empty([outputChannels], dtype: dtype, zeroed: empty) : nil
        if !empty { try dtype.dispatchFloat(DepthwiseBackward(x: x, w: w, dy: dy, dx: dx, dw: dw, db: db, g: g)) }
        return [dx, dw] + (bias != nil ? [db] : [])
    }
    return y
}

/// The geometry of depthwise_conv2d(input, filters) + bias, after checking every operand
/// (shapes, dtypes, sizes, and that the output fits in memory).
func depthwiseGeometry(
    _ op: String, _ input: Tensor, _ filters: Tensor, bias: Tensor?, strides: (Int, Int), dilations: (Int, Int),
    padding: Padding
) throws -> WindowGeometry {
    if input.rank != 4 {
        throw SDLError.value(op, "input must be rank 4 (N, H, W, C); received shape \(describeShape(input.shape))")
    }
    if filters.rank != 4 {
        throw SDLError.value(
            op,
            "filters must be rank 4 (height, width, in_channels, channel_multiplier); received shape \(describeShape(filters.shape))"
        )
    }
    let received =
        "received input shape \(describeShape(input.shape)) and filters shape \(describeShape(filters.shape))"
    if input.shape[3] != filters.shape[2] {
        throw SDLError.value(
            op, "input has \(input.shape[3]) channels but filters expect \(filters.shape[2]); \(received)")
    }
    let outputChannels = try CheckedSize.product(
        of: [filters.shape[2], filters.shape[3]], op: op, "the output channels (\(received))")
    let g = try windowGeometry(
        op, input: input.shape, window: (filters.shape[0], filters.shape[1]), outputChannels: outputChannels,
        strides: strides, dilations: dilations, padding: padding, what: "filter", received: received)
    try checkConvolutionOperands(op, input, filters, bias: bias, geometry: g)
    let outputShape = [g.batch, g.outputHeight, g.outputWidth, g.outputChannels]
    _ = try CheckedSize.product(of: outputShape, op: op, "the output (\(received))", kind: .memory)
    return g
}

/// y = depthwise_conv2d(x, w) + b, then min(max(y, 0), reluMax) when `relu`.
struct DepthwiseForward: FloatVisitor {
    let x: Tensor, w: Tensor, b: Tensor?, y: Tensor, g: WindowGeometry
    var relu = false, reluMax = Double.infinity
    func visit<T: FloatElement>(_: T.Type) {
        depthwiseConvForward(
            UnsafePointer(x.pointer(as: T.self)), UnsafePointer(w.pointer(as: T.self)),
            bias: b.map { UnsafePointer($0.pointer(as: T.self)) }, y.pointer(as: T.self), g, relu: relu,
            reluMax: reluMax)
    }
}

private struct DepthwiseBackward: FloatVisitor {
    let x: Tensor, w: Tensor, dy: Tensor, dx: Tensor?, dw: Tensor?, db: Tensor?, g: WindowGeometry
    func visit<T: FloatElement>(_: T.Type) {
        let upstream = UnsafePointer(dy.pointer(as: T.self))
        if let dx {
            depthwiseConvBackwardInput(upstream, UnsafePointer(w.pointer(as: T.self)), dx.pointer(as: T.self), g)
        }
        if dw != nil || db != nil {
            depthwiseConvBackwardFilter(
                UnsafePointer(x.pointer(as: T.self)), upstream, dw: dw?.pointer(as: T.self),
                db: db?.pointer(as: T.self), g)
        }
    }
}
