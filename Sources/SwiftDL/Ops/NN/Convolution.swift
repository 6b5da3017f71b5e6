/// Convolutions (tf.nn.conv2d, tf.nn.conv1d), with an optional fused bias and relu for
/// Keras's Conv layers, and their VJPs. NHWC input, HWIO filters.

/// The activation fused into a convolution's output.
public enum ConvolutionActivation: Int32, Sendable {
    case none = 0
    case relu = 1
}

/// activation(conv2d(input, filters) + bias).
///
/// - Parameters:
///   - input: (N, H, W, C), float32 or float64.
///   - filters: (KH, KW, C, O), the input's dtype.
///   - bias: nil or (O,).
///   - strides, dilations: (height, width), each at least 1.
/// - Returns: (N, OH, OW, O).
public func conv2d(
    _ input: Tensor, _ filters: Tensor, bias: Tensor? = nil, activation: ConvolutionActivation = .none,
    strides: (Int, Int) = (1, 1), dilations: (Int, Int) = (1, 1), padding: Padding = .valid
) throws -> Tensor {
    let g = try conv2dGeometry("conv2d", input, filters, strides: strides, dilations: dilations, padding: padding)
    return try convolution(
        "conv2d", input, filters, bias: bias, activation: activation, geometry: g,
        outputShape: [g.batch, g.outputHeight, g.outputWidth, g.outputChannels])
}

/// conv2d's shapes checked and its geometry worked out.
func conv2dGeometry(
    _ op: String, _ input: Tensor, _ filters: Tensor, strides: (Int, Int), dilations: (Int, Int),
    padding: Padding
) throws -> WindowGeometry {
    if input.rank != 4 {
        throw SDLError.value(op, "input must be rank 4 (N, H, W, C); received shape \(describeShape(input.shape))")
    }
    if filters.rank != 4 {
        throw SDLError.value(
            op,
            "filters must be rank 4 (height, width, in_channels, out_channels); received shape \(describeShape(filters.shape))"
        )
    }
    let received =
        "received input shape \(describeShape(input.shape)) and filters shape \(describeShape(filters.shape))"
    try checkChannels(op, input.shape[3], filters.shape[2], received: received)
    return try windowGeometry(
        op, input: input.shape, window: (filters.shape[0], filters.shape[1]), outputChannels: filters.shape[3],
        strides: strides, dilations: dilations, padding: padding, what: "filter", received: received)
}

/// activation(conv1d(input, filters) + bias), computed as a 2-D convolution of height 1.
///
/// - Parameters:
///   - input: (N, W, C); filters: (KW, C, O); bias: nil or (O,).
///   - padding: `.explicit` uses only `left` and `right`.
/// - Returns: (N, OW, O).
public func conv1d(
    _ input: Tensor, _ filters: Tensor, bias: Tensor? = nil, activation: ConvolutionActivation = .none,
    stride: Int = 1, dilation: Int = 1, padding: Padding = .valid
) throws -> Tensor {
    let op = "conv1d"
    if input.rank != 3 {
        throw SDLError.value(op, "input must be rank 3 (N, W, C); received shape \(describeShape(input.shape))")
    }
    if filters.rank != 3 {
        throw SDLError.value(
            op,
            "filters must be rank 3 (width, in_channels, out_channels); received shape \(describeShape(filters.shape))")
    }
    let received =
        "received input shape \(describeShape(input.shape)) and filters shape \(describeShape(filters.shape))"
    try checkChannels(op, input.shape[2], filters.shape[1], received: received)
    var rowPadding = padding
    if case .explicit(_, _, let left, let right) = padding {
        rowPadding = .explicit(top: 0, bottom: 0, left: left, right: right)
    }
    let g = try windowGeometry(
        op, input: [input.shape[0], 1, input.shape[1], input.shape[2]], window: (1, filters.shape[0]),
        outputChannels: filters.shape[2], strides: (1, stride), dilations: (1, dilation),
        padding: rowPadding, what: "filter", received: received)
    return try convolution(
        op, input, filters, bias: bias, activation: activation, geometry: g,
        outputShape: [g.batch, g.outputWidth, g.outputChannels])
}

private func checkChannels(_ op: String, _ inputChannels: Int, _ filterChannels: Int, received: String) throws {
    if inputChannels != filterChannels {
        throw SDLError.value(
            op, "input has \(inputChannels) channels but filters expect \(filterChannels) input channels; \(received)")
    }
}

/// The shared body: dtypes checked, the kernel run on contiguous buffers, the VJP recorded.
/// `input` and `filters` may have any shape with the geometry's element layout (conv1d's).
func convolution(
    _ op: String, _ input: Tensor, _ filters: Tensor, bias: Tensor?, activation: ConvolutionActivation,
    geometry g: WindowGeometry, outputShape: [Int]
) throws -> Tensor {
    try checkConvolutionOperands(op, input, filters, bias: bias, geometry: g)
    let dtype = input.dtype
    let x = try input.contiguous(), w = try filters.contiguous(), b = try bias?.contiguous()
    let y = try Tensor.empty(outputShape, dtype: dtype)
    if y.count > 0, let rows = RowWinogradPlan(g, float32: dtype == .float32) {
        // A window one row high covering three strides (the text CNN's kernel 7, stride 3):
        // F(4, 3) over blocks of s positions (Kernels/RowWinogradConvolution.swift).
        let scratch = try Tensor.empty([rows.scratchCount], dtype: dtype)
        rowWinogradConvolution(
            x.pointer(as: Float.self), w.pointer(as: Float.self),
            bias: b.map { UnsafePointer($0.pointer(as: Float.self)) }, relu: activation == .relu,
            y.pointer(as: Float.self), plan: rows, scratch: scratch.pointer(as: Float.self))
    } else if y.count > 0 {
        let plan = ConvolutionPlan(g, backward: false, float32: dtype == .float32)
        let scratch = try Tensor.empty([plan.scratchCount], dtype: dtype)
        try dtype.dispatchFloat(
            ConvolutionForward(x: x, w: w, b: b, relu: activation == .relu, y: y, scratch: scratch, plan: plan))
    }
    guard isRecordingGradients else { return y }
    let inputs = [input, filters] + (bias.map { [$0] } ?? [])
    let needs = inputs.map(isFollowedByRecordingTape)
    guard needs.contains(true) else { return y }
    record(op, inputs: inputs, outputs: [y]) { gradients in
        guard let upstream = gradients[0] else { return inputs.map { _ in nil } }
        let dy = try upstream.converted(to: dtype).contiguous()
        let dx = needs[0] ? try Tensor.empty(input.shape, dtype: dtype, zeroed: y.count == 0) : nil
        let dw = needs[1] ? try Tensor.empty(filters.shape, dtype: dtype, zeroed: y.count == 0) : nil
        let db =
            bias != nil && needs[2] ? try Tensor.empty([g.outputChannels], dtype: dtype, zeroed: y.count == 0) : nil
        if y.count > 0 {
            let plan = ConvolutionPlan(g, backward: true, float32: dtype == .float32, inputGradient: dx != nil)
            let scratch = try Tensor.empty([plan.scratchCount], dtype: dtype)
            try dtype.dispatchFloat(
                ConvolutionBackward(
                    x: x, w: w, dy: dy, reluOutput: activation == .relu ? y : nil,
                    dx: dx, dw: dw, db: db, scratch: scratch, plan: plan))
        }
        return [dx, dw] + (bias != nil ? [db] : [])
    }
    return y
}

/// Dtypes, the bias's shape and BLAS's 32-bit sizes, checked before anything is allocated.
func checkConvolutionOperands(
    _ op: String, _ input: Tensor, _ filters: Tensor, bias: Tensor?, geometry g: WindowGeometry
) throws {
    let dtype = input.dtype
    if !dtype.isFloatingPoint || filters.dtype != dtype {
        throw SDLError.type(
            op,
            "input and filters must be float32 or float64 tensors of the same dtype; received \(input.dtype.name) and \(filters.dtype.name)"
        )
    }
    if let bias {
        if bias.dtype != dtype {
            throw SDLError.type(op, "bias must have the input's dtype \(dtype.name); received \(bias.dtype.name)")
        }
        if bias.shape != [g.outputChannels] {
            throw SDLError.value(
                op,
                "bias must have shape (\(g.outputChannels),) to match the filters' output channels; received shape \(describeShape(bias.shape))"
            )
        }
    }
    // BLAS takes 32-bit sizes; refuse what would not fit before allocating anything.
    let sizes = [
        CheckedSize.product(of: [g.batch, g.outputHeight, g.outputWidth]),
        CheckedSize.product(of: [g.windowHeight, g.windowWidth, g.channels]), g.outputChannels,
        CheckedSize.product(of: [g.batch, g.inputHeight, g.inputWidth]),
    ]
    if sizes.contains(where: { $0 == nil || $0! > Int(Int32.max) }) {
        throw SDLError.value(
            op,
            "sizes above 2^31 - 1 rows or columns are not supported; received input shape \(describeShape(input.shape)) and filters shape \(describeShape(filters.shape))"
        )
    }
}

struct ConvolutionForward: FloatVisitor {
    let x: Tensor, w: Tensor, b: Tensor?, relu: Bool, y: Tensor, scratch: Tensor, plan: ConvolutionPlan
    var reluMax: Double = .infinity
    /// Contiguous, y's shape and dtype: added after the activation.
    var residual: Tensor? = nil
    func visit<T: FloatElement>(_: T.Type) {
        convolutionForward(
            UnsafePointer(x.pointer(as: T.self)), UnsafePointer(w.pointer(as: T.self)),
            bias: b.map { UnsafePointer($0.pointer(as: T.self)) }, relu: relu,
            y.pointer(as: T.self), plan: plan, scratch: scratch.pointer(as: T.self), reluMax: reluMax,
            residual: residual.map { UnsafePointer($0.pointer(as: T.self)) })
    }
}

struct ConvolutionBackward: FloatVisitor {
    let x: Tensor, w: Tensor, dy: Tensor, reluOutput: Tensor?, dx: Tensor?, dw: Tensor?, db: Tensor?, scratch: Tensor
    let plan: ConvolutionPlan
    func visit<T: FloatElement>(_: T.Type) {
        convolutionBackward(
            x: UnsafePointer(x.pointer(as: T.self)), w: UnsafePointer(w.pointer(as: T.self)),
            dy: UnsafePointer(dy.pointer(as: T.self)),
            reluOutput: reluOutput.map { UnsafePointer($0.pointer(as: T.self)) },
            dx: dx?.pointer(as: T.self), dw: dw?.pointer(as: T.self), db: db?.pointer(as: T.self),
            plan: plan, scratch: scratch.pointer(as: T.self))
    }
}
