/// A ReLU with an optional cap (ReLU6), min(max(v, 0), top) with NaN kept, as kernels apply
/// it to their sums in registers before storing them: an inference batch norm's activation
/// folded into the op before it costs no pass of its own.
public struct ReluClamp: Sendable {
    /// The cap: .infinity for a plain ReLU.
    public let top: Float

    public init(top: Float) { self.top = top }

    @inline(__always)
    public func apply(_ v: SIMD8<Float>) -> SIMD8<Float> {
        // Comparisons with NaN are false, so NaN passes through both selects.
        let positive = v.replacing(with: 0, where: v .< 0)
        return positive.replacing(with: top, where: positive .> top)
    }

    @inline(__always)
    public func apply(_ v: Float) -> Float { v < 0 ? 0 : v > top ? top : v }
}
