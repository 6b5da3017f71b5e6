import XCTest

@testable import SwiftDL

/// Large buffers are recycled through BufferCache's arena: freed pages serve the next request
/// of any size, zeroed storage is really zero after reuse, and the free memory held stays
/// within its bound.
final class BufferCacheTests: XCTestCase {
    func testFreedLargeBlockIsReusedForTheSameSize() throws {
        BufferCache.clear() // no resident free pages elsewhere that could serve the request
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
        XCTAssertNil(BufferCache.mappedSize(Int.max)) // left to malloc, which refuses it
        XCTAssertThrowsError(try Storage(byteCount: Int.max))
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

    func testFreedPagesServeRequestsOfOtherSizesAndCoalesce() throws {
        BufferCache.clear()
        defer { BufferCache.clear() }
        let mib = 1 << 20
        var block: Storage? = try Storage(byteCount: 8 * mib)
        let address = block!.base
        block = nil
        XCTAssertEqual(BufferCache.heldBytes, 8 * mib)
        // Two smaller requests split the freed block rather than faulting in fresh pages.
        var head: Storage? = try Storage(byteCount: 3 * mib)
        var tail: Storage? = try Storage(byteCount: 5 * mib)
        XCTAssertEqual(head!.base, address)
        XCTAssertEqual(tail!.base, address + 3 * mib)
        XCTAssertEqual(BufferCache.heldBytes, 0)
        // Freed neighbours coalesce: the whole block serves a request of its size again.
        head = nil
        tail = nil
        XCTAssertEqual(BufferCache.heldBytes, 8 * mib)
        XCTAssertEqual(try Storage(byteCount: 8 * mib).base, address)
        // A larger request reuses the freed pages and only adds what they lack.
        let larger = try Storage(byteCount: 12 * mib)
        XCTAssertEqual(larger.base, address)
        XCTAssertEqual(BufferCache.heldBytes, 0)
    }
}
