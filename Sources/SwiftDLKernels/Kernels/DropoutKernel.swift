import SwiftDLAVX2

/// Whether float32 dropout may draw its words eight blocks at a time (AVX2).
package let dropoutUsesAVX2 = CPUFeatures.current.hasAVX2

/// float32 dropout over counter blocks `blocks` (a multiple of 8 of them): see
/// SwiftDLAVX2/DropoutPhilox.swift.
package func dropoutScaleFloat(
    _ source: UnsafePointer<Float>?, _ target: UnsafeMutablePointer<Float>, key: (UInt32, UInt32),
    firstCounter: UInt64, blocks: Range<Int>, threshold: UInt32, kept: Float
) {
    dropoutScaleAVX2(
        source, target, key: key, firstCounter: firstCounter, blocks: blocks, threshold: threshold, kept: kept)
}
