/**
 * Public API of wsboot: the {@link io.wsboot.WebSocketServer} facade, the handshake types
 * and the WebSocket application events.
 */
@NullMarked
package io.wsboot;

import org.jspecify.annotations.NullMarked;
