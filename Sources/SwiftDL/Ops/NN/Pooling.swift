/// Max and average pooling (tf.nn.max_pool2d, avg_pool2d and their 1-D forms) over NHWC
/// input, and their VJPs. Max pooling keeps each window's argmax while a tape records, so
/// its backward pass is one scatter.

/// Max or average pooling of (N, H, W, C) input with (height, width) windows and strides.
/// Average pooling takes VALID or SAME padding only (as TensorFlow); max pooling also
/// takes explicit padding smaller than the window.
public func pool2d(_ kind: PoolingKind, _ input: Tensor, windowSize: (Int, Int), strides: (Int, Int), padding: Padding)
    throws -> Tensor
{
    let op = kind.name(rank: 4)
    if input.rank != 4 {
        throw SDLError.value(op, "input must be rank 4 (N, H, W, C); received shape \(describeShape(input.shape))")
    }
    let g = try poolingGeometry(op, kind, input.shape, windowSize: windowSize, strides: strides, padding: padding)
    return try pool(op, kind, input, geometry: g, outputShape: [g.batch, g.outputHeight, g.outputWidth, g.channels])
}

/// Max or average pooling of (N, W, C) input, as 2-D pooling of height 1.
public func pool1d(_ kind: PoolingKind, _ input: Tensor, windowSize: Int, stride: Int, padding: Padding) throws
    -> Tensor
{
    let op = kind.name(rank: 3)
    if input.rank != 3 {
        throw SDLError.value(op, "input must be rank 3 (N, W, C); received shape \(describeShape(input.shape))")
    }
    var rowPadding = padding
    if case .explicit(_, _, let left, let right) = padding {
        rowPadding = .explicit(top: 0, bottom: 0, left: left, right: right)
    }
    let shape = [input.shape[0], 1, input.shape[1], input.shape[2]]
    let g = try poolingGeometry(
        op, kind, shape, windowSize: (1, windowSize), strides: (1, stride), padding: rowPadding,
        received: "received input shape \(describeShape(input.shape))")
    return try pool(op, kind, input, geometry: g, outputShape: [g.batch, g.outputWidth, g.channels])
}

func poolingGeometry(
    _ op: String, _ kind: PoolingKind, _ shape: [Int], windowSize: (Int, Int), strides: (Int, Int),
    padding: Padding, received: String? = nil
) throws -> WindowGeometry {
    let received = received ?? "received input shape \(describeShape(shape))"
    if case .explicit(let top, let bottom, let left, let right) = padding {
        if kind == .average {
            throw SDLError.value(op, "explicit padding is not supported; use 'VALID' or 'SAME'")
        }
        // A window lying wholly in the padding would have no maximum.
        if max(top, bottom) >= windowSize.0 || max(left, right) >= windowSize.1 {
            throw SDLError.value(
                op,
                "explicit paddings must be smaller than the window; received \(padding.name) for window \((windowSize.0, windowSize.1))"
            )
        }
    }
    let g = try windowGeometry(
        op, input: shape, window: windowSize, outputChannels: shape[3], strides: strides, dilations: (1, 1),
        padding: padding, what: "pooling window", received: received)
    // The argmax is an int32 position in one image; the batch's output is allocated and
    // looped over, so its size must fit as well.
    let image = CheckedSize.product(of: [g.inputHeight, g.inputWidth, g.channels])
    if kind == .max && (image == nil || image! > Int(Int32.max)) {
        throw SDLError.value(op, "images of more than 2^31 - 1 elements are not supported; \(received)")
    }
    _ = try CheckedSize.product(
        of: [g.batch, g.outputHeight, g.outputWidth, g.channels], op: op, "the output (\(received))",
        kind: .memory)
    return g
}

private func pool(_ op: String, _ kind: PoolingKind, _ input: Tensor, geometry g: WindowGeometry, outputShape: [Int])
    throws -> Tensor
{
    let dtype = input.dtype
    if !dtype.isFloatingPoint {
        throw SDLError.type(op, "input must be a float32 or float64 tensor; received \(dtype.name)")
    }
    let x = try input.contiguous()
    let y = try Tensor.empty(outputShape, dtype: dtype)
    let recording = isRecordingGradients && isFollowedByRecordingTape(input)
    let argmax = kind == .max && recording ? try Tensor.empty(outputShape, dtype: .int32) : nil
    if y.count > 0 { try dtype.dispatchFloat(PoolForward(kind: kind, x: x, y: y, argmax: argmax, g: g)) }
    guard recording else { return y }
    record(op, inputs: [input], outputs: [y]) { gradients in
        guard let upstream = gradients[0] else { return [nil] }
        let dy = try upstream.converted(to: dtype).contiguous()
        let dx = try Tensor.empty(input.shape, dtype: dtype, zeroed: y.count == 0)
        if y.count > 0 { try dtype.dispatchFloat(PoolBackward(kind: kind, dy: dy, argmax: argmax, dx: dx, g: g)) }
        return [dx]
    }
    return y
}

private struct PoolForward: FloatVisitor {
    let kind: PoolingKind, x: Tensor, y: Tensor, argmax: Tensor?, g: WindowGeometry
    func visit<T: FloatElement>(_: T.Type) {
        let input = UnsafePointer(x.pointer(as: T.self)), output = y.pointer(as: T.self)
        poolForwardEntry(kind, input, output, argmax: argmax?.pointer(as: Int32.self), g)
    }
}

private struct PoolBackward: FloatVisitor {
    let kind: PoolingKind, dy: Tensor, argmax: Tensor?, dx: Tensor, g: WindowGeometry
    func visit<T: FloatElement>(_: T.Type) throws {
        let upstream = UnsafePointer(dy.pointer(as: T.self)), result = dx.pointer(as: T.self)
        let winners = argmax.map { UnsafePointer($0.pointer(as: Int32.self)) }
        if poolWindowsTile(g) && (kind == .average || winners != nil) {
            tiledPoolBackward(upstream, argmax: winners, result, g)
            return
        }
        switch kind {
        case .max:
            guard let argmax else {
                throw SDLError(.internal, "[max_pool] the argmax was not kept for the backward pass")
            }
            maxPoolBackward(upstream, argmax: UnsafePointer(argmax.pointer(as: Int32.self)), result, g)
        case .average:
            avgPoolBackward(upstream, result, g)
        }
    }
}
