import ArgumentParser

extension TrainCommand {
    /// Refuses negative intervals and an empty test set.
    func validateCounts() throws {
        if let checkpointEvery, checkpointEvery < 0 {
            throw ValidationError("--checkpoint-every must not be negative (0: no extra checkpoints).")
        }
        if let sampleEvery, sampleEvery < 0 {
            throw ValidationError("--sample-every must not be negative (0: pictures only at the end).")
        }
        if let testLimit, testLimit <= 0 { throw ValidationError("--test-limit must be positive.") }
    }
}
