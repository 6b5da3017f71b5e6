/// Keras's Dense layer as one op: activation(x · kernel + bias) with the bias and a relu
/// in the product's own output pass and one backward rule, where the composed form ran a
/// matmul, a broadcast add and an activation, each a pass over the output, a dispatch and a
/// node on the tape. It is a pointwise convolution of `rows` one-pixel images: the
/// convolution kernels' GEMM chunks, epilogue and VJP, with no im2col.

/// activation(x · kernel + bias).
///
/// - Parameters:
///   - x: (..., C), rank at least 1, float32 or float64.
///   - kernel: (C, U), x's dtype; bias nil or (U,).
/// - Returns: (..., U), recorded on tapes (gradients for x, kernel and bias).
public func dense(_ x: Tensor, _ kernel: Tensor, bias: Tensor?, activation: ConvolutionActivation) throws -> Tensor {
    let op = "dense"
    if x.rank < 1 || kernel.rank != 2 {
        throw SDLError.value(
            op,
            "x must have at least one axis and kernel must be rank 2 (in, units); received shapes \(describeShape(x.shape)) and \(describeShape(kernel.shape))"
        )
    }
    let channels = x.shape[x.rank - 1], units = kernel.shape[1]
    if kernel.shape[0] != channels {
        throw SDLError.value(
            op,
            "x's last axis (\(channels)) must match the kernel's first (\(kernel.shape[0])); received shapes \(describeShape(x.shape)) and \(describeShape(kernel.shape))"
        )
    }
    let rows = try CheckedSize.product(of: Array(x.shape.dropLast()), op: op, "the rows of x")
    let g = try windowGeometry(
        op, input: [rows, 1, 1, channels], window: (1, 1), outputChannels: units, strides: (1, 1),
        dilations: (1, 1), padding: .valid, what: "kernel",
        received: "received shapes \(describeShape(x.shape)) and \(describeShape(kernel.shape))")
    return try convolution(
        op, x, kernel, bias: bias, activation: activation, geometry: g, outputShape: Array(x.shape.dropLast()) + [units]
    )
}
