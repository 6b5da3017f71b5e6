// One output pixel of float32 max pooling, eight channels to a register (see
// VectorMath.swift for why this module exists). The engine's generic pooling loop makes
// two passes (the max, then the argmax) in baseline x86 code; this makes one.

#if arch(x86_64) && !SWIFTDL_NO_AVX2
/// The max over the window rows `rows..<rows+rowCount` and columns
/// `columns..<columns+columnCount` of an (H, inputWidth, channels) image, and (when
/// `indices` is given) the offset in the image of the first maximum of each channel.
/// A later element replaces the running max only when strictly greater: ties keep the
/// first, and a NaN never replaces a number (a NaN first element stays), as in the
/// engine's generic path. The window must not be empty.
public func maxPoolPixelAVX2(
    _ image: UnsafePointer<Float>, rows: Int, rowCount: Int, columns: Int, columnCount: Int,
    inputWidth: Int, channels c: Int, _ out: UnsafeMutablePointer<Float>,
    _ indices: UnsafeMutablePointer<Int32>?
) {
    @inline(__always) func position(_ row: Int, _ column: Int) -> Int {
        ((rows + row) * inputWidth + columns + column) * c
    }
    let firstPosition = position(0, 0)
    let lanes = SIMD8<Int32>(0, 1, 2, 3, 4, 5, 6, 7)
    let values = UnsafeRawPointer(image)
    var j = 0
    while j + 8 <= c {
        var best = values.loadUnaligned(fromByteOffset: (firstPosition + j) * 4, as: SIMD8<Float>.self)
        var index = SIMD8<Int32>(repeating: Int32(truncatingIfNeeded: firstPosition + j)) &+ lanes
        for row in 0..<rowCount {
            for column in 0..<columnCount {
                let offset = position(row, column) + j
                let candidate = values.loadUnaligned(fromByteOffset: offset * 4, as: SIMD8<Float>.self)
                let greater = candidate .> best
                best.replace(with: candidate, where: greater)
                index.replace(with: SIMD8<Int32>(repeating: Int32(truncatingIfNeeded: offset)) &+ lanes, where: greater)
            }
        }
        UnsafeMutableRawPointer(out + j).storeBytes(of: best, as: SIMD8<Float>.self)
        if let indices { UnsafeMutableRawPointer(indices + j).storeBytes(of: index, as: SIMD8<Int32>.self) }
        j += 8
    }
    while j < c {
        var best = image[firstPosition + j], index = firstPosition + j
        for row in 0..<rowCount {
            for column in 0..<columnCount {
                let offset = position(row, column) + j
                if image[offset] > best { best = image[offset]; index = offset }
            }
        }
        out[j] = best
        indices?[j] = Int32(truncatingIfNeeded: index)
        j += 1
    }
}

#endif
