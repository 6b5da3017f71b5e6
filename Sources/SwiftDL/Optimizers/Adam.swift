#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Adam (Kingma & Ba) with optional AMSGrad, in Keras 3's form (keras.optimizers.Adam):
///     α ← lr·√(1 - β₂ᵗ)/(1 - β₁ᵗ)          (bias correction folded into the step size)
///     m ← m + (g - m)(1 - β₁);  v ← v + (g² - v)(1 - β₂);  [v̂ ← max(v̂, v); v ← v̂]
///     θ ← θ - α·m/(√v + ε)
/// NOTE: ε sits outside the square root and is not bias-corrected, exactly as Keras and
/// TensorFlow do (the paper's ε̂); moving it changes results for tiny gradients.
/// AdamW is this rule with Keras's decoupled weight decay applied first (OptimizerOptions).
public struct AdamRule: ElementwiseUpdateRule {
    public let alpha: Double, beta1: Double, beta2: Double, epsilon: Double, amsgrad: Bool

    public func update<T: FloatElement>(
        _ range: Range<Int>, variable: UnsafeMutablePointer<T>, gradient: UnsafePointer<T>,
        slots: [UnsafeMutablePointer<T>], prepare: GradientPreparation<T>
    ) {
        let m = slots[0], v = slots[1]
        let a = T(alpha), oneMinusBeta1 = T(1 - beta1), oneMinusBeta2 = T(1 - beta2), eps = T(epsilon)
        if amsgrad {
            let vHat = slots[2]
            for i in range {
                let g = prepare.gradient(gradient[i])
                let mi = m[i] + (g - m[i]) * oneMinusBeta1
                let vi = v[i] + (g * g - v[i]) * oneMinusBeta2
                let hi = Swift.max(vHat[i], vi)
                m[i] = mi
                v[i] = vi
                vHat[i] = hi
                variable[i] = prepare.decayed(variable[i]) - mi * a / (hi.squareRoot() + eps)
            }
        } else {
            for i in range {
                let g = prepare.gradient(gradient[i])
                let mi = m[i] + (g - m[i]) * oneMinusBeta1
                let vi = v[i] + (g * g - v[i]) * oneMinusBeta2
                m[i] = mi
                v[i] = vi
                variable[i] = prepare.decayed(variable[i]) - mi * a / (vi.squareRoot() + eps)
            }
        }
    }
}

/// One Adam (or AdamW, with options.weightDecay) step over every variable. `step` is
/// Keras's local step, iterations + 1. `velocityHats` is empty unless amsgrad.
public func adamUpdate(
    variables: [Tensor], gradients: [Tensor], momentums: [Tensor], velocities: [Tensor], velocityHats: [Tensor],
    beta1: Double, beta2: Double, epsilon: Double, amsgrad: Bool, step: Int64,
    options: OptimizerOptions
) throws {
    let op = options.weightDecay != 0 ? "AdamW" : "Adam"
    if step < 1 { throw SDLError.value(op, "step must be at least 1 (iterations + 1); received \(step)") }
    for (name, value) in [("beta_1", beta1), ("beta_2", beta2), ("epsilon", epsilon)] where !value.isFinite {
        throw SDLError.value(op, "\(name) must be finite; received \(value)")
    }
    if amsgrad && velocityHats.isEmpty {
        throw SDLError.value(op, "amsgrad needs one velocity_hat slot per variable; received none")
    }
    let t = Double(step)
    let alpha = options.learningRate * (1 - pow(beta2, t)).squareRoot() / (1 - pow(beta1, t))
    var slots = [momentums, velocities]
    if amsgrad { slots.append(velocityHats) }
    try applyFusedUpdate(
        AdamRule(alpha: alpha, beta1: beta1, beta2: beta2, epsilon: epsilon, amsgrad: amsgrad), op: op,
        variables: variables, gradients: gradients, slots: slots, options: options)
}
