/// The process-wide switch between the fast default and exact, reproducible kernels
/// (TensorFlow's `tf.config.experimental.enable_op_determinism`).
///
/// By default convolutions may take Winograd's F(4×4, 3×3), and kernels cut their work into
/// one share per thread, so a sum's order (and its float rounding) depends on the thread
/// count. With the switch on:
/// - convolutions use exact algorithms only (im2col + GEMM, or the direct one-channel
///   kernels): a product of zeros is exactly zero, as in TensorFlow and Keras;
/// - every kernel that splits its work cuts it into shares as if the pool had
///   `OpDeterminism.partitions` threads, whatever its real size, and partial sums are added
///   in share order; so results are bit-identical for any thread count and from run to
///   run (on one machine, with one BLAS);
/// - the pool's workers take the calling thread's subnormal-flushing mode for each job, so
///   which thread runs a share cannot change its result.
///
/// NOTE: kernels read the switch once per call (into a plan or a share count) and keep that
/// value to the end of the call, so turning it over from another thread never mixes the two
/// modes' buffer layouts inside one call.
public enum OpDeterminism {
    nonisolated(unsafe) private static var enabled = false

    /// Whether exact, thread-count-independent kernels are in use.
    public static var isEnabled: Bool {
        get { enabled }
        set { enabled = newValue }
    }

    /// How many shares a kernel cuts its work into in this mode (at most; a small job takes
    /// fewer, by its size alone). Four keep the cores of a laptop busy; larger machines run
    /// deterministic work on four threads at most.
    public static let partitions = 4
}

extension ThreadPool {
    /// The thread count that kernels cut their work by: `threadCount`, or, when
    /// `OpDeterminism.isEnabled`, the fixed `OpDeterminism.partitions`, so that the shares
    /// (and the order of their partial sums) do not depend on how many threads run them.
    public var partitionCount: Int { OpDeterminism.isEnabled ? OpDeterminism.partitions : threadCount }
}
