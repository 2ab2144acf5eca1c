/**
 * One established connection: its pipeline, the inbound frames (decoding, UTF-8,
 * reassembly), the outbound frames (encoding, the send buffer) and the close sequence.
 * Internal: applications use {@link io.wsboot.WebSocketServer}.
 */
@NullMarked
package io.wsboot.connection;

import org.jspecify.annotations.NullMarked;
