/// Adagrad in Keras 3's form (keras.optimizers.Adagrad); the accumulator starts at
/// `initial_accumulator_value` (the caller creates it):
///     a ← a + g²;  θ ← θ - lr·g/√(a + ε)
public struct AdagradRule: ElementwiseUpdateRule {
    public let learningRate: Double, epsilon: Double

    public func update<T: FloatElement>(
        _ range: Range<Int>, variable: UnsafeMutablePointer<T>, gradient: UnsafePointer<T>,
        slots: [UnsafeMutablePointer<T>], prepare: GradientPreparation<T>
    ) {
        let lr = T(learningRate), eps = T(epsilon)
        let accumulator = slots[0]
        for i in range {
            let g = prepare.gradient(gradient[i])
            let total = accumulator[i] + g * g
            accumulator[i] = total
            variable[i] = prepare.decayed(variable[i]) - lr * g / (total + eps).squareRoot()
        }
    }
}

/// One Adagrad step over every variable.
public func adagradUpdate(
    variables: [Tensor], gradients: [Tensor], accumulators: [Tensor], epsilon: Double,
    options: OptimizerOptions
) throws {
    if !epsilon.isFinite { throw SDLError.value("Adagrad", "epsilon must be finite; received \(epsilon)") }
    try applyFusedUpdate(
        AdagradRule(learningRate: options.learningRate, epsilon: epsilon), op: "Adagrad",
        variables: variables, gradients: gradients, slots: [accumulators], options: options)
}
