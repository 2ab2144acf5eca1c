/**
 * The server: a facade over the registry of connections, broadcast, timers, the callback
 * context of {@code defer} and the lifecycle of the engine. Internal: applications use
 * {@link io.wsboot.WebSocketServer}.
 */
@NullMarked
package io.wsboot.server;

import org.jspecify.annotations.NullMarked;
