/// Keras's gradient clipping, turned into per-element work the fused updates do inline:
/// clipnorm and global_clipnorm become one scale per variable, clipvalue a clamp.
/// At most one of the three may be set, as in Keras.

/// The options every optimizer shares (Keras's base-optimizer arguments).
public struct OptimizerOptions: Sendable {
    /// The learning rate of this step (a schedule is evaluated by the caller).
    public var learningRate: Double
    /// Decoupled weight decay: variable -= variable · weightDecay · learningRate before the
    /// update, as Keras's `_apply_weight_decay`. 0: none.
    public var weightDecay: Double
    /// Each gradient is rescaled so its L2 norm is at most this (nil: off).
    public var clipnorm: Double?
    /// Each gradient element is clamped to [-clipvalue, clipvalue] (nil: off).
    public var clipvalue: Double?
    /// All gradients are rescaled together so their joint L2 norm is at most this (nil: off).
    public var globalClipnorm: Double?
    /// Which variables weight decay applies to (Keras's exclude_from_weight_decay); nil: all.
    public var weightDecayMask: [Bool]?

    public init(
        learningRate: Double, weightDecay: Double = 0, clipnorm: Double? = nil,
        clipvalue: Double? = nil, globalClipnorm: Double? = nil, weightDecayMask: [Bool]? = nil
    ) {
        self.learningRate = learningRate
        self.weightDecay = weightDecay
        self.weightDecayMask = weightDecayMask
        // Keras treats 0 (and None) as "no clipping".
        self.clipnorm = clipnorm.flatMap { $0 > 0 ? $0 : nil }
        self.clipvalue = clipvalue.flatMap { $0 > 0 ? $0 : nil }
        self.globalClipnorm = globalClipnorm.flatMap { $0 > 0 ? $0 : nil }
    }

    func validate(_ op: String) throws {
        if !learningRate.isFinite { throw SDLError.value(op, "learning_rate must be finite; received \(learningRate)") }
        if !weightDecay.isFinite { throw SDLError.value(op, "weight_decay must be finite; received \(weightDecay)") }
        let set = [clipnorm, clipvalue, globalClipnorm].filter { $0 != nil }.count
        if set > 1 {
            throw SDLError.value(
                op,
                "Only one of `clipnorm`, `clipvalue` and `global_clipnorm` can be set; received clipnorm=\(String(describing: clipnorm)), clipvalue=\(String(describing: clipvalue)), global_clipnorm=\(String(describing: globalClipnorm))"
            )
        }
    }
}

/// How one variable's gradient and value are prepared before its optimizer's update:
/// g ↦ clamp(g · scale), v ↦ v - v · decay.
public struct GradientPreparation<T: FloatElement> {
    public let scale: T
    public let low: T, high: T
    public let decay: T

    @inline(__always) public func gradient(_ g: T) -> T { Swift.min(Swift.max(g * scale, low), high) }
    @inline(__always) public func decayed(_ v: T) -> T { v - v * decay }
}

/// Σ g² of a contiguous gradient, accumulated in Double.
func squaredNorm(_ gradient: Tensor) throws -> Double {
    try gradient.dtype.dispatchFloat(SquaredNorm(gradient: gradient))
}

private struct SquaredNorm: FloatVisitor {
    let gradient: Tensor
    func visit<T: FloatElement>(_: T.Type) -> Double {
        let p = gradient.pointer(as: T.self)
        var total = 0.0
        for i in 0..<gradient.count {
            let value = Double(p[i])
            total += value * value
        }
        return total
    }
}

/// The scale each gradient is multiplied by: clipnorm per variable (values · c / max(‖g‖, c)),
/// or global_clipnorm for all (c · min(1/‖G‖, 1/c), NaN when ‖G‖ is not finite, as Keras).
func clippingScales(_ gradients: [Tensor], options: OptimizerOptions) throws -> [Double] {
    if let clipnorm = options.clipnorm {
        return try gradients.map { gradient in
            let norm = try squaredNorm(gradient).squareRoot()
            return norm.isNaN ? .nan : clipnorm / Swift.max(norm, clipnorm)
        }
    }
    if let clip = options.globalClipnorm {
        let norm = try gradients.reduce(0.0) { $0 + (try squaredNorm($1)) }.squareRoot()
        let scale = clip * Swift.min(1 / norm, 1 / clip) + (norm - norm)
        return [Double](repeating: norm.isNaN ? .nan : scale, count: gradients.count)
    }
    return [Double](repeating: 1, count: gradients.count)
}
