package io.wsboot.benchmarks.load;

/**
 * Where a timed run is: only {@link #MEASURE} is counted.
 *
 * @since 0.1.0
 */
enum Phase {

	WARMUP, MEASURE, DONE

}
