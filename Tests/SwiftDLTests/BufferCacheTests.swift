import XCTest

@testable import SwiftDL

/// Large buffers are recycled through BufferCache: the same block comes back for the same
/// size, zeroed storage is really zero after reuse, and the cache stays within its bound.
final class BufferCacheTests: XCTestCase {
    func testFreedLargeBlockIsReusedForTheSameSize() throws {
        let bytes = 1 << 20
        var first: Storage? = try Storage(byteCount: bytes)
        let address = first!.base
        first!.base.storeBytes(of: 0x7F, as: UInt8.self)
        first = nil
        let second = try Storage(byteCount: bytes, zeroed: true)
        XCTAssertEqual(second.base, address)
        let bytesView = second.base.assumingMemoryBound(to: UInt8.self)
        XCTAssertTrue((0..<bytes).allSatisfy { bytesView[$0] == 0 })
    }

    func testSmallBuffersBypassTheCacheAndLargeOnesAreAligned() throws {
        XCTAssertNil(BufferCache.mappedSize(1000))
        XCTAssertEqual(BufferCache.mappedSize(BufferCache.minimumBytes + 1), BufferCache.minimumBytes + 4096)
        let storage = try Storage(byteCount: 3 << 20)
        XCTAssertEqual(Int(bitPattern: storage.base) % Storage.alignment, 0)
    }

    func testCacheNeverHoldsMoreThanItsCapacity() throws {
        BufferCache.clear()
        var many: [Storage] = []
        for _ in 0..<(BufferCache.capacityBytes / (16 << 20) + 3) { many.append(try Storage(byteCount: 16 << 20)) }
        many.removeAll()
        XCTAssertLessThanOrEqual(BufferCache.heldBytes, BufferCache.capacityBytes)
        _ = try Storage(byteCount: BufferCache.capacityBytes / 2 + 4096) // a miss of a new size evicts the oldest
        XCTAssertLessThanOrEqual(BufferCache.heldBytes, BufferCache.capacityBytes)
        BufferCache.clear()
        XCTAssertEqual(BufferCache.heldBytes, 0)
    }

    func testAMissEvictsOnlyTheOldestBlocksItNeedsRoomFor() throws {
        BufferCache.clear()
        defer { BufferCache.clear() }
        let size = 16 << 20, count = BufferCache.capacityBytes / size
        var blocks: [Storage] = []
        for _ in 0..<count { blocks.append(try Storage(byteCount: size)) }
        let newest = blocks.last!.base
        blocks.removeAll() // given back oldest first: the cache is now full
        XCTAssertEqual(BufferCache.heldBytes, count * size)
        let other = try Storage(byteCount: size + 4096) // a new size: room for one more block
        XCTAssertLessThanOrEqual(BufferCache.heldBytes + size + 4096, BufferCache.capacityBytes)
        XCTAssertGreaterThanOrEqual(BufferCache.heldBytes, (count - 2) * size)
        _ = other
        // The most recently given block is still cached and comes back first.
        XCTAssertEqual(try Storage(byteCount: size).base, newest)
    }
}
