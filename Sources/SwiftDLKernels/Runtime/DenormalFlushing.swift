#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Runs `body` with subnormal floats flushed to zero on the calling thread (x86's FTZ and
/// DAZ bits), then restores the caller's floating-point environment.
///
/// NOTE: backpropagation through a long sequence shrinks gradients geometrically (each step
/// multiplies the cell gradient by a forget gate below 1), so float32 gradients drift into
/// the subnormal range, where x86 arithmetic runs ~100× slower: an LSTM backward pass at
/// length 200 went from ~60 ms to ~2 s. TensorFlow flushes subnormals on the CPU for the
/// same reason; values below 1.2e-38 contribute nothing a float32 weight update could see.
@inline(__always)
public func withSubnormalsFlushed<R>(_ body: () throws -> R) rethrows -> R {
    #if arch(x86_64) && canImport(Glibc)
    var saved = fenv_t()
    guard fegetenv(&saved) == 0 else { return try body() }
    var flushing = saved
    flushing.__mxcsr |= 0x8040 // FTZ (bit 15) | DAZ (bit 6)
    fesetenv(&flushing)
    defer { fesetenv(&saved) }
    return try body()
    #else
    return try body()
    #endif
}

/// The calling thread's subnormal-flushing bits (x86's FTZ and DAZ; 0 elsewhere).
@inline(__always)
package func subnormalFlushingMode() -> UInt32 {
    #if arch(x86_64) && canImport(Glibc)
    var environment = fenv_t()
    guard fegetenv(&environment) == 0 else { return 0 }
    return environment.__mxcsr & 0x8040
    #else
    return 0
    #endif
}

/// Runs `body` with the calling thread's subnormal flushing set as `mode` (a value of
/// `subnormalFlushingMode()`), then restores it: how a pool worker computes a share of a job
/// exactly as the thread that submitted it would (see `OpDeterminism`).
@inline(__always)
package func withSubnormalFlushingMode<R>(_ mode: UInt32, _ body: () throws -> R) rethrows -> R {
    #if arch(x86_64) && canImport(Glibc)
    var saved = fenv_t()
    guard fegetenv(&saved) == 0, saved.__mxcsr & 0x8040 != mode else { return try body() }
    var adopted = saved
    adopted.__mxcsr = (saved.__mxcsr & ~0x8040) | mode
    fesetenv(&adopted)
    defer { fesetenv(&saved) }
    return try body()
    #else
    return try body()
    #endif
}
