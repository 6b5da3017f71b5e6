import SwiftDLAVX2

/// Whether float32 dropout may draw its words eight blocks at a time (AVX2).
package let dropoutUsesAVX2 = CPUFeatures.current.hasAVX2

/// float32 dropout over counter blocks `blocks` (a multiple of 8 of them, from a multiple of
/// 8 when `keptBits` is given): see SwiftDLAVX2/DropoutPhilox.swift.
package func dropoutScaleFloat(
    _ source: UnsafePointer<Float>?, _ target: UnsafeMutablePointer<Float>, key: (UInt32, UInt32),
    firstCounter: UInt64, blocks: Range<Int>, threshold: UInt32, kept: Float, keptBits: UnsafeMutablePointer<UInt32>?
) {
    dropoutScaleAVX2(
        source, target, key: key, firstCounter: firstCounter, blocks: blocks, threshold: threshold, kept: kept,
        keptBits: keptBits)
}

/// float32 gradient of a recorded dropout over whole 32-element words of its marks: see
/// `dropoutKeptMultiplyAVX2`.
package func dropoutKeptMultiplyFloat(
    _ g: UnsafePointer<Float>, _ target: UnsafeMutablePointer<Float>, marks: UnsafePointer<UInt32>,
    words: Range<Int>, kept: Float
) {
    dropoutKeptMultiplyAVX2(g, target, marks: marks, words: words, kept: kept)
}
