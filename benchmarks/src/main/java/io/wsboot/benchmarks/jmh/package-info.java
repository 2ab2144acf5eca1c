/**
 * JMH benchmarks of the per-message path and the handshake path, run with
 * {@code -prof gc} for the bytes allocated per operation.
 */
@NullMarked
package io.wsboot.benchmarks.jmh;

import org.jspecify.annotations.NullMarked;
