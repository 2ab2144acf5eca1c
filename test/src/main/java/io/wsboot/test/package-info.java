/**
 * Test support for applications built on wsboot: a fluent WebSocket test client that
 * knows the port of a {@code @SpringBootTest}, raw handshake requests, and a recorder of
 * the WebSocket application events a test caused.
 *
 * @see io.wsboot.test.AutoConfigureWebSocketTestClient
 * @see io.wsboot.test.WebSocketTestClient
 * @see io.wsboot.test.WebSocketEventRecorder
 */
@NullMarked
package io.wsboot.test;

import org.jspecify.annotations.NullMarked;
