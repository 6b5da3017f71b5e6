/// Stochastic gradient descent with optional momentum and Nesterov momentum, in Keras 3's
/// form (keras.optimizers.SGD):
///     plain:     v ← v - lr·g
///     momentum:  m ← μ·m - lr·g;  v ← v + m
///     nesterov:  m ← μ·m - lr·g;  v ← v + μ·m - lr·g
public struct SGDRule: ElementwiseUpdateRule {
    public let learningRate: Double, momentum: Double, nesterov: Bool

    public func update<T: FloatElement>(
        _ range: Range<Int>, variable: UnsafeMutablePointer<T>, gradient: UnsafePointer<T>,
        slots: [UnsafeMutablePointer<T>], prepare: GradientPreparation<T>
    ) {
        let lr = T(learningRate), mu = T(momentum)
        guard let m = slots.first else {
            for i in range { variable[i] = prepare.decayed(variable[i]) - prepare.gradient(gradient[i]) * lr }
            return
        }
        if nesterov {
            for i in range {
                let g = prepare.gradient(gradient[i])
                let velocity = m[i] * mu - g * lr
                m[i] = velocity
                variable[i] = prepare.decayed(variable[i]) + (velocity * mu - g * lr)
            }
        } else {
            for i in range {
                let g = prepare.gradient(gradient[i])
                let velocity = m[i] * mu - g * lr
                m[i] = velocity
                variable[i] = prepare.decayed(variable[i]) + velocity
            }
        }
    }
}

/// One SGD step over every variable. `momentums` holds one slot per variable when
/// momentum is not 0 (Keras creates none otherwise) and must be empty when it is.
public func sgdUpdate(
    variables: [Tensor], gradients: [Tensor], momentums: [Tensor], momentum: Double, nesterov: Bool,
    options: OptimizerOptions
) throws {
    let op = "SGD"
    if !(momentum >= 0 && momentum <= 1) {
        throw SDLError.value(op, "`momentum` must be a float between [0, 1]; received \(momentum)")
    }
    if momentum != 0 && momentums.isEmpty {
        throw SDLError.value(op, "momentum \(momentum) needs one momentum slot per variable; received none")
    }
    try applyFusedUpdate(
        SGDRule(learningRate: options.learningRate, momentum: momentum, nesterov: nesterov), op: op,
        variables: variables, gradients: gradients, slots: momentum == 0 ? [] : [momentums], options: options)
}
