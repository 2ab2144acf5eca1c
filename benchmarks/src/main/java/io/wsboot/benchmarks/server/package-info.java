/**
 * The echo servers under test: bare Reactor Netty (the floor) and wsboot with the default
 * and the seed's handshake.
 */
@NullMarked
package io.wsboot.benchmarks.server;

import org.jspecify.annotations.NullMarked;
