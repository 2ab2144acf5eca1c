/**
 * The servers under test: bare Reactor Netty (the floor), wsboot with the default and the
 * seed's handshake, and a wsboot cluster node.
 */
@NullMarked
package io.wsboot.benchmarks.server;

import org.jspecify.annotations.NullMarked;
