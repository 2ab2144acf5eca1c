/**
 * The report of a benchmark run: medians over rounds, ratios to bare Reactor Netty and
 * the targets.
 */
@NullMarked
package io.wsboot.benchmarks.report;

import org.jspecify.annotations.NullMarked;
