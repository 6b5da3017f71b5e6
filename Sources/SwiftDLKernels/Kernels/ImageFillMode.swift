/// How an image sampler reads a pixel index outside [0, size): scipy.ndimage's (and
/// keras.ops.image's) fill modes, applied to each integer tap.
public enum ImageFillMode: Int32, Sendable {
    /// Outside pixels read as `fill_value`.
    case constant = 0
    /// The edge pixel repeats: a a | a b c d | d d.
    case nearest = 1
    /// The image repeats: c d | a b c d | a b.
    case wrap = 2
    /// Reflected about the edge pixels' centres: c b | a b c d | c b.
    case mirror = 3
    /// Reflected about the edges: b a | a b c d | d c.
    case reflect = 4

    /// `index` folded into [0, size) (size >= 1); `constant` clamps, and the caller reads
    /// the fill value instead where `isInside` is false.
    @inline(__always)
    public func fold(_ index: Int, _ size: Int) -> Int {
        // Most taps are inside: no integer division for them.
        if index >= 0 && index < size { return index }
        switch self {
        case .constant, .nearest:
            return index < 0 ? 0 : (index >= size ? size - 1 : index)
        case .wrap:
            let folded = index % size
            return folded < 0 ? folded + size : folded
        case .mirror:
            if size == 1 { return 0 }
            let period = 2 * (size - 1)
            var folded = index % period
            if folded < 0 { folded += period }
            return folded >= size ? period - folded : folded
        case .reflect:
            let period = 2 * size
            var folded = index % period
            if folded < 0 { folded += period }
            return folded >= size ? period - 1 - folded : folded
        }
    }
}

// NOTE: the conversions below go through FloatElement's concrete doubleValue and
// init(fromInt64:): BinaryFloatingPoint's generic Int(_:) and T(_: Int) compile to a
// bit-by-bit routine (a call per conversion), which made the affine sampler 5x slower.

/// ⌊value⌋ without a libm call (the baseline x86-64 target has no roundss): exact below
/// 2^52 in magnitude, where truncation to Int is exact; larger values are integers already
/// (NaN and infinities are returned as they are).
@inline(__always)
func floorWithoutLibm<T: FloatElement>(_ value: T) -> T {
    let wide = value.doubleValue
    guard wide > -4_503_599_627_370_496 && wide < 4_503_599_627_370_496 else { return value }
    let truncated = T(fromInt64: Int64(wide))
    return truncated > value ? truncated - 1 : truncated
}

/// A float coordinate as an Int index far enough outside any image to fold correctly, and
/// safe to convert: NaN and ±infinity (a projective transform's division by zero) would
/// trap in Int(_:). 2^24 is past every real image side and exact in float32.
@inline(__always)
func saturatedIndex<T: FloatElement>(_ value: T) -> Int {
    let wide = value.doubleValue, limit = 16_777_216.0
    if wide > -limit && wide < limit { return Int(wide) }
    return wide < limit ? -Int(limit) : Int(limit)
}
