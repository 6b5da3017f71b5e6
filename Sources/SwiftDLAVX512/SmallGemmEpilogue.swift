// What the small product does to C's tiles in registers before storing them: a per-column
// bias and a ReLU with an optional cap (ReLU6). A 1×1 convolution of one image with an
// inference batch norm folded in (MobileNetV2's expansions and projections) otherwise
// wrote its output and then read and wrote it twice more (bias and relu, then the cap):
// 0.9 MB for 48×48×96, more than the core's L2.

import SwiftDLAVX2

/// epilogue(v) = clamp(v + bias[column]); both parts optional.
public struct SmallGemmEpilogue {
    /// n elements, one per column of C; nil for no bias.
    public let bias: UnsafePointer<Float>?
    /// nil for no activation.
    public let clamp: ReluClamp?

    public init(bias: UnsafePointer<Float>?, clamp: ReluClamp?) {
        self.bias = bias
        self.clamp = clamp
    }

    /// The same epilogue for the columns from `column` on.
    @inline(__always)
    func columns(from column: Int) -> SmallGemmEpilogue {
        SmallGemmEpilogue(bias: bias.map { $0 + column }, clamp: clamp)
    }

    /// C[i, j] for j < width of a `rows`-row block at `c`, in place (the staged edges).
    func apply(_ c: UnsafeMutablePointer<Float>, ldc: Int, rows: Int, width: Int) {
        for i in 0..<rows {
            let row = c + i * ldc
            for j in 0..<width {
                let v = row[j] + (bias?[j] ?? 0)
                row[j] = clamp?.apply(v) ?? v
            }
        }
    }
}

#if arch(x86_64) && !SWIFTDL_NO_AVX2
extension SmallGemmEpilogue {
    /// Sixteen columns from `column` (relative to this epilogue's first).
    @inline(__always)
    func apply(_ v: SIMD16<Float>, column: Int) -> SIMD16<Float> {
        var result = v
        if let bias { result += load(bias + column) }
        guard let top = clamp?.top else { return result }
        // Comparisons with NaN are false, so NaN passes through both selects (as ReluClamp).
        result = result.replacing(with: 0, where: result .< 0)
        return result.replacing(with: top, where: result .> top)
    }

    /// Eight columns from `column`, as the sixteen above.
    @inline(__always)
    func apply(_ v: SIMD8<Float>, column: Int) -> SIMD8<Float> {
        var result = v
        if let bias { result += load8(bias + column) }
        guard let top = clamp?.top else { return result }
        result = result.replacing(with: 0, where: result .< 0)
        return result.replacing(with: top, where: result .> top)
    }
}
#endif
