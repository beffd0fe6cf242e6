import CDNNL
import Synchronization

/// Which code computes convolutions.
public enum ConvolutionImplementation: String, Sendable, CaseIterable {
    /// The default, pass by pass: oneDNN's primitives for the forward and backward-filter
    /// passes wherever the convolution has at least 16 output channels, and for the
    /// backward-data pass where it also has at least 8 input channels; im2col + GEMM elsewhere.
    /// oneDNN's direct kernels work on blocks of 16 channels. With one input channel (an
    /// image's first layer, or the last layer of a transposed stack) its forward and
    /// backward-filter kernels ran within 1.5× of the split im2col either way, and about twice
    /// as fast with three, but its backward-data kernel ran 5–11× slower on one channel and
    /// 1.4–1.6× on three; at 8 input channels it was faster in all three passes
    /// (docs/engine.md).
    case automatic
    /// oneDNN's convolution primitives (forward, backward-data, backward-weights) in the layouts
    /// oneDNN picks, one call per pass, parallel over the batch.
    case primitives
    /// im2col + the engine's GEMM, the batch split over the cores; also the fallback where a
    /// primitive is missing.
    case im2col

    @TaskLocal static var current = ConvolutionImplementation.automatic

    /// The pass-by-pass choice of ``automatic``.
    static func automaticUsesPrimitives(_ g: ConvolutionGeometry, _ pass: ConvolutionPrimitives.Pass) -> Bool {
        switch pass {
        case .forward, .backwardFilter: g.outputChannels >= 16
        case .backwardData: g.outputChannels >= 16 && g.inputChannels >= 8
        }
    }

    /// The implementation in use here.
    public static var inUse: ConvolutionImplementation { current }

    /// oneDNN's names for the implementations it picks for the three passes of a convolution
    /// of `input` `[batch, channels, height, width]` with `filter`
    /// `[outputChannels, inputChannels, kernelHeight, kernelWidth]`; `nil` for a pass oneDNN
    /// has no primitive for (im2col + GEMM computes it).
    public static func primitiveNames(
        input: [Int], filter: [Int], stride: Int, padding: Int
    ) -> (forward: String?, backwardData: String?, backwardFilter: String?) {
        let g = Tensor.geometry(
            operation: "primitiveNames", input: input, filter: filter, stride: stride,
            padding: padding)
        return (
            ConvolutionPrimitives.implementationName(g, .forward(bias: false)),
            ConvolutionPrimitives.implementationName(g, .backwardData),
            ConvolutionPrimitives.implementationName(g, .backwardFilter)
        )
    }

    /// Runs `body` with convolutions computed by `implementation` (tests and benchmarks).
    public static func with<R>(_ implementation: ConvolutionImplementation, _ body: () throws -> R) rethrows -> R {
        try $current.withValue(implementation, operation: body)
    }
}

/// oneDNN convolution primitives, created once per geometry and pass and kept in a
/// process-wide cache. oneDNN chooses the memory layouts (blocked, e.g. `nChw16c`, where its
/// direct AVX-512 kernels want them); arguments in another layout than the tensors' plain
/// NCHW / OIHW go through reorder primitives and scratch memory. Primitives are immutable and
/// safe to execute from several threads; each execution uses its own stream.
enum ConvolutionPrimitives {
    enum Pass: Hashable, Sendable {
        case forward(bias: Bool)
        case backwardData
        case backwardFilter
    }

    private struct Key: Hashable, Sendable {
        let geometry: ConvolutionGeometry
        let pass: Pass
    }

    /// One argument of a primitive: the tensor's plain layout, the primitive's layout, and the
    /// reorder between them when they differ (plain → primitive for inputs, back for outputs).
    private struct Argument {
        let id: Int32
        var plain: dnnl_memory_desc_t
        var blockedLayout: dnnl_memory_desc_t
        let reorder: dnnl_primitive_t?
        let isOutput: Bool
    }

    /// A created primitive with its arguments.
    private final class Primitive: @unchecked Sendable {
        let primitive: dnnl_primitive_t
        let arguments: [Argument]
        let name: String

        init(primitive: dnnl_primitive_t, arguments: [Argument], name: String) {
            self.primitive = primitive
            self.arguments = arguments
            self.name = name
        }

        deinit {
            dnnl_primitive_destroy(primitive)
            for argument in arguments { if let reorder = argument.reorder { dnnl_primitive_destroy(reorder) } }
        }
    }

    private static let engine: UncheckedSendable<dnnl_engine_t?> = {
        var engine: dnnl_engine_t?
        guard dnnl_engine_create(&engine, dnnl_cpu, 0) == dnnl_success else {
            return UncheckedSendable(nil)
        }
        return UncheckedSendable(engine)
    }()

    /// `nil` entries remember geometries oneDNN has no primitive for.
    private static let cache = Mutex<[Key: Primitive?]>([:])

    /// Held while a pass runs. Each pass already spreads over every core through OpenMP;
    /// passes started together from several threads (parallel tests) would each start their
    /// own OpenMP team, oversubscribe the cores and spin in barriers, 10–20× slower.
    private static let running = Mutex<Void>(())

    /// oneDNN's name for the implementation it picked for a pass (`nil` when there is none).
    static func implementationName(_ geometry: ConvolutionGeometry, _ pass: Pass) -> String? {
        primitive(Key(geometry: geometry, pass: pass))?.name
    }

    /// Runs one pass on raw pointers to plain-layout tensors; arguments are keyed by
    /// `DNNL_ARG_*`. Returns `false`, having done nothing, where oneDNN has no primitive for the
    /// geometry.
    static func execute(
        _ geometry: ConvolutionGeometry, _ pass: Pass,
        arguments pointers: [(Int32, UnsafeMutableRawPointer)]
    ) -> Bool {
        guard let engine = engine.value, let primitive = primitive(Key(geometry: geometry, pass: pass))
        else { return false }
        return running.withLock { _ in
            run(primitive, engine: engine, pass: pass, pointers: pointers)
        }
    }

    private static func run(
        _ primitive: Primitive, engine: dnnl_engine_t, pass: Pass,
        pointers: [(Int32, UnsafeMutableRawPointer)]
    ) -> Bool {
        var stream: dnnl_stream_t?
        guard dnnl_stream_create(&stream, engine, UInt32(dnnl_stream_default_flags.rawValue))
            == dnnl_success
        else { return false }
        defer { dnnl_stream_destroy(stream) }
        var memories: [dnnl_memory_t?] = []
        var scratch: [UnsafeMutableRawPointer] = []
        defer {
            for memory in memories { dnnl_memory_destroy(memory) }
            for buffer in scratch { buffer.deallocate() }
        }
        func memory(_ descriptor: dnnl_memory_desc_t, _ pointer: UnsafeMutableRawPointer) -> dnnl_memory_t? {
            var descriptor = descriptor
            var memory: dnnl_memory_t?
            let status = dnnl_memory_create(&memory, &descriptor, engine, pointer)
            precondition(status == dnnl_success, "oneDNN memory creation failed with status \(status.rawValue)")
            memories.append(memory)
            return memory
        }
        func check(_ status: dnnl_status_t) {
            precondition(status == dnnl_success, "oneDNN convolution \(pass) failed with status \(status.rawValue)")
        }
        var execution: [dnnl_exec_arg_t] = []
        var pendingOutputs: [(reorder: dnnl_primitive_t, from: dnnl_memory_t?, to: dnnl_memory_t?)] = []
        for argument in primitive.arguments {
            guard let pointer = pointers.first(where: { $0.0 == argument.id })?.1 else { return false }
            let user = memory(argument.plain, pointer)
            guard let reorder = argument.reorder else {
                execution.append(dnnl_exec_arg_t(arg: argument.id, memory: user))
                continue
            }
            var internalDescriptor = argument.blockedLayout
            let buffer = UnsafeMutableRawPointer.allocate(
                byteCount: max(dnnl_memory_desc_get_size(&internalDescriptor), 64), alignment: 64)
            scratch.append(buffer)
            let blocked = memory(argument.blockedLayout, buffer)
            execution.append(dnnl_exec_arg_t(arg: argument.id, memory: blocked))
            if argument.isOutput {
                pendingOutputs.append((reorder, blocked, user))
            } else {
                let reorderArguments = [
                    dnnl_exec_arg_t(arg: DNNL_ARG_SRC_0, memory: user),
                    dnnl_exec_arg_t(arg: DNNL_ARG_DST_0, memory: blocked),
                ]
                check(dnnl_primitive_execute(reorder, stream, 2, reorderArguments))
            }
        }
        check(dnnl_primitive_execute(primitive.primitive, stream, Int32(execution.count), execution))
        for output in pendingOutputs {
            let reorderArguments = [
                dnnl_exec_arg_t(arg: DNNL_ARG_SRC_0, memory: output.from),
                dnnl_exec_arg_t(arg: DNNL_ARG_DST_0, memory: output.to),
            ]
            check(dnnl_primitive_execute(output.reorder, stream, 2, reorderArguments))
        }
        check(dnnl_stream_wait(stream))
        return true
    }

    // MARK: - Creation

    private static func primitive(_ key: Key) -> Primitive? {
        if let cached = cache.withLock({ $0[key] }) { return cached }
        let created = create(key)
        cache.withLock { $0[key] = created }
        return created
    }

    private static func descriptor(_ dims: [Int], _ tag: dnnl_format_tag_t) -> dnnl_memory_desc_t {
        var result = dnnl_memory_desc_t()
        _ = dnnl_memory_desc_init_by_tag(&result, Int32(dims.count), dims.map(Int64.init), dnnl_f32, tag)
        return result
    }

    private static func create(_ key: Key) -> Primitive? {
        guard let engine = engine.value else { return nil }
        let g = key.geometry
        let plainSource = descriptor(g.inputShape, dnnl_nchw)
        let plainWeights = descriptor(g.filterShape, dnnl_oihw)
        let plainDestination = descriptor(g.outputShape, dnnl_nchw)
        var source = descriptor(g.inputShape, dnnl_format_tag_any)
        var weights = descriptor(g.filterShape, dnnl_format_tag_any)
        var destination = descriptor(g.outputShape, dnnl_format_tag_any)
        var bias = descriptor([g.outputChannels], dnnl_a)
        let strides: [Int64] = [Int64(g.stride), Int64(g.stride)]
        let padding: [Int64] = [Int64(g.padding), Int64(g.padding)]

        var forward = dnnl_convolution_desc_t()
        let hasBias = key.pass == .forward(bias: true)
        let initialized = withUnsafePointer(to: &bias) { biasPointer in
            dnnl_convolution_forward_desc_init(
                &forward, dnnl_forward_training, dnnl_convolution_direct, &source, &weights,
                hasBias ? biasPointer : nil, &destination, strides, padding, padding)
        }
        guard initialized == dnnl_success else { return nil }
        var forwardDescriptor: dnnl_primitive_desc_t?
        guard dnnl_primitive_desc_create(&forwardDescriptor, &forward, nil, engine, nil)
            == dnnl_success
        else { return nil }
        defer { dnnl_primitive_desc_destroy(forwardDescriptor) }

        var chosen: dnnl_primitive_desc_t?
        // (argument, plain layout, query for the primitive's layout, is an output)
        var roles: [(Int32, dnnl_memory_desc_t, dnnl_query_t, Bool)]
        switch key.pass {
        case .forward:
            guard dnnl_primitive_desc_clone(&chosen, forwardDescriptor) == dnnl_success else { return nil }
            roles = [
                (DNNL_ARG_SRC_0, plainSource, dnnl_query_src_md, false),
                (DNNL_ARG_WEIGHTS_0, plainWeights, dnnl_query_weights_md, false),
                (DNNL_ARG_DST_0, plainDestination, dnnl_query_dst_md, true),
            ]
            if hasBias { roles.append((DNNL_ARG_BIAS, bias, dnnl_query_weights_md, false)) }
        case .backwardData:
            var backward = dnnl_convolution_desc_t()
            guard dnnl_convolution_backward_data_desc_init(
                    &backward, dnnl_convolution_direct, &source, &weights, &destination, strides,
                    padding, padding) == dnnl_success,
                dnnl_primitive_desc_create(&chosen, &backward, nil, engine, forwardDescriptor)
                    == dnnl_success
            else { return nil }
            roles = [
                (DNNL_ARG_DIFF_DST_0, plainDestination, dnnl_query_diff_dst_md, false),
                (DNNL_ARG_WEIGHTS_0, plainWeights, dnnl_query_weights_md, false),
                (DNNL_ARG_DIFF_SRC_0, plainSource, dnnl_query_diff_src_md, true),
            ]
        case .backwardFilter:
            var backward = dnnl_convolution_desc_t()
            guard dnnl_convolution_backward_weights_desc_init(
                    &backward, dnnl_convolution_direct, &source, &weights, nil, &destination,
                    strides, padding, padding) == dnnl_success,
                dnnl_primitive_desc_create(&chosen, &backward, nil, engine, forwardDescriptor)
                    == dnnl_success
            else { return nil }
            roles = [
                (DNNL_ARG_SRC_0, plainSource, dnnl_query_src_md, false),
                (DNNL_ARG_DIFF_DST_0, plainDestination, dnnl_query_diff_dst_md, false),
                (DNNL_ARG_DIFF_WEIGHTS_0, plainWeights, dnnl_query_diff_weights_md, true),
            ]
        }
        defer { dnnl_primitive_desc_destroy(chosen) }
        var arguments: [Argument] = []
        for (id, plain, query, isOutput) in roles {
            var plain = plain
            // The bias is always plain; its query index would be 1 of the weights.
            guard id != DNNL_ARG_BIAS, let queried = dnnl_primitive_desc_query_md(chosen, query, 0) else {
                arguments.append(Argument(id: id, plain: plain, blockedLayout: plain, reorder: nil, isOutput: isOutput))
                continue
            }
            var blockedLayout = queried.pointee
            var reorder: dnnl_primitive_t?
            if dnnl_memory_desc_equal(&plain, &blockedLayout) == 0 {
                var reorderDescriptor: dnnl_primitive_desc_t?
                let created = isOutput
                    ? dnnl_reorder_primitive_desc_create(&reorderDescriptor, &blockedLayout, engine, &plain, engine, nil)
                    : dnnl_reorder_primitive_desc_create(&reorderDescriptor, &plain, engine, &blockedLayout, engine, nil)
                guard created == dnnl_success else { return nil }
                defer { dnnl_primitive_desc_destroy(reorderDescriptor) }
                guard dnnl_primitive_create(&reorder, reorderDescriptor) == dnnl_success else { return nil }
            }
            arguments.append(Argument(id: id, plain: plain, blockedLayout: blockedLayout, reorder: reorder, isOutput: isOutput))
        }
        var name: UnsafePointer<CChar>?
        _ = dnnl_primitive_desc_query(chosen, dnnl_query_impl_info_str, 0, &name)
        var primitive: dnnl_primitive_t?
        guard dnnl_primitive_create(&primitive, chosen) == dnnl_success, let primitive else {
            return nil
        }
        let layouts = arguments.filter { $0.reorder != nil }.count
        return Primitive(
            primitive: primitive, arguments: arguments,
            name: (name.map { String(cString: $0) } ?? "oneDNN") + (layouts > 0 ? " +\(layouts) reorders" : ""))
    }
}
