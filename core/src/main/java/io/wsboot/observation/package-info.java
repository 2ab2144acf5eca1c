/**
 * Micrometer Observation API support of the wsboot WebSocket server: the handshake and
 * message-handling observations, their contexts and conventions.
 */
@NullMarked
package io.wsboot.observation;

import org.jspecify.annotations.NullMarked;
