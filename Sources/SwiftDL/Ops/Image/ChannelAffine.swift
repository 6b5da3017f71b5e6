/// The parameters of one `channelAffine` call: x (any shape, `count` = outer·middle·channels)
/// is read as (outer, middle, channels); shift, scale and offset are (paramRows, channels)
/// with outer a multiple of paramRows, row o of x using parameter row o % paramRows.
public struct ChannelAffineShape: Sendable {
    public let outer: Int, middle: Int, channels: Int
    public init(outer: Int, middle: Int, channels: Int) {
        (self.outer, self.middle, self.channels) = (outer, middle, channels)
    }
}

/// y = clip((x − shift) ∘ scale + offset, low, high) in one pass, ∘ a product or (`divide`) a
/// quotient: Rescaling, Normalization and RandomContrast without their chains of
/// elementwise ops. Differentiable in x, shift, scale and offset (the clip passes the
/// gradient where low ≤ value ≤ high, as tf.clip_by_value does).
public func channelAffine(
    _ x: Tensor, _ layout: ChannelAffineShape, shift: Tensor, scale: Tensor, offset: Tensor, divide: Bool,
    low: Double = -.infinity, high: Double = .infinity
) throws -> Tensor {
    let op = "channel_affine"
    try requireFloat(x, op, "x")
    let (outer, middle, channels) = (layout.outer, layout.middle, layout.channels)
    let product = CheckedSize.product(of: [outer, middle, channels])
    if outer < 1 || middle < 0 || channels < 1 || product != x.count {
        throw SDLError.value(
            op,
            "(outer, middle, channels) must be positive sizes whose product is x's size \(x.count); received (\(outer), \(middle), \(channels))"
        )
    }
    var parameters: [Tensor] = []
    for (name, parameter) in [("shift", shift), ("scale", scale), ("offset", offset)] {
        let rows = parameter.rank == 2 ? parameter.shape[0] : 0
        if parameter.rank != 2 || parameter.shape[1] != channels || rows < 1 || outer % rows != 0 {
            throw SDLError.value(
                op,
                "\(name) must have shape (rows, \(channels)) with rows dividing \(outer); received shape \(describeShape(parameter.shape))"
            )
        }
        parameters.append(try parameter.converted(to: x.dtype).contiguous())
    }
    let paramRows = shift.shape[0]
    if scale.shape[0] != paramRows || offset.shape[0] != paramRows {
        throw SDLError.value(
            op,
            "shift, scale and offset must have the same shape; received \(describeShape(shift.shape)), \(describeShape(scale.shape)) and \(describeShape(offset.shape))"
        )
    }
    let input = try x.contiguous()
    let out = try Tensor.empty(x.shape, dtype: x.dtype)
    if out.count > 0 {
        try x.dtype.dispatchFloat(
            ChannelAffineRunner(
                x: input, y: out, layout: layout, parameters: parameters, paramRows: paramRows, divide: divide,
                low: low, high: high))
    }
    if isRecordingGradients {
        record(op, inputs: [x, shift, scale, offset], outputs: [out]) { gradients in
            guard let g = gradients[0] else { return [nil, nil, nil, nil] }
            return try channelAffineGradients(
                g.converted(to: x.dtype), x: input, layout, parameters, paramRows: paramRows, divide: divide,
                low: low, high: high, shapes: [x.shape, shift.shape, scale.shape, offset.shape])
        }
    }
    return out
}

/// The VJP from engine ops on the (outer / rows, rows, middle, channels) view, where the
/// parameters broadcast as (1, rows, 1, channels).
private func channelAffineGradients(
    _ g: Tensor, x: Tensor, _ layout: ChannelAffineShape, _ parameters: [Tensor], paramRows: Int, divide: Bool,
    low: Double, high: Double, shapes: [[Int]]
) throws -> [Tensor?] {
    let view = [layout.outer / paramRows, paramRows, layout.middle, layout.channels]
    let parameterView = [1, paramRows, 1, layout.channels]
    let (shift, scale, offset) = try (
        parameters[0].reshaped(parameterView), parameters[1].reshaped(parameterView),
        parameters[2].reshaped(parameterView)
    )
    let x4 = try x.reshaped(view)
    var upstream = try g.contiguous().reshaped(view)
    let centred = try binary(.subtract, x4, shift)
    if low > -.infinity || high < .infinity {
        let value = try binary(.add, binary(divide ? .divide : .multiply, centred, scale), offset)
        let inside = try binary(
            .logicalAnd, binary(.greaterEqual, value, Tensor.scalar(low, dtype: x.dtype)),
            binary(.lessEqual, value, Tensor.scalar(high, dtype: x.dtype)))
        upstream = try select(inside, upstream, Tensor.scalar(0, dtype: x.dtype))
    }
    let dx = try binary(divide ? .divide : .multiply, upstream, scale)
    let sums = [0, 2]
    let dOffset = try reduce(.sum, upstream, axes: sums)
    let dShift = try unary(.negative, reduce(.sum, dx, axes: sums))
    var dScale = try reduce(.sum, binary(.multiply, upstream, centred), axes: sums)
    if divide {
        // d/ds ((x − shift) / s) = −(x − shift) / s².
        dScale = try unary(.negative, binary(.divide, dScale, binary(.multiply, parameters[1], parameters[1])))
    }
    return [
        try dx.reshaped(shapes[0]), try dShift.reshaped(shapes[1]), try dScale.reshaped(shapes[2]),
        try dOffset.reshaped(shapes[3]),
    ]
}

private struct ChannelAffineRunner: FloatVisitor {
    let x: Tensor, y: Tensor, layout: ChannelAffineShape, parameters: [Tensor], paramRows: Int, divide: Bool
    let low: Double, high: Double
    func visit<T: FloatElement>(_: T.Type) {
        SwiftDLKernels.channelAffine(
            UnsafePointer(x.pointer(as: T.self)), y.pointer(as: T.self), outer: layout.outer, middle: layout.middle,
            channels: layout.channels, shift: UnsafePointer(parameters[0].pointer(as: T.self)),
            scale: UnsafePointer(parameters[1].pointer(as: T.self)),
            offset: UnsafePointer(parameters[2].pointer(as: T.self)), paramRows: paramRows, divide: divide,
            low: T(low), high: T(high))
    }
}
