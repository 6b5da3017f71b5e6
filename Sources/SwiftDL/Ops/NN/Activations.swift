/// tf.nn's activation functions as single engine ops, each recorded with its VJP.
/// Raw values are the C ABI's `SDL_ACTIVATION_*` codes.
public enum Activation: Int32, CaseIterable, Sendable {
    case relu, relu6, elu, selu, gelu, geluTanh, leakyRelu, softplus, softsign, silu

    public var name: String {
        switch self {
        case .relu: return "relu"
        case .relu6: return "relu6"
        case .elu: return "elu"
        case .selu: return "selu"
        case .gelu, .geluTanh: return "gelu"
        case .leakyRelu: return "leaky_relu"
        case .softplus: return "softplus"
        case .softsign: return "softsign"
        case .silu: return "silu"
        }
    }
}

/// Refuses non-float inputs to an nn op with a message naming the op and the dtype.
func requireFloat(_ x: Tensor, _ op: String, _ argument: String = "features") throws {
    if !x.dtype.isFloatingPoint {
        throw SDLError.type(
            op,
            "\(argument) must be a float tensor (float32 or float64); received dtype \(x.dtype.name) with shape \(describeShape(x.shape))"
        )
    }
}

/// `activation(x)` elementwise; `alpha` is leaky_relu's slope, elu's alpha or silu's beta
/// (ignored by the others). Recorded with its VJP when a tape follows x.
public func activate(_ activation: Activation, _ x: Tensor, alpha: Double = 0) throws -> Tensor {
    try requireFloat(x, activation.name)
    if !alpha.isFinite { throw SDLError.value(activation.name, "alpha must be finite; received \(alpha)") }
    let input = try x.contiguous()
    let out = try Tensor.empty(x.shape, dtype: x.dtype)
    try x.dtype.dispatchFloat(
        ActivationDispatch(
            activation: activation, alpha: alpha, forward: true,
            x: input, y: out, g: nil, result: out))
    if isRecordingGradients {
        record(activation.name, inputs: [x], outputs: [out]) { gradients in
            guard let upstream = gradients[0] else { return [nil] }
            let g = try upstream.converted(to: x.dtype).contiguous()
            let dx = try Tensor.empty(x.shape, dtype: x.dtype)
            try x.dtype.dispatchFloat(
                ActivationDispatch(
                    activation: activation, alpha: alpha, forward: false,
                    x: input, y: out, g: g, result: dx))
            return [dx]
        }
    }
    return out
}

private struct ActivationDispatch: FloatVisitor {
    let activation: Activation, alpha: Double, forward: Bool
    let x: Tensor, y: Tensor, g: Tensor?, result: Tensor

    func visit<T: FloatElement>(_: T.Type) {
        switch activation {
        case .relu: run(ReLU.self, T.self)
        case .relu6: run(ReLU6.self, T.self)
        case .elu: run(ELU.self, T.self)
        case .selu: run(SELU.self, T.self)
        case .gelu: run(GELU.self, T.self)
        case .geluTanh: run(GELUTanh.self, T.self)
        case .leakyRelu: run(LeakyReLU.self, T.self)
        case .softplus: run(Softplus.self, T.self)
        case .softsign: run(Softsign.self, T.self)
        case .silu: run(SiLU.self, T.self)
        }
    }

    private func run<A: ActivationFunction, T: FloatElement>(_: A.Type, _: T.Type) {
        let px = UnsafePointer(x.pointer(as: T.self))
        if forward {
            activationForwardKernel(A.self, px, result.pointer(as: T.self), count: x.count, alpha: T(alpha))
        } else if let g {
            activationBackwardKernel(
                A.self, UnsafePointer(g.pointer(as: T.self)), px, UnsafePointer(y.pointer(as: T.self)),
                result.pointer(as: T.self), count: x.count, alpha: T(alpha))
        }
    }
}
