#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// The stack of tapes entered on the calling thread (TensorFlow's tapes are per thread too).
/// Kept in a pthread key because the engine has no Foundation and Swift has no
/// thread-local variables of its own.
final class TapeStack {
    var tapes: [GradientTape] = []
    /// Above zero, no tape of this thread records (a custom gradient's forward function runs
    /// here, as TensorFlow's `custom_gradient` runs it under `stop_recording`).
    var pausedDepth = 0

    private static let key: pthread_key_t = {
        var key = pthread_key_t()
        pthread_key_create(&key) { raw in
            // Runs at thread exit: drop the thread's stack.
            if let raw { Unmanaged<TapeStack>.fromOpaque(raw).release() }
        }
        return key
    }()

    /// This thread's stack, created on first use.
    static var current: TapeStack {
        if let raw = pthread_getspecific(key) {
            return Unmanaged<TapeStack>.fromOpaque(raw).takeUnretainedValue()
        }
        let stack = TapeStack()
        pthread_setspecific(key, Unmanaged.passRetained(stack).toOpaque())
        return stack
    }

    /// This thread's stack if it has one; no allocation on the hot path of untaped ops.
    static var existing: TapeStack? {
        guard let raw = pthread_getspecific(key) else { return nil }
        return Unmanaged<TapeStack>.fromOpaque(raw).takeUnretainedValue()
    }
}
