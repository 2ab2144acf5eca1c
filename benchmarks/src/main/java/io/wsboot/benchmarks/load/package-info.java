/**
 * The load generator: a raw Netty WebSocket client with its echo, connect, idle and
 * fanout modes.
 */
@NullMarked
package io.wsboot.benchmarks.load;

import org.jspecify.annotations.NullMarked;
