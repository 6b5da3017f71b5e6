/// TensorFlow's `padding` argument of convolutions and pooling, and the window geometry it
/// implies: output sizes and the padding before each spatial axis, validated.

/// How a window op pads its input.
public enum Padding: Equatable, Sendable {
    /// No padding: windows lie wholly inside the input.
    case valid
    /// Output size ceil(input / stride), with TensorFlow's split of the padding: the total
    /// max((out − 1)·stride + (k − 1)·dilation + 1 − in, 0), its smaller half before.
    case same
    /// Explicit zero padding before and after each spatial axis.
    case explicit(top: Int, bottom: Int, left: Int, right: Int)

    /// The C ABI's `SDL_PADDING_*` code with `pads` [top, bottom, left, right] (explicit only).
    public init(code: Int32, pads: [Int], op: String) throws {
        switch code {
        case 0: self = .valid
        case 1: self = .same
        case 2:
            guard pads.count == 4 else {
                throw SDLError.value(op, "explicit padding needs 4 values; received \(pads.count)")
            }
            self = .explicit(top: pads[0], bottom: pads[1], left: pads[2], right: pads[3])
        default:
            throw SDLError.value(op, "unknown padding code \(code); expected 0 (VALID), 1 (SAME) or 2 (explicit)")
        }
    }

    var name: String {
        switch self {
        case .valid: return "'VALID'"
        case .same: return "'SAME'"
        case .explicit(let top, let bottom, let left, let right):
            return "explicit [[0, 0], [\(top), \(bottom)], [\(left), \(right)], [0, 0]]"
        }
    }
}

/// Sizes and steps above this are refused, so window arithmetic cannot overflow Int.
private let windowLimit = Int(Int32.max)

/// One spatial axis of a window op: its output size and the padding before it.
/// `what` names the window ("filter", "pooling window") for messages, `received` the shapes.
func resolveWindowAxis(
    _ op: String, axis: String, input: Int, window: Int, stride: Int, dilation: Int,
    padding: Padding, explicitPads: (Int, Int), what: String, received: String
) throws -> (output: Int, padBefore: Int) {
    if input > windowLimit { throw SDLError.value(op, "input \(axis) \(input) is too large; \(received)") }
    if window < 1 || window > windowLimit {
        throw SDLError.value(op, "\(what) \(axis) must be between 1 and \(windowLimit); \(received)")
    }
    if stride < 1 || stride > windowLimit {
        throw SDLError.value(
            op, "strides must be positive (and below 2^31); received stride \(stride) along the \(axis)")
    }
    if dilation < 1 || dilation > windowLimit {
        throw SDLError.value(
            op, "dilations must be positive (and below 2^31); received dilation \(dilation) along the \(axis)")
    }
    // Each term is below 2^31, so these fit; they go through CheckedSize all the same, so
    // a change to the limits cannot make them wrap.
    let size = { (value: Int?) throws -> Int in
        guard let value else {
            throw SDLError.value(op, "the window arithmetic along the \(axis) overflows; \(received)")
        }
        return value
    }
    let extent = try size(CheckedSize.product(window - 1, dilation).flatMap { CheckedSize.sum($0, 1) })
    let noOutput = { (size: Int) in
        SDLError.value(
            op,
            "padding \(padding.name) leaves no output: the \(axis) \(size) (padded) is smaller than the \(dilation > 1 ? "dilated " : "")\(what) \(axis) \(extent); \(received)"
        )
    }
    switch padding {
    case .valid:
        if input < extent { throw noOutput(input) }
        return ((input - extent) / stride + 1, 0)
    case .same:
        let output = try size(CheckedSize.sum(input, stride - 1)) / stride
        if output == 0 { throw noOutput(input) }
        let reach = try size(CheckedSize.product(output - 1, stride).flatMap { CheckedSize.sum($0, extent) })
        let total = max(reach - input, 0)
        return (output, total / 2)
    case .explicit:
        let (before, after) = explicitPads
        if before < 0 || after < 0 || before > windowLimit || after > windowLimit {
            throw SDLError.value(
                op,
                "explicit paddings must be non-negative (and below 2^31); received \(before) and \(after) along the \(axis)"
            )
        }
        let padded = try size(CheckedSize.sum(input, before).flatMap { CheckedSize.sum($0, after) })
        if padded < extent { throw noOutput(padded) }
        return ((padded - extent) / stride + 1, before)
    }
}

/// The explicit (before, after) pads of one axis; zeros for VALID and SAME.
func explicitPads(_ padding: Padding, height: Bool) -> (Int, Int) {
    guard case .explicit(let top, let bottom, let left, let right) = padding else { return (0, 0) }
    return height ? (top, bottom) : (left, right)
}

/// The geometry of a window of `window` (height, width) over NHWC `input` shape.
func windowGeometry(
    _ op: String, input: [Int], window: (Int, Int), outputChannels: Int, strides: (Int, Int),
    dilations: (Int, Int), padding: Padding, what: String, received: String
) throws -> WindowGeometry {
    let rows = try resolveWindowAxis(
        op, axis: "height", input: input[1], window: window.0, stride: strides.0, dilation: dilations.0,
        padding: padding, explicitPads: explicitPads(padding, height: true), what: what, received: received)
    let columns = try resolveWindowAxis(
        op, axis: "width", input: input[2], window: window.1, stride: strides.1, dilation: dilations.1,
        padding: padding, explicitPads: explicitPads(padding, height: false), what: what, received: received)
    return WindowGeometry(
        batch: input[0], inputHeight: input[1], inputWidth: input[2], channels: input[3],
        windowHeight: window.0, windowWidth: window.1, outputChannels: outputChannels,
        strideHeight: strides.0, strideWidth: strides.1, dilationHeight: dilations.0, dilationWidth: dilations.1,
        padTop: rows.padBefore, padLeft: columns.padBefore, outputHeight: rows.output, outputWidth: columns.output)
}
