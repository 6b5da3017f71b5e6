/// RMSprop in Keras 3's form (keras.optimizers.RMSprop):
///     s ← ρ·s + (1 - ρ)·g²
///     centered:  ḡ ← ρ·ḡ + (1 - ρ)·g;  d ← s - ḡ² + ε      otherwise  d ← s + ε
///     Δ ← lr·g/√d
///     momentum:  μ̃ ← μ·μ̃ + Δ;  θ ← θ - μ̃                  otherwise  θ ← θ - Δ
/// NOTE: ε sits inside the square root here (unlike Adam), as Keras has it.
public struct RMSpropRule: ElementwiseUpdateRule {
    public let learningRate: Double, rho: Double, momentum: Double, epsilon: Double, centered: Bool

    public func update<T: FloatElement>(
        _ range: Range<Int>, variable: UnsafeMutablePointer<T>, gradient: UnsafePointer<T>,
        slots: [UnsafeMutablePointer<T>], prepare: GradientPreparation<T>
    ) {
        let lr = T(learningRate), r = T(rho), oneMinusRho = T(1 - rho), mu = T(momentum), eps = T(epsilon)
        let velocity = slots[0]
        // One loop per variant, each with its branches decided outside it, so all vectorise.
        switch (centered, momentum > 0) {
        case (false, false):
            for i in range {
                let g = prepare.gradient(gradient[i])
                let s = r * velocity[i] + oneMinusRho * (g * g)
                velocity[i] = s
                variable[i] = prepare.decayed(variable[i]) - lr * g / (s + eps).squareRoot()
            }
        case (false, true):
            let m = slots[1]
            for i in range {
                let g = prepare.gradient(gradient[i])
                let s = r * velocity[i] + oneMinusRho * (g * g)
                velocity[i] = s
                let step = mu * m[i] + lr * g / (s + eps).squareRoot()
                m[i] = step
                variable[i] = prepare.decayed(variable[i]) - step
            }
        case (true, false):
            let average = slots[1]
            for i in range {
                let g = prepare.gradient(gradient[i])
                let s = r * velocity[i] + oneMinusRho * (g * g)
                let a = r * average[i] + oneMinusRho * g
                velocity[i] = s
                average[i] = a
                variable[i] = prepare.decayed(variable[i]) - lr * g / (s - a * a + eps).squareRoot()
            }
        case (true, true):
            let m = slots[1], average = slots[2]
            for i in range {
                let g = prepare.gradient(gradient[i])
                let s = r * velocity[i] + oneMinusRho * (g * g)
                let a = r * average[i] + oneMinusRho * g
                velocity[i] = s
                average[i] = a
                let step = mu * m[i] + lr * g / (s - a * a + eps).squareRoot()
                m[i] = step
                variable[i] = prepare.decayed(variable[i]) - step
            }
        }
    }
}

/// One RMSprop step over every variable. `momentums` is empty unless momentum > 0 and
/// `averageGradients` empty unless centered (Keras creates those slots only then).
public func rmspropUpdate(
    variables: [Tensor], gradients: [Tensor], velocities: [Tensor], momentums: [Tensor], averageGradients: [Tensor],
    rho: Double, momentum: Double, epsilon: Double, centered: Bool, options: OptimizerOptions
) throws {
    let op = "RMSprop"
    for (name, value) in [("rho", rho), ("momentum", momentum), ("epsilon", epsilon)] where !value.isFinite {
        throw SDLError.value(op, "\(name) must be finite; received \(value)")
    }
    if momentum > 0 && momentums.isEmpty {
        throw SDLError.value(op, "momentum \(momentum) needs one momentum slot per variable; received none")
    }
    if centered && averageGradients.isEmpty {
        throw SDLError.value(op, "centered needs one average_gradient slot per variable; received none")
    }
    var slots = [velocities]
    if momentum > 0 { slots.append(momentums) }
    if centered { slots.append(averageGradients) }
    try applyFusedUpdate(
        RMSpropRule(
            learningRate: options.learningRate, rho: rho, momentum: momentum, epsilon: epsilon, centered: centered),
        op: op, variables: variables, gradients: gradients, slots: slots, options: options)
}
