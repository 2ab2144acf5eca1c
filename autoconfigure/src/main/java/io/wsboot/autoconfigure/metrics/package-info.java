/**
 * Micrometer meters of the wsboot WebSocket server.
 */
@NullMarked
package io.wsboot.autoconfigure.metrics;

import org.jspecify.annotations.NullMarked;
