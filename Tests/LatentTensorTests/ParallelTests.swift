import Dispatch
import LatentTensor
import Synchronization
import Testing

@Suite("Parallel")
struct ParallelTests {
    /// Every index is visited exactly once, whether the loop is split or not.
    @Test(arguments: [0, 1, 5, 1 << 10, 1 << 10 + 1, 1 << 16 + 7])
    func splittingCoversEveryIndexOnce(count: Int) {
        let visited = Mutex<[Int]>([])
        // Two threads even where the tests run with OMP_NUM_THREADS=1, so the loop splits.
        Parallel.withThreadCount(2) {
            Parallel.splitting(count, grain: 1 << 9) { range in
                visited.withLock { $0 += Array(range) }
            }
        }
        #expect(visited.withLock { $0.sorted() } == Array(0..<count))
    }

    /// Callers on several threads at once, and a split loop started inside another's range
    /// (the pool is busy then, and the inner loop runs on its caller): every caller gets its
    /// whole loop, and products computed meanwhile are right.
    @Test func concurrentAndNestedCallersEachGetTheirWholeLoop() {
        let callers = 6, count = 1 << 14, rounds = 20
        let totals = Mutex([Int](repeating: 0, count: callers))
        let nested = Atomic<Int>(0), wrongProducts = Atomic<Int>(0)
        DispatchQueue.concurrentPerform(iterations: callers) { caller in
            Parallel.withThreadCount(2) {
            for _ in 0..<rounds {
                Parallel.splitting(count, grain: 1 << 10) { range in
                    let sum = range.reduce(0, +)
                    totals.withLock { $0[caller] += sum }
                    if range.lowerBound == 0 {
                        Parallel.splitting(1 << 12, grain: 1 << 8) { inner in
                            nested.wrappingAdd(inner.count, ordering: .relaxed)
                        }
                    }
                }
                let a = Tensor(shape: [128, 128], repeating: 1)
                let product = a.matmul(Tensor(shape: [128, 96], repeating: 2))
                if !product.scalars.allSatisfy({ $0 == 256 }) { wrongProducts.wrappingAdd(1, ordering: .relaxed) }
            }
            }
        }
        let expected = count * (count - 1) / 2 * rounds
        #expect(totals.withLock { $0 } == [Int](repeating: expected, count: callers))
        #expect(wrongProducts.load(ordering: .relaxed) == 0)
        #expect(nested.load(ordering: .relaxed) == (1 << 12) * rounds * callers)
    }
}
