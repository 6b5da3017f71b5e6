/// The checks every normalisation op makes of its per-channel operands and settings (fused
/// batch norm, group norm, and the batch norms folded into convolutions), so that each
/// refuses a bad operand with the same words.

/// Each operand present (statistics, gamma, beta) must have `dtype` and shape (channels,).
///
/// - Parameters:
///   - dtypeOwner: whose dtype the message names ("x's", "the input's").
///   - shapeReason: why the shape is wanted, after "(channels,)" in the message.
func checkChannelOperands(
    _ op: String, _ operands: [(name: String, tensor: Tensor?)], dtype: DType, dtypeOwner: String, channels: Int,
    shapeReason: String
) throws {
    for (name, operand) in operands {
        guard let operand else { continue }
        if operand.dtype != dtype {
            throw SDLError.type(
                op, "\(name) must have \(dtypeOwner) dtype \(dtype.name); received \(operand.dtype.name)")
        }
        if operand.shape != [channels] {
            throw SDLError.value(
                op,
                "\(name) must have shape (\(channels),) \(shapeReason); received shape \(describeShape(operand.shape))")
        }
    }
}

/// epsilon, added to the variance, must be finite and >= 0.
func checkEpsilon(_ op: String, _ epsilon: Double) throws {
    if !epsilon.isFinite || epsilon < 0 {
        throw SDLError.value(op, "epsilon must be a finite number >= 0; received \(epsilon)")
    }
}

/// A fused relu's cap must be > 0 (.infinity: a plain relu); nil is no relu.
func checkReluCap(_ op: String, _ reluMax: Double?) throws {
    if let reluMax, !(reluMax > 0) {
        throw SDLError.value(op, "the relu's max_value must be a number > 0 (or infinity); received \(reluMax)")
    }
}
