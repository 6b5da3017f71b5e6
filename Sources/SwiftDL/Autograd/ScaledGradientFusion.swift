/// Fusing a constant scale into the VJP of the op that reads the scaled tensor.
///
/// Attention written with ops, `softmax(matmul(q, kᵀ) / sqrt(d))`, records a divide by a
/// constant and a softmax. Walked one by one, the softmax's VJP writes the scores' gradient
/// and the divide's VJP reads it again to write it divided by √d: a whole pass over the
/// (batch, heads, steps, steps) scores and one more buffer of that size. When the scaled
/// tensor feeds nothing but the softmax, the softmax's VJP divides in the same pass, with
/// the same roundings (each element is formed, then divided, exactly as the two VJPs did),
/// and the divide's node is never run.

/// A constant one-element factor a recorded op applies to one input: out = input · factor
/// or out = input / factor. "Constant": no tape follows it, so it gets no gradient.
public struct ConstantScale {
    /// The one-element factor, of the scaled input's dtype.
    public let factor: Tensor
    /// Divides by the factor (else multiplies).
    public let divides: Bool

    public init(factor: Tensor, divides: Bool) {
        self.factor = factor
        self.divides = divides
    }
}

/// How a recorded op takes part in scale fusion.
public enum TapeFusion {
    /// The node computes `outputs[0] = inputs[input] · scale` (or `/`), with the output of
    /// that input's shape and dtype; its VJP for that input is g · factor (or g / factor).
    case scales(input: Int, by: ConstantScale)
    /// The node's VJP can apply a constant scale to the gradient of its only input in its
    /// own pass, with the same result as applying it afterwards: the closure returns that
    /// scaled input gradient.
    case scalableBackward(([Tensor?], ConstantScale) throws -> Tensor?)
}

/// One planned fusion: when the walk reaches `consumer`, its scalable VJP gives the gradient
/// of `target` (the scaling node's input) directly.
struct ScaledGradientPlan {
    let target: Tensor
    let scale: ConstantScale
}

/// The fusions a backward walk over `nodes` can make: consumer node index → plan. A scaling
/// node's output qualifies only when one recorded op reads it (once), that op can scale its
/// VJP, and the caller does not ask for (or seed) that output's own gradient.
func planScaledGradientFusions(
    _ nodes: [TapeNode], excluding kept: Set<ObjectIdentifier>, isTracked: (Tensor) -> Bool
) -> [Int: ScaledGradientPlan] {
    var scalings: [ObjectIdentifier: (input: Tensor, scale: ConstantScale)] = [:]
    var readers: [ObjectIdentifier: Int] = [:]
    for node in nodes {
        if case .scales(let input, let scale)? = node.fusion, let output = node.outputs.first {
            scalings[ObjectIdentifier(output)] = (node.inputs[input], scale)
        }
        for input in node.inputs { readers[ObjectIdentifier(input), default: 0] += 1 }
    }
    if scalings.isEmpty { return [:] }
    var plans: [Int: ScaledGradientPlan] = [:]
    for (index, node) in nodes.enumerated() {
        guard case .scalableBackward? = node.fusion, node.inputs.count == 1 else { continue }
        let scaled = ObjectIdentifier(node.inputs[0])
        guard let scaling = scalings[scaled], readers[scaled] == 1, !kept.contains(scaled),
            isTracked(scaling.input)
        else { continue }
        plans[index] = ScaledGradientPlan(target: scaling.input, scale: scaling.scale)
    }
    return plans
}

/// The scaling a binary op applies to one operand, when the other is a constant factor:
/// a · c, c · a or a / c with c one element of a's dtype that no tape follows, and a of the
/// output's shape and dtype (no broadcast of a). nil otherwise.
func constantScaleFusion(
    _ op: BinaryOp, _ a: Tensor, _ b: Tensor, out: Tensor, follows: (a: Bool, b: Bool)
) -> TapeFusion? {
    func fits(_ operand: Tensor, _ factor: Tensor) -> Bool {
        factor.count == 1 && factor.dtype == out.dtype && operand.dtype == out.dtype && operand.shape == out.shape
    }
    switch op {
    case .divide where !follows.b && fits(a, b):
        return .scales(input: 0, by: ConstantScale(factor: b, divides: true))
    case .multiply where !follows.b && fits(a, b):
        return .scales(input: 0, by: ConstantScale(factor: b, divides: false))
    case .multiply where !follows.a && fits(b, a):
        return .scales(input: 1, by: ConstantScale(factor: a, divides: false))
    default:
        return nil
    }
}
