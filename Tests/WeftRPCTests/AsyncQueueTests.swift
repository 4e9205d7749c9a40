import Testing
import WeftRPC

/// The queue a served call's requests pass through: what is there is taken at once, a waiting
/// consumer gets the next push or the end, and a cancelled one gets nil.
@Suite struct AsyncQueueTests {
    @Test func buffersInOrderThenEndsAfterFinish() async {
        let queue = AsyncQueue<Int>()
        queue.push(1)
        queue.push(2)
        queue.finish()
        queue.push(3)  // after the end: dropped
        #expect(await queue.pop() == 1)
        #expect(await queue.pop() == 2)
        #expect(await queue.pop() == nil)
        #expect(await queue.pop() == nil)
    }

    @Test func aWaitingConsumerGetsTheNextPushThenTheEnd() async {
        let queue = AsyncQueue<Int>()
        async let first = queue.pop()
        // However the consumer and this task interleave, it gets 7: from the buffer if it came
        // late, handed over if it waited.
        queue.push(7)
        #expect(await first == 7)
        async let second = queue.pop()
        queue.finish()
        #expect(await second == nil)
    }

    @Test func aCancelledWaitingConsumerGetsNil() async {
        let queue = AsyncQueue<Int>()
        let consumer = Task { await queue.pop() }
        consumer.cancel()
        #expect(await consumer.value == nil)
        // The queue still works for the next consumer.
        queue.push(5)
        #expect(await queue.pop() == 5)
    }
}
