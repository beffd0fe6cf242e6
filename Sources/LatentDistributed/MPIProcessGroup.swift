import Foundation

#if canImport(Glibc)
    import Glibc
#endif

/// The processes `mpirun` started, through OpenMPI's library, loaded when a job starts.
///
/// Latent does not link MPI: a process that `mpirun` started (it finds `OMPI_COMM_WORLD_SIZE`
/// in its environment) loads `libmpi.so.40` (Debian's `libopenmpi3`, installed with
/// `openmpi-bin`) and calls `MPI_Init`; any other process never touches it. Sums are
/// `MPI_Allreduce` in place, which gives every rank the same bits.
///
/// One group exists per process (MPI starts once): ``world`` creates it on first use and
/// ``finish()`` ends it before the process exits; ``abort(code:)`` stops every rank after an
/// error, so no rank is left waiting in a collective for one that has stopped.
public final class MPIProcessGroup: ProcessGroup, @unchecked Sendable {
    public let rank: Int
    public let size: Int
    private let library: Library

    /// The world of the job this process belongs to: the MPI group when `mpirun` started more
    /// than one process, else a ``SingleProcessGroup`` (MPI is not loaded).
    ///
    /// - Throws: ``DistributedError`` when `mpirun` started the process but OpenMPI's library
    ///   cannot be loaded or initialised.
    public static func world() throws -> any ProcessGroup {
        try worldLock.withLock {
            if let started = startedWorld { return started }
            let environment = ProcessInfo.processInfo.environment
            // Another launcher's processes would each train alone, all into one run folder.
            if environment["OMPI_COMM_WORLD_SIZE"] == nil {
                for variable in ["PMI_SIZE", "SLURM_STEP_NUM_TASKS"] {
                    if let count = environment[variable].flatMap({ Int($0) }), count > 1 {
                        throw DistributedError(
                            "this is one of \(count) processes (\(variable)=\(count)) that a launcher other than "
                                + "OpenMPI's mpirun started; Latent's data-parallel training starts under mpirun "
                                + "(inside a Slurm allocation too), and a single process needs \(variable) unset or 1")
                    }
                }
            }
            guard let sizeText = environment["OMPI_COMM_WORLD_SIZE"], let size = Int(sizeText), size > 1 else {
                let single = SingleProcessGroup()
                startedWorld = single
                return single
            }
            let group = try MPIProcessGroup(library: Library.load(expectedSize: size))
            guard group.size == size else {
                throw DistributedError("mpirun said \(size) processes (OMPI_COMM_WORLD_SIZE) but MPI_Comm_size "
                    + "says \(group.size): was this process started by another MPI's mpirun?")
            }
            startedWorld = group
            return group
        }
    }

    /// Ends MPI if this process started it (`MPI_Finalize`); call once, before exiting.
    public static func finish() {
        worldLock.withLock {
            (startedWorld as? MPIProcessGroup)?.library.finalize()
            startedWorld = nil
        }
    }

    nonisolated(unsafe) private static var startedWorld: (any ProcessGroup)?
    private static let worldLock = NSLock()

    private init(library: Library) throws {
        self.library = library
        var rank: Int32 = 0, size: Int32 = 0
        try library.check(library.commRank(library.world, &rank), "MPI_Comm_rank")
        try library.check(library.commSize(library.world, &size), "MPI_Comm_size")
        self.rank = Int(rank)
        self.size = Int(size)
    }

    public func allReduceSum(_ values: UnsafeMutableBufferPointer<Float>) {
        allReduce(UnsafeMutableRawPointer(values.baseAddress), count: values.count, type: library.float)
    }

    public func allReduceSum(_ values: UnsafeMutableBufferPointer<Double>) {
        allReduce(UnsafeMutableRawPointer(values.baseAddress), count: values.count, type: library.double)
    }

    public func broadcast(_ values: UnsafeMutableBufferPointer<Float>, from root: Int) {
        var offset = 0
        while offset < values.count {
            let count = min(values.count - offset, Self.chunk)
            let code = library.broadcast(values.baseAddress! + offset, Int32(count), library.float, Int32(root), library.world)
            guard code == 0 else { abort(message: "MPI_Bcast failed with code \(code)") }
            offset += count
        }
    }

    public func broadcast(_ bytes: UnsafeMutableRawBufferPointer, from root: Int) {
        guard let base = bytes.baseAddress else { return }
        var offset = 0
        while offset < bytes.count {
            let count = min(bytes.count - offset, Self.chunk)
            let code = library.broadcast(base + offset, Int32(count), library.byte, Int32(root), library.world)
            guard code == 0 else { abort(message: "MPI_Bcast failed with code \(code)") }
            offset += count
        }
    }

    /// Prints `message` (naming this rank) on standard error and stops every process of the
    /// job with `code` (`MPI_Abort`).
    public func abort(message: String, code: Int32 = 1) -> Never {
        FileHandle.standardError.write(Data("rank \(rank) of \(size): \(message)\n".utf8))
        _ = library.abort(library.world, code)
        exit(code)
    }

    /// MPI counts are 32-bit: larger buffers go in parts of this many values.
    private static let chunk = 1 << 30

    private func allReduce(_ base: UnsafeMutableRawPointer?, count: Int, type: OpaquePointer) {
        guard let base, count > 0 else { return }
        let width = type == library.double ? 8 : 4
        var offset = 0
        while offset < count {
            let part = min(count - offset, Self.chunk)
            let code = library.allReduce(
                Library.inPlace, base + offset * width, Int32(part), type, library.sum, library.world)
            guard code == 0 else { abort(message: "MPI_Allreduce failed with code \(code)") }
            offset += part
        }
    }
}

/// OpenMPI's entry points and predefined handles, found by name in `libmpi.so.40`.
///
/// OpenMPI's handles (`MPI_COMM_WORLD`, `MPI_FLOAT`, `MPI_SUM`) are the addresses of exported
/// objects (`ompi_mpi_comm_world` …), and `MPI_IN_PLACE` is the address 1.
private struct Library: @unchecked Sendable {
    typealias Initialize = @convention(c) (
        UnsafeMutableRawPointer?, UnsafeMutableRawPointer?, Int32, UnsafeMutablePointer<Int32>
    ) -> Int32
    typealias CommQuery = @convention(c) (OpaquePointer, UnsafeMutablePointer<Int32>) -> Int32
    typealias AllReduce = @convention(c) (
        UnsafeRawPointer?, UnsafeMutableRawPointer?, Int32, OpaquePointer, OpaquePointer, OpaquePointer
    ) -> Int32
    typealias Broadcast = @convention(c) (UnsafeMutableRawPointer?, Int32, OpaquePointer, Int32, OpaquePointer) -> Int32
    typealias Abort = @convention(c) (OpaquePointer, Int32) -> Int32
    typealias Finalize = @convention(c) () -> Int32

    static var inPlace: UnsafeRawPointer? { UnsafeRawPointer(bitPattern: 1) }

    let commRank: CommQuery
    let commSize: CommQuery
    let allReduce: AllReduce
    let broadcast: Broadcast
    let abort: Abort
    let finalizeCall: Finalize
    let world: OpaquePointer
    let float: OpaquePointer
    let double: OpaquePointer
    let byte: OpaquePointer
    let sum: OpaquePointer

    static let names = ["libmpi.so.40", "libmpi.so"]

    /// Loads the library and initialises MPI.
    static func load(expectedSize: Int) throws -> Library {
        // RTLD_GLOBAL: OpenMPI's own plug-ins, which it loads in turn, look up its symbols.
        var reasons: [String] = []
        var handle: UnsafeMutableRawPointer?
        for name in names {
            handle = dlopen(name, RTLD_NOW | RTLD_GLOBAL)
            if handle != nil { break }
            reasons.append(dlerror().map { String(cString: $0) } ?? name)
        }
        guard let handle else {
            throw DistributedError(
                "mpirun started this process (OMPI_COMM_WORLD_SIZE=\(expectedSize)) but OpenMPI's library cannot "
                    + "be loaded (\(reasons.first ?? "libmpi.so.40")); install it with apt-get install openmpi-bin")
        }
        func symbol(_ name: String) throws -> UnsafeMutableRawPointer {
            guard let address = dlsym(handle, name) else {
                throw DistributedError("the MPI library has no \(name): Latent's data-parallel training needs OpenMPI")
            }
            return address
        }
        func function<F>(_ name: String, as type: F.Type) throws -> F {
            unsafeBitCast(try symbol(name), to: type)
        }
        let library = Library(
            commRank: try function("MPI_Comm_rank", as: CommQuery.self),
            commSize: try function("MPI_Comm_size", as: CommQuery.self),
            allReduce: try function("MPI_Allreduce", as: AllReduce.self),
            broadcast: try function("MPI_Bcast", as: Broadcast.self),
            abort: try function("MPI_Abort", as: Abort.self),
            finalizeCall: try function("MPI_Finalize", as: Finalize.self),
            world: OpaquePointer(try symbol("ompi_mpi_comm_world")),
            float: OpaquePointer(try symbol("ompi_mpi_float")),
            double: OpaquePointer(try symbol("ompi_mpi_double")),
            byte: OpaquePointer(try symbol("ompi_mpi_byte")),
            sum: OpaquePointer(try symbol("ompi_mpi_op_sum")))
        // MPI_THREAD_FUNNELED (1): the engine's worker threads never call MPI, only the thread
        // that started it.
        let initialize = try function("MPI_Init_thread", as: Initialize.self)
        var provided: Int32 = 0
        try library.check(initialize(nil, nil, 1, &provided), "MPI_Init_thread")
        return library
    }

    func check(_ code: Int32, _ call: String) throws {
        guard code == 0 else { throw DistributedError("\(call) failed with MPI error code \(code)") }
    }

    func finalize() { _ = finalizeCall() }
}

/// A data-parallel job that cannot start or go on, said in one line.
public struct DistributedError: Error, CustomStringConvertible, Sendable {
    public let description: String
    public init(_ description: String) { self.description = description }
}
