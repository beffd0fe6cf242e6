# The two commands of the README. Each installs what is missing first (scripts/setup.sh).
.PHONY: run test bench

# Train the default model on the shipped MNIST; writes a run folder under runs/.
run:
	bash scripts/run.sh

# Build and run the whole test suite.
test:
	bash scripts/test.sh

# Speed benchmarks (release build for this CPU, see scripts/target-cpu.sh).
bench:
	bash scripts/bench.sh
