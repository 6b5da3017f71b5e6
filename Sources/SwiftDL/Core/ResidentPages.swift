#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Which pages of the buffer arena (BufferCache) hold memory the system has already given
/// us, one bit per page. A page is resident from the moment a block that covers it is handed
/// out (its owner writes it) until the arena gives it back (`madvise`). The arena reads it to
/// place a block where it faults in the fewest fresh pages: on this kind of machine the
/// first touch of a page costs far more than anything else an allocation does.
struct ResidentPages {
    private let words: UnsafeMutablePointer<UInt64>

    /// A map for `pageCount` pages, all absent; nil when the system has no memory for it.
    /// (Mapped, not malloc'd: its untouched parts, most of it, cost nothing.)
    init?(pageCount: Int) {
        let bytes = (pageCount + 63) / 64 * 8
        guard let map = mmap(nil, bytes, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0),
            Int(bitPattern: map) != -1
        else { return nil }
        words = map.bindMemory(to: UInt64.self, capacity: bytes / 8)
    }

    /// How many of the pages `first..<first + count` are resident.
    func count(from first: Int, _ count: Int) -> Int {
        var total = 0
        forEachWord(from: first, count) { word, mask in total += (words[word] & mask).nonzeroBitCount }
        return total
    }

    /// Marks the pages `first..<first + count` resident (`true`) or given back (`false`).
    func set(from first: Int, _ count: Int, resident: Bool) {
        forEachWord(from: first, count) { word, mask in
            if resident { words[word] |= mask } else { words[word] &= ~mask }
        }
    }

    /// Calls `body(word, mask)` for each word the page range touches, with the range's bits.
    private func forEachWord(from first: Int, _ count: Int, _ body: (Int, UInt64) -> Void) {
        var page = first
        let end = first + count
        while page < end {
            let bit = page & 63, take = min(64 - bit, end - page)
            let mask = take == 64 ? UInt64.max : ((UInt64(1) << UInt64(take)) - 1) << UInt64(bit)
            body(page >> 6, mask)
            page += take
        }
    }
}
