/**
 * Benchmarks of wsboot: see {@code benchmarks/run} and {@code docs/performance.md}.
 */
@NullMarked
package io.wsboot.benchmarks;

import org.jspecify.annotations.NullMarked;
