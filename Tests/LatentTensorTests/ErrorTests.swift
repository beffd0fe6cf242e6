import LatentTensor
import Testing

/// Programmer errors stop the process with a message naming the operation and the shapes.
///
/// Each check runs its body in a child process (a Swift Testing exit test) and reads what the
/// failed precondition wrote to standard error.
@Suite("Errors")
struct ErrorTests {
    @Test func incompatibleBroadcastNamesBothShapes() async {
        let result = await #expect(processExitsWith: .failure, observing: [\.standardErrorContent])
        {
            _ = Tensor(zeros: [3, 4]) + Tensor(zeros: [3])
        }
        let message = String(decoding: result?.standardErrorContent ?? [], as: UTF8.self)
        #expect(
            message.contains("[3, 4]") && message.contains("[3]") && message.contains("broadcast"))
    }

    @Test func matmulInnerDimensionMismatchNamesBothShapes() async {
        let result = await #expect(processExitsWith: .failure, observing: [\.standardErrorContent])
        {
            _ = Tensor(zeros: [2, 3]).matmul(Tensor(zeros: [4, 5]))
        }
        let message = String(decoding: result?.standardErrorContent ?? [], as: UTF8.self)
        #expect(
            message.contains("matmul") && message.contains("[2, 3]") && message.contains("[4, 5]"))
    }

    @Test func axisOutOfRangeNamesTheOperation() async {
        let result = await #expect(processExitsWith: .failure, observing: [\.standardErrorContent])
        {
            _ = Tensor(zeros: [2, 3]).sum(alongAxis: 2)
        }
        let message = String(decoding: result?.standardErrorContent ?? [], as: UTF8.self)
        #expect(message.contains("sum") && message.contains("axis 2") && message.contains("[2, 3]"))
    }

    @Test func reshapeToTheWrongCountNamesBothShapes() async {
        let result = await #expect(processExitsWith: .failure, observing: [\.standardErrorContent])
        {
            _ = Tensor(zeros: [2, 3]).reshaped(to: [4])
        }
        let message = String(decoding: result?.standardErrorContent ?? [], as: UTF8.self)
        #expect(
            message.contains("reshaped") && message.contains("[2, 3]") && message.contains("[4]"))
    }
}
