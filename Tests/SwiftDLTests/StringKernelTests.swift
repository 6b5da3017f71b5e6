import XCTest

@testable import SwiftDL

/// The string and vocabulary kernels on their own: Fingerprint64 against values of the
/// reference python/swiftdl/_farmhash.py (which the Python tests check against TensorFlow),
/// SipHash-2-4 against the SipHash paper's test vectors, and the lookup tables and the row
/// bincount against a dictionary and a naive count.
final class StringKernelTests: XCTestCase {
    /// Packs `strings` end to end and runs `body` on the bytes and offsets.
    private func withPacked<R>(_ strings: [[UInt8]], _ body: (PackedStrings) -> R) -> R {
        let bytes: [UInt8] = strings.flatMap { $0 } + [0] // one spare byte: never an empty buffer
        var offsets: [Int64] = [0]
        for string in strings { offsets.append(offsets.last! + Int64(string.count)) }
        return bytes.withUnsafeBytes { raw in
            offsets.withUnsafeBufferPointer { offsetBuffer in
                body(PackedStrings(bytes: raw.baseAddress!, offsets: offsetBuffer.baseAddress!, count: strings.count))
            }
        }
    }

    func testFingerprint64MatchesTheReferenceInEveryLengthClass() {
        // Bytes (7i + 3) mod 256; values from _farmhash._fingerprint64_python.
        let expected: [(Int, UInt64)] = [
            (0, 11_160_318_154_034_397_263), (1, 13_745_158_429_558_087_051), (3, 4_662_423_180_930_907_492),
            (4, 17_566_270_577_251_613_586), (8, 907_454_142_650_066_470), (16, 9_140_634_717_936_656_744),
            (17, 14_506_534_093_795_057_959), (32, 11_907_377_154_618_496_232), (33, 14_001_582_926_318_596_329),
            (64, 389_040_666_157_116_578), (65, 8_638_051_931_306_504_420), (128, 7_379_187_116_787_024_497),
            (129, 10_961_879_714_037_014_659), (300, 16_122_021_424_968_347_411),
        ]
        let strings = expected.map { length, _ in (0..<length).map { UInt8((7 * $0 + 3) % 256) } }
        var output = [UInt64](repeating: 0, count: strings.count)
        withPacked(strings) { packed in
            fingerprint64Kernel(bytes: packed.bytes, offsets: packed.offsets, count: packed.count, output: &output)
        }
        XCTAssertEqual(output, expected.map { $0.1 })
    }

    func testSipHashMatchesThePaperVectors() {
        // Key 00 01 .. 0f, messages 00 01 .. (n - 1): the first vectors of the SipHash paper.
        let expected: [UInt64] = [0x726F_DB47_DD0E_0E31, 0x74F8_39C5_93DC_67FD]
        let strings = (0..<expected.count).map { n in (0..<n).map { UInt8($0) } }
        var output = [UInt64](repeating: 0, count: strings.count)
        withPacked(strings) { packed in
            sipHash64Kernel(
                bytes: packed.bytes, offsets: packed.offsets, count: packed.count, key0: 0x0706_0504_0302_0100,
                key1: 0x0F0E_0D0C_0B0A_0908, output: &output)
        }
        XCTAssertEqual(output, expected)
    }

    func testTablesFindExactlyTheirKeys() {
        let keys: [Int64] = (0..<500).map { $0 * 1_048_576 - 77 } // equal low bits
        var slots = [Int64](repeating: -1, count: 1024)
        XCTAssertNil(buildInt64Table(keys: keys, count: keys.count, slots: &slots, capacity: slots.count))
        let queries: [Int64] = keys.reversed() + [-1, 5, Int64.max, Int64.min]
        var found = [Int64](repeating: 7, count: queries.count)
        lookUpInt64Table(
            keys: keys, slots: slots, capacity: slots.count, queries: queries, count: queries.count, output: &found)
        let index = Dictionary(uniqueKeysWithValues: keys.enumerated().map { ($1, Int64($0)) })
        XCTAssertEqual(found, queries.map { index[$0] ?? -1 })

        let words: [[UInt8]] = ["", "a", "ab", "é", "a much longer word than sixteen bytes"].map { Array($0.utf8) }
        var stringSlots = [Int64](repeating: -1, count: 16)
        let asked: [[UInt8]] = words.reversed() + [Array("b".utf8), Array("a ".utf8)]
        var stringFound = [Int64](repeating: 7, count: asked.count)
        withPacked(words) { packedKeys in
            XCTAssertNil(buildStringTable(keys: packedKeys, slots: &stringSlots, capacity: 16))
            withPacked(asked) { packedQueries in
                lookUpStringTable(
                    keys: packedKeys, slots: stringSlots, capacity: 16, queries: packedQueries, output: &stringFound)
            }
        }
        XCTAssertEqual(stringFound, [4, 3, 2, 1, 0, -1, -1])
        var repeatedSlots = [Int64](repeating: -1, count: 8)
        XCTAssertEqual(buildInt64Table(keys: [3, 1, 3], count: 3, slots: &repeatedSlots, capacity: 8), 2)
    }

    func testRowBincountCountsInRangeValues() {
        let indices: [Int64] = [0, 2, 2, -1, 3, 9, 1, 1] // two rows of four; -1 and 9 lie outside depth 4
        var counts = [Int64](repeating: 0, count: 8)
        rowBincountKernel(indices: indices, rows: 2, width: 4, depth: 4, binary: false, counts: &counts)
        XCTAssertEqual(counts, [1, 0, 2, 0, 0, 2, 0, 1])
        counts = [Int64](repeating: 0, count: 8)
        rowBincountKernel(indices: indices, rows: 2, width: 4, depth: 4, binary: true, counts: &counts)
        XCTAssertEqual(counts, [1, 0, 1, 0, 0, 1, 0, 1])
    }
}
